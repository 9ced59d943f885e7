package dev.wharf.server.api;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.replica.AppendOutcome;
import dev.wharf.server.replica.Partition;
import dev.wharf.server.txn.TxnVerifier;
import dev.wharf.wire.message.ProduceRequest;
import dev.wharf.wire.message.ProduceResponse;
import dev.wharf.wire.records.BufferRecords;
import dev.wharf.wire.records.CorruptRecordException;
import dev.wharf.wire.records.RecordBatch;
import dev.wharf.wire.records.RecordBatches;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition's part of a Produce request, on the partition's leader: the batch is offered to
 * the {@link Partition} ({@link Partition#appendRecordsAsLeader} validates, deduplicates and
 * appends) and the partition's response filled in; for acks=all the response also waits until
 * every in-sync replica has the batch, or says what ended the wait. A transactional batch that
 * would open a transaction on the partition is confirmed with its coordinator first (KIP-890).
 * Immutable; runs on the connection's event loop, and an append after a confirmation on the
 * thread that completes it.
 */
final class ProduceAppender {
    private static final Logger log = LoggerFactory.getLogger(ProduceAppender.class);

    private final TxnVerifier verifier;
    private final boolean verifyTransactions;

    /** {@code verifyTransactions}: {@code transaction.partition.verification.enable}. */
    ProduceAppender(TxnVerifier verifier, boolean verifyTransactions) {
        this.verifier = verifier;
        this.verifyTransactions = verifyTransactions;
    }

    /**
     * A transactional batch that would open a transaction on the partition is first confirmed with
     * its coordinator (KIP-890 part 1, {@code transaction.partition.verification.enable}), or, from
     * v12 (a transaction version 2 client), added to the transaction on the producer's behalf
     * (part 2). Without a transactional id in the request it cannot be, and is refused with
     * INVALID_TXN_STATE as Kafka does. Everything else is appended at once. What the response waits
     * for goes into {@code waits}.
     */
    ProduceResponse.PartitionProduceResponse verifyThenAppend(Partition partition,
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
        Object guard = partition.verificationGuard(batch.producerId(), batch.producerEpoch(), addImplicitly,
                batch.baseSequence());
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
    /** Whether a partition's records start with a transactional batch (control batches are transactional). */
    static boolean hasTransactionalRecords(ProduceRequest req) {
        for (ProduceRequest.TopicProduceData t : req.topicData()) {
            for (ProduceRequest.PartitionProduceData p : t.partitionData()) {
                if (p.records() instanceof BufferRecords records && RecordBatch.startsTransactional(records.buffer())) {
                    return true;
                }
            }
        }
        return false;
    }

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
            // Kafka counts as failed only what it did not expect (not a storage error, a corrupt batch, ...)
            partition.meters().failedProduce();
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
