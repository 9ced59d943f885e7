package dev.wharf.server.txn;

import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.network.BrokerConnections;
import dev.wharf.server.network.InterBrokerListener;
import dev.wharf.wire.message.AddPartitionsToTxnRequest;
import dev.wharf.wire.message.AddPartitionsToTxnResponse;
import dev.wharf.wire.message.ApiKey;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A partition leader's (or group coordinator's) call to a transaction coordinator before a
 * transactional batch opens a transaction on a partition: KIP-890 part 1 asks whether the
 * partition is in the producer's transaction (AddPartitionsToTxn v5, VerifyOnly); part 2 adds it
 * there for a transaction version 2 client, which sends no AddPartitionsToTxn itself. When this
 * broker is the coordinator it asks itself, without a request. {@link #produceError} turns the
 * coordinator's answer into Produce's.
 *
 * <p>Threads: any thread asks; remote calls and retries run on one thread of their own
 * ({@code wharf-txn-verify}), which owns the connections.
 */
public final class TxnVerifier {
    private static final Logger log = LoggerFactory.getLogger(TxnVerifier.class);

    private final TxnStore store;
    private final TxnCoordinator local;
    private final int brokerId;
    /**
     * A busy coordinator is asked again after 1 ms, then 2, 4, … 64 (127 ms in all): the previous
     * transaction's markers and completion take a millisecond or two on a broker that leads their
     * partitions, and waiting 20 ms first (as clients do) made a tenth of the transactions of a
     * producer committing back to back wait that long.
     */
    private static final long RETRY_BACKOFF_MS = 1;
    private static final long RETRY_BACKOFF_MAX_MS = 64;

    private final ScheduledExecutorService thread;
    private final BrokerConnections connections;

    public TxnVerifier(TxnStore store, TxnCoordinator local, ZkMetadataStore metadata, int brokerId, InterBrokerListener listener,
            ScheduledExecutorService thread) {
        this.store = store;
        this.local = local;
        this.brokerId = brokerId;
        this.thread = thread;
        this.connections = new BrokerConnections("wharf-txn-verify-" + brokerId, 30_000, 1 << 20, metadata, listener);
    }

    /**
     * Asks whether {@code tp} is in the producer's transaction ({@code add} false: KIP-890 part 1),
     * or adds it there on the producer's behalf ({@code add} true: a transaction version 2 client,
     * Produce v12+ or TxnOffsetCommit v5+, sends no AddPartitionsToTxn). The answer is the
     * coordinator's; a busy coordinator (the previous transaction's markers still going out) is
     * asked again a few times before CONCURRENT_TRANSACTIONS is answered.
     */
    public CompletableFuture<ErrorCode> confirm(String transactionalId, long producerId, short producerEpoch,
            TopicPartition tp, boolean add) {
        return whileBusy(() -> ask(transactionalId, producerId, producerEpoch, tp, add)
                .exceptionally(failure -> ErrorCode.COORDINATOR_NOT_AVAILABLE), ErrorCode.CONCURRENT_TRANSACTIONS::equals);
    }

    /**
     * {@code ask}'s answer, asked again (as {@link #confirm} does) while {@code busy} says the
     * coordinator is still completing the previous transaction. Also for AddPartitionsToTxn from a
     * client (transaction version 1), which would otherwise wait 20 ms before it asks again.
     */
    public <T> CompletableFuture<T> whileBusy(Supplier<CompletableFuture<T>> ask, Predicate<T> busy) {
        CompletableFuture<T> result = new CompletableFuture<>();
        attempt(ask, busy, RETRY_BACKOFF_MS, result);
        return result;
    }

    private <T> void attempt(Supplier<CompletableFuture<T>> ask, Predicate<T> busy, long backoffMs, CompletableFuture<T> result) {
        ask.get().whenComplete((answer, failure) -> {
            if (failure != null) {
                result.completeExceptionally(failure);
            } else if (busy.test(answer) && backoffMs <= RETRY_BACKOFF_MAX_MS) {
                thread.schedule(() -> attempt(ask, busy, backoffMs * 2, result), backoffMs, TimeUnit.MILLISECONDS);
            } else {
                result.complete(answer);
            }
        });
    }

    private CompletableFuture<ErrorCode> ask(String transactionalId, long producerId, short producerEpoch,
            TopicPartition tp, boolean add) {
        int coordinator = store.coordinatorIdOf(transactionalId);
        if (coordinator < 0) {
            return CompletableFuture.completedFuture(ErrorCode.COORDINATOR_NOT_AVAILABLE);
        }
        if (coordinator == brokerId) {
            return add ? local.addPartitions(transactionalId, producerId, producerEpoch, List.of(tp), true, true)
                    .thenApply(errors -> errors.get(tp))
                    : CompletableFuture.completedFuture(local.verify(transactionalId, producerId, producerEpoch,
                            List.of(tp)).get(tp));
        }
        return CompletableFuture.supplyAsync(() -> askRemote(coordinator, transactionalId, producerId, producerEpoch, tp,
                add), thread);
    }

    private ErrorCode askRemote(int coordinator, String transactionalId, long producerId, short producerEpoch,
            TopicPartition tp, boolean add) {
        AddPartitionsToTxnRequest request = new AddPartitionsToTxnRequest().setTransactions(List.of(
                new AddPartitionsToTxnRequest.AddPartitionsToTxnTransaction().setTransactionalId(transactionalId)
                        .setProducerId(producerId).setProducerEpoch(producerEpoch).setVerifyOnly(!add)
                        .setTopics(List.of(new AddPartitionsToTxnRequest.AddPartitionsToTxnTopic().setName(tp.topic())
                                .setPartitions(List.of(tp.partition()))))));
        try {
            AddPartitionsToTxnResponse response = (AddPartitionsToTxnResponse) connections.to(coordinator)
                    .call(ApiKey.ADD_PARTITIONS_TO_TXN, (short) 5, request);
            if (response.errorCode() != 0) {
                return ErrorCode.forCode(response.errorCode());
            }
            for (AddPartitionsToTxnResponse.AddPartitionsToTxnResult result : response.resultsByTransaction()) {
                for (AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult t : result.topicResults()) {
                    for (AddPartitionsToTxnResponse.AddPartitionsToTxnPartitionResult p : t.resultsByPartition()) {
                        return ErrorCode.forCode(p.partitionErrorCode());
                    }
                }
            }
            return ErrorCode.COORDINATOR_NOT_AVAILABLE;
        } catch (IOException | RuntimeException e) {
            log.info("cannot reach the coordinator {} of {}: {}", coordinator, transactionalId, e.toString());
            return ErrorCode.COORDINATOR_NOT_AVAILABLE;
        }
    }

    /**
     * A coordinator's answer as Produce of {@code version} gives it (Kafka's mapping, KIP-890):
     * a partition not in the transaction is INVALID_TXN_STATE, or TRANSACTION_ABORTABLE for clients
     * that know it (v11+); fencing is INVALID_PRODUCER_EPOCH; a coordinator busy, loading, moving or
     * unreachable is NOT_ENOUGH_REPLICAS, which every client retries.
     */
    public static ErrorCode produceError(ErrorCode coordinatorAnswer, short version) {
        return switch (coordinatorAnswer) {
            case NONE -> ErrorCode.NONE;
            case INVALID_TXN_STATE, TRANSACTION_ABORTABLE -> version >= 11 ? ErrorCode.TRANSACTION_ABORTABLE
                    : ErrorCode.INVALID_TXN_STATE;
            case INVALID_PRODUCER_ID_MAPPING -> version >= 12 ? ErrorCode.INVALID_PRODUCER_ID_MAPPING
                    : ErrorCode.INVALID_TXN_STATE;
            case PRODUCER_FENCED, INVALID_PRODUCER_EPOCH -> ErrorCode.INVALID_PRODUCER_EPOCH;
            default -> ErrorCode.NOT_ENOUGH_REPLICAS;
        };
    }

}
