package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.TopicNames;
import dev.wharf.server.replica.AppendOutcome;
import dev.wharf.server.replica.Partition;
import dev.wharf.server.replica.ReplicaManager;
import dev.wharf.server.txn.TxnVerifier;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ProduceRequest;
import dev.wharf.wire.message.ProduceResponse;
import dev.wharf.wire.protocol.ApiMessage;
import dev.wharf.wire.records.BufferRecords;
import dev.wharf.wire.records.CorruptRecordException;
import dev.wharf.wire.records.RecordBatch;
import dev.wharf.wire.records.RecordBatches;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produce: finds each partition's leader replica and offers it the batch ({@link
 * Partition#appendRecordsAsLeader} validates, deduplicates and appends). acks=1 is answered once
 * the leader appended; acks=all once every in-sync replica has the batch (the high watermark passed
 * it; at once when the leader is the only replica), or with the error that ended the wait
 * (REQUEST_TIMED_OUT after the request's timeout, NOT_ENOUGH_REPLICAS_AFTER_APPEND, ...); acks=0
 * gets no response, and a failure closes its connection as in Kafka. Runs on the connection's
 * event loop: an append is a copy into the page cache, cheaper than two thread hand-offs; waits
 * are completed by the thread that moves the high watermark.
 *
 * <p>v3: transactional id, magic v2 only. v5: log start offset. v7: zstd. v8: record errors.
 * v9: flexible. v10-12: no format change. v13: topic ids instead of names (KIP-516).
 */
public final class ProduceHandler implements ApiHandler {
    private static final Logger log = LoggerFactory.getLogger(ProduceHandler.class);

    private final ZkMetadataStore metadata;
    private final ReplicaManager replicas;

    private final int selfId;
    private final TxnVerifier verifier;
    private final boolean verifyTransactions;

    public ProduceHandler(ZkMetadataStore metadata, ReplicaManager replicas, int selfId, TxnVerifier verifier,
            boolean verifyTransactions) {
        this.metadata = metadata;
        this.replicas = replicas;
        this.selfId = selfId;
        this.verifier = verifier;
        this.verifyTransactions = verifyTransactions;
    }

    @Override
    public ApiKey api() {
        return ApiKey.PRODUCE;
    }

    @Override
    public Execution execution() {
        return Execution.EVENT_LOOP;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        ProduceRequest req = (ProduceRequest) context.body();
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        ProduceResponse resp = produce(req, context.version(), waits);
        if (req.acks() == 0 && !waits.isEmpty()) {
            // a transactional batch being verified: acks=0 still waits, so that the request (and its records) outlives the append
            return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).thenApply(done -> acksZero(resp));
        }
        if (req.acks() == 0) {
            return CompletableFuture.completedFuture(acksZero(resp));
        }
        String listener = context.connection().listenerName();
        if (waits.isEmpty()) {
            LeaderHints.addTo(resp, metadata, listener, selfId);
            return CompletableFuture.completedFuture(resp);
        }
        return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).thenApply(done -> {
            LeaderHints.addTo(resp, metadata, listener, selfId);
            return resp;
        });
    }

    /** acks=0 gets no response: a failure closes the connection, after which the producer refreshes its metadata. */
    private static ApiMessage acksZero(ProduceResponse resp) {
        resp.responses().forEach(t -> t.partitionResponses().stream().filter(p -> p.errorCode() != 0).findFirst()
                .ifPresent(p -> {
                    throw new CloseConnectionException("acks=0 produce to " + t.name() + "-" + p.index()
                            + " failed with error code " + p.errorCode());
                }));
        return null;
    }

    private ProduceResponse produce(ProduceRequest req, short version, List<CompletableFuture<Void>> waits) {
        boolean validAcks = req.acks() == -1 || req.acks() == 0 || req.acks() == 1;
        List<ProduceResponse.TopicProduceResponse> topics = new ArrayList<>();
        for (ProduceRequest.TopicProduceData t : req.topicData()) {
            boolean byId = t.name().isEmpty();
            Optional<TopicInfo> topic = byId ? metadata.topic(t.topicId()) : metadata.topic(t.name());
            List<ProduceResponse.PartitionProduceResponse> results = new ArrayList<>();
            for (ProduceRequest.PartitionProduceData p : t.partitionData()) {
                ProduceResponse.PartitionProduceResponse r = new ProduceResponse.PartitionProduceResponse()
                        .setIndex(p.index()).setBaseOffset(-1).setLogAppendTimeMs(-1).setLogStartOffset(-1);
                if (!validAcks) {
                    results.add(r.setErrorCode(ErrorCode.INVALID_REQUIRED_ACKS.code));
                } else if (topic.isPresent() && TopicNames.isInternal(topic.get().name())) {
                    results.add(r.setErrorCode(ErrorCode.INVALID_TOPIC_EXCEPTION.code)
                            .setErrorMessage("clients cannot write to internal topics"));
                } else {
                    ReplicaManager.Lookup leader = replicas.leader(topic, p.index(), -1, byId);
                    results.add(leader.found() ? verifyThenAppend(leader.partition(), p, r, req, version, waits)
                            : r.setErrorCode(leader.error().code));
                }
            }
            topics.add(new ProduceResponse.TopicProduceResponse().setName(t.name()).setTopicId(t.topicId())
                    .setPartitionResponses(results));
        }
        return new ProduceResponse().setResponses(topics);
    }

    /**
     * A transactional batch that would open a transaction on the partition is first confirmed with
     * its coordinator (KIP-890 part 1, {@code transaction.partition.verification.enable}), or, from
     * v12 (a transaction version 2 client), added to the transaction on the producer's behalf
     * (part 2). Without a transactional id in the request it cannot be, and is refused with
     * INVALID_TXN_STATE as Kafka does. Everything else is appended at once.
     */
    private ProduceResponse.PartitionProduceResponse verifyThenAppend(Partition partition,
            ProduceRequest.PartitionProduceData p, ProduceResponse.PartitionProduceResponse r, ProduceRequest req,
            short version, List<CompletableFuture<Void>> waits) {
        boolean addImplicitly = version >= 12;
        RecordBatch batch = verifyTransactions || addImplicitly ? firstBatch(p) : null;
        if (batch == null || !batch.isTransactional() || batch.isControl() || batch.producerId() < 0
                || !partition.opensTransaction(batch.producerId(), batch.producerEpoch())) {
            return append(partition, p, r, req, waits, null);
        }
        if (req.transactionalId() == null || req.transactionalId().isEmpty()) {
            return r.setErrorCode(ErrorCode.INVALID_TXN_STATE.code)
                    .setErrorMessage("a transactional batch needs the transactional id of its producer");
        }
        Object guard = partition.verificationGuard(batch.producerId(), batch.producerEpoch(), addImplicitly);
        waits.add(verifier.confirm(req.transactionalId(), batch.producerId(), batch.producerEpoch(),
                partition.topicPartition(), addImplicitly).thenCompose(answer -> {
                    ErrorCode error = TxnVerifier.produceError(answer, version);
                    if (error != ErrorCode.NONE) {
                        r.setErrorCode(error.code);
                        return CompletableFuture.completedFuture(null);
                    }
                    List<CompletableFuture<Void>> replicated = new ArrayList<>();
                    append(partition, p, r, req, replicated, guard);
                    return CompletableFuture.allOf(replicated.toArray(CompletableFuture[]::new));
                }));
        return r;
    }

    /**
     * The one batch of a partition's records if it is transactional; null when it is not, or when
     * there is not exactly one whole batch (the append says why).
     */
    private static RecordBatch firstBatch(ProduceRequest.PartitionProduceData p) {
        if (!(p.records() instanceof BufferRecords records) || !RecordBatch.startsTransactional(records.buffer())) {
            return null; // not transactional: the common case costs one read of the attributes
        }
        try {
            List<RecordBatch> batches = RecordBatches.split(records.buffer());
            return batches.size() == 1 ? batches.get(0) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static ProduceResponse.PartitionProduceResponse append(Partition partition,
            ProduceRequest.PartitionProduceData p, ProduceResponse.PartitionProduceResponse r, ProduceRequest req,
            List<CompletableFuture<Void>> waits, Object txnGuard) {
        if (!(p.records() instanceof BufferRecords records) || records.sizeInBytes() == 0) {
            return r.setErrorCode(ErrorCode.CORRUPT_MESSAGE.code);
        }
        try {
            AppendOutcome outcome = partition.appendRecordsAsLeader(records.buffer(), System.currentTimeMillis(), req.acks(),
                    txnGuard);
            if (outcome instanceof AppendOutcome.Appended a) {
                r.setErrorCode(ErrorCode.NONE.code).setBaseOffset(a.firstOffset())
                        .setLogStartOffset(a.logStartOffset()).setLogAppendTimeMs(a.logAppendTimeMs());
                return awaitReplication(partition, a.lastOffset(), a.leaderEpoch(), r, req, waits);
            }
            if (outcome instanceof AppendOutcome.Duplicate d) {
                // answered like the original, and like it only once it is replicated
                r.setErrorCode(ErrorCode.NONE.code).setBaseOffset(d.firstOffset()).setLogStartOffset(d.logStartOffset());
                return awaitReplication(partition, d.lastOffset(), d.leaderEpoch(), r, req, waits);
            }
            AppendOutcome.Rejected rejected = (AppendOutcome.Rejected) outcome;
            return r.setErrorCode(rejected.error().code).setErrorMessage(rejected.message());
        } catch (CorruptRecordException e) {
            return r.setErrorCode(ErrorCode.CORRUPT_MESSAGE.code).setErrorMessage(e.getMessage());
        } catch (java.io.IOException e) {
            // the log dir failed (the partition reported it and goes offline here): Kafka's answer
            return r.setErrorCode(ErrorCode.KAFKA_STORAGE_ERROR.code).setErrorMessage(e.toString());
        } catch (Exception e) {
            log.error("append failed partition={}", partition.topicPartition(), e);
            return r.setErrorCode(ErrorCode.UNKNOWN_SERVER_ERROR.code);
        }
    }

    /** For acks=all, the response waits until the ISR has the batch; its error says why it did not. */
    private static ProduceResponse.PartitionProduceResponse awaitReplication(Partition partition, long lastOffset,
            int leaderEpoch, ProduceResponse.PartitionProduceResponse r, ProduceRequest req,
            List<CompletableFuture<Void>> waits) {
        if (req.acks() != -1) {
            return r;
        }
        CompletableFuture<ErrorCode> replicated = partition.whenReplicated(lastOffset, leaderEpoch, req.timeoutMs());
        if (replicated.isDone() && replicated.join() == ErrorCode.NONE) {
            return r;
        }
        waits.add(replicated.thenAccept(error -> {
            if (error != ErrorCode.NONE) {
                r.setErrorCode(error.code);
            }
        }));
        return r;
    }
}
