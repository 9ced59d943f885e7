package dev.wharf.server.replica;

import dev.wharf.logstore.AppendResult;
import dev.wharf.logstore.LeaderAppendResult;
import dev.wharf.logstore.PartitionLog;
import dev.wharf.logstore.ProducerBatchInfo;
import dev.wharf.logstore.ProducerRejection;
import dev.wharf.server.ErrorCode;
import dev.wharf.wire.records.RecordBatch;
import dev.wharf.wire.records.RecordBatches;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.List;

/**
 * What a partition's leader appends, and what becomes of it: a client's batch, checked ({@link
 * BatchValidator}, the ISR an acks=all produce needs) and offered to the log, which checks it
 * against its producer's state; the broker's own batches (the group coordinator's records); a
 * transaction coordinator's markers. Each append wakes the followers waiting for new records and
 * moves the high watermark as far as the {@link ReplicaSet} allows.
 *
 * <p>No state of its own. Threads: Produce on event loops, the group coordinator and WriteTxnMarkers
 * on the I/O pool; every append runs under the read side of the partition's role lock, in the role
 * and on the log as they are ({@link Partition#underRole}), so none lands in a role that has ended.
 */
final class LeaderAppends {
    private final Partition partition;
    private final int localBrokerId;
    private final PartitionWaiters waiters;
    private final ReplicaSet replicaSet;

    LeaderAppends(Partition partition, int localBrokerId, PartitionWaiters waiters, ReplicaSet replicaSet) {
        this.partition = partition;
        this.localBrokerId = localBrokerId;
        this.waiters = waiters;
        this.replicaSet = replicaSet;
    }

    /**
     * Validates a client's record set (exactly one batch, as Kafka requires from Produce v3 on),
     * checks it against the producer's state (fencing, duplicates, sequence order) and appends it.
     * For acks=all ({@code requiredAcks} -1) the ISR must hold {@code min.insync.replicas} first.
     * A transactional batch its coordinator confirmed (KIP-890) carries a {@code txnGuard} (else
     * null), from {@link Partition#verificationGuard}, which must still hold when the batch is
     * appended (see {@link PartitionLog#appendAsLeader(ByteBuf, int, ProducerBatchInfo, Object)}).
     * Throws CorruptRecordException for a batch that fails its CRC.
     */
    AppendOutcome clientBatch(ByteBuf records, long nowMs, int requiredAcks, Object txnGuard) throws IOException {
        AppendOutcome outcome = partition.underRole((r, l) -> r.isLeader()
                ? offer(records, nowMs, requiredAcks, txnGuard, r, l)
                : new AppendOutcome.Rejected(ErrorCode.NOT_LEADER_OR_FOLLOWER, null));
        if (outcome instanceof AppendOutcome.Appended) {
            appended();
        }
        return outcome;
    }

    /** A client's batch checked and appended in leader role {@code r} (under the role lock). */
    private AppendOutcome offer(ByteBuf records, long nowMs, int requiredAcks, Object txnGuard, ReplicaRole r,
            PartitionLog l) throws IOException {
        List<RecordBatch> batches = RecordBatches.split(records);
        if (batches.size() != 1) {
            // one batch per partition keeps the idempotence checks (one sequence range) sound
            return new AppendOutcome.Rejected(ErrorCode.INVALID_RECORD,
                    "produce requests must carry exactly one record batch per partition");
        }
        RecordBatch batch = batches.get(0);
        ProduceConfig config = partition.produceConfig();
        BatchValidator.Refusal refusal = BatchValidator.check(batch, config, nowMs);
        if (refusal != null) {
            return new AppendOutcome.Rejected(refusal.error(), refusal.message());
        }
        if (requiredAcks == -1 && r.isr().size() < config.minInsyncReplicas()) {
            return new AppendOutcome.Rejected(ErrorCode.NOT_ENOUGH_REPLICAS, "The size of the current ISR "
                    + r.isr() + " is insufficient to satisfy the min.isr requirement of " + config.minInsyncReplicas()
                    + " for partition " + partition.topicPartition());
        }
        long appendTime = -1;
        if (config.logAppendTime()) {
            appendTime = nowMs;
            batch.setLogAppendTime(appendTime);
        }
        LeaderAppendResult result = l.appendAsLeader(records, r.leaderEpoch(), ProducerBatchInfo.of(batch), txnGuard);
        if (result instanceof LeaderAppendResult.Duplicate d) {
            return new AppendOutcome.Duplicate(d.firstOffset(), d.firstOffset() + batch.lastOffsetDelta(),
                    r.leaderEpoch(), l.logStartOffset());
        }
        if (result instanceof LeaderAppendResult.Rejected rejected) {
            return new AppendOutcome.Rejected(errorFor(rejected.reason()), null);
        }
        AppendResult appended = ((LeaderAppendResult.Appended) result).result();
        return new AppendOutcome.Appended(appended.firstOffset(), appended.lastOffset(), r.leaderEpoch(),
                l.logStartOffset(), appendTime);
    }

    /**
     * Appends batches the broker built itself (the group coordinator's records), as the leader;
     * throws {@link NotLeaderException} when this replica does not lead.
     */
    AppendOutcome.Appended brokerBatches(ByteBuf records) throws IOException {
        AppendOutcome.Appended outcome = partition.underRole((r, l) -> {
            if (!r.isLeader()) {
                throw new NotLeaderException(partition.topicPartition() + " is not led by broker " + localBrokerId);
            }
            AppendResult appended = l.append(records, r.leaderEpoch());
            return new AppendOutcome.Appended(appended.firstOffset(), appended.lastOffset(), r.leaderEpoch(),
                    l.logStartOffset(), -1);
        });
        appended();
        return outcome;
    }

    /**
     * A transaction marker from a transaction coordinator (WriteTxnMarkers), as the leader: like an
     * acks=all produce it needs {@code min.insync.replicas} in the ISR; the log fences stale
     * producer and coordinator epochs (INVALID_PRODUCER_EPOCH, TRANSACTION_COORDINATOR_FENCED).
     */
    AppendOutcome marker(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch) throws IOException {
        AppendOutcome outcome = partition.underRole((r, l) -> {
            if (!r.isLeader()) {
                return new AppendOutcome.Rejected(ErrorCode.NOT_LEADER_OR_FOLLOWER, null);
            }
            if (r.isr().size() < partition.produceConfig().minInsyncReplicas()) {
                return new AppendOutcome.Rejected(ErrorCode.NOT_ENOUGH_REPLICAS, null);
            }
            LeaderAppendResult result = l.appendMarker(producerId, producerEpoch, commit, coordinatorEpoch, r.leaderEpoch());
            if (result instanceof LeaderAppendResult.Rejected rejected) {
                return new AppendOutcome.Rejected(errorFor(rejected.reason()), null);
            }
            AppendResult appended = ((LeaderAppendResult.Appended) result).result();
            return new AppendOutcome.Appended(appended.firstOffset(), appended.lastOffset(), r.leaderEpoch(),
                    l.logStartOffset(), -1);
        });
        if (outcome instanceof AppendOutcome.Appended) {
            appended();
        }
        return outcome;
    }

    private static ErrorCode errorFor(ProducerRejection reason) {
        return switch (reason) {
            case INVALID_TXN_STATE -> ErrorCode.INVALID_TXN_STATE;
            case INVALID_PRODUCER_EPOCH -> ErrorCode.INVALID_PRODUCER_EPOCH;
            case OUT_OF_ORDER_SEQUENCE_NUMBER -> ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER;
            case TRANSACTION_COORDINATOR_FENCED -> ErrorCode.TRANSACTION_COORDINATOR_FENCED;
        };
    }

    /** New records: followers waiting for them copy them, and alone the leader moves the high watermark. */
    private void appended() {
        if (partition.role().replicas().size() > 1) {
            waiters.followerFetches().checkAndComplete(partition.topicPartition());
        }
        replicaSet.maybeIncrementHighWatermark();
    }
}
