package dev.wharf.server.replica;

import dev.wharf.logstore.AppendResult;
import dev.wharf.logstore.LeaderAppendResult;
import dev.wharf.logstore.LeaderEpochCache;
import dev.wharf.logstore.PartitionLog;
import dev.wharf.logstore.ProducerBatchInfo;
import dev.wharf.logstore.ReadResult;
import dev.wharf.logstore.TimestampOffset;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.purgatory.DelayedOperationPurgatory;
import dev.wharf.wire.records.RecordBatch;
import dev.wharf.wire.records.RecordBatches;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * One partition replica on this broker and everything it does: its log, its idempotent-producer
 * state (kept by the log), its leader epoch and role, its in-sync replicas and its high watermark; appends as the
 * leader, reads up to the high watermark, and wakes the fetches waiting on it.
 *
 * <p>The high watermark is a real field of the log: loaded from the broker's
 * {@code replication-offset-checkpoint}, advanced only when every in-sync replica has the records
 * below it. With this broker the only replica tracked, the in-sync set is this broker and the high
 * watermark follows the log end; replication changes {@link #maybeIncrementHighWatermark} and
 * nothing else.
 *
 * <p>Threads: appends come from Produce on the producer connection's event loop and from the group
 * coordinator on the I/O pool; the log checks, appends and records producer state as one step
 * under its append lock ({@link PartitionLog#appendAsLeader}). Reads come from any thread and take no lock (the log publishes
 * what it appended). The leader state is replaced as a whole (volatile) by the replica manager, under
 * this object's monitor, and only for a newer epoch (or leadership in the same epoch).
 */
public final class Partition {
    /** What became of a batch offered as the leader. */
    public sealed interface AppendOutcome {
        record Appended(long firstOffset, long logStartOffset, long logAppendTimeMs) implements AppendOutcome {}

        /** The producer sent this batch before; it is answered with where it landed then. */
        record Duplicate(long firstOffset, long logStartOffset) implements AppendOutcome {}

        record Rejected(ErrorCode error, String message) implements AppendOutcome {}
    }

    /** Who leads, in which epoch, and which replicas are in sync. */
    private record LeaderState(int epoch, boolean isLeader, Set<Integer> inSyncReplicas) {}

    private final TopicPartition topicPartition;
    private final UUID topicId;
    private final PartitionLog log;
    private final int localBrokerId;
    private final DelayedOperationPurgatory<TopicPartition> fetchWaiters;
    private volatile LeaderState leaderState;
    private volatile ProduceConfig produceConfig;

    /** Made by the {@link ReplicaManager}, which owns the partitions of this broker. */
    public Partition(UUID topicId, PartitionLog log, int localBrokerId, ProduceConfig produceConfig,
            DelayedOperationPurgatory<TopicPartition> fetchWaiters) {
        this.topicPartition = log.topicPartition();
        this.topicId = topicId;
        this.log = log;
        this.localBrokerId = localBrokerId;
        this.produceConfig = produceConfig;
        this.fetchWaiters = fetchWaiters;
        this.leaderState = new LeaderState(-1, false, Set.of());
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    /** The id of the topic this partition belongs to: a topic re-created under the same name has another. */
    public UUID topicId() {
        return topicId;
    }

    /**
     * Makes this broker the leader in {@code epoch} (a newer epoch than it had, or the same one
     * again after a restart), with itself as the only in-sync replica it tracks.
     */
    void becomeLeader(int epoch) {
        if (!newsForLeader(leaderState, epoch)) {
            return; // the usual case, checked on every request without a lock
        }
        synchronized (this) {
            if (!newsForLeader(leaderState, epoch)) {
                return;
            }
            leaderState = new LeaderState(epoch, true, Set.of(localBrokerId));
        }
        maybeIncrementHighWatermark();
    }

    /** Another broker leads in {@code epoch}: appends are refused from now on. */
    synchronized void becomeFollower(int epoch) {
        if (epoch >= leaderState.epoch()) {
            leaderState = new LeaderState(epoch, false, Set.of());
        }
    }

    /** Whether becoming leader in {@code epoch} changes anything: older epochs are stale news. */
    private static boolean newsForLeader(LeaderState s, int epoch) {
        return epoch > s.epoch() || (epoch == s.epoch() && !s.isLeader());
    }

    void updateProduceConfig(ProduceConfig config) {
        produceConfig = config;
    }

    public int leaderEpoch() {
        return leaderState.epoch();
    }

    public Set<Integer> inSyncReplicas() {
        return leaderState.inSyncReplicas();
    }

    /**
     * The leader epoch a client believes current (-1: no check) against this one: an older one
     * is fenced, a newer one means this broker is behind; either way the client refreshes.
     */
    public ErrorCode checkLeaderEpoch(int currentLeaderEpoch) {
        int epoch = leaderEpoch();
        if (currentLeaderEpoch < 0 || currentLeaderEpoch == epoch) {
            return ErrorCode.NONE;
        }
        return currentLeaderEpoch < epoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH;
    }

    /**
     * Validates a client's record set (exactly one batch, as Kafka requires from Produce v3 on),
     * checks it against the producer's state (fencing, duplicates, sequence order), appends it and
     * advances the high watermark. Throws CorruptRecordException for a batch that fails its CRC.
     */
    public AppendOutcome appendRecordsAsLeader(ByteBuf records, long nowMs) throws IOException {
        LeaderState state = leaderState;
        if (!state.isLeader()) {
            return new AppendOutcome.Rejected(ErrorCode.NOT_LEADER_OR_FOLLOWER, null);
        }
        List<RecordBatch> batches = RecordBatches.split(records);
        if (batches.size() != 1) {
            // one batch per partition keeps the idempotence checks (one sequence range) sound
            return new AppendOutcome.Rejected(ErrorCode.INVALID_RECORD,
                    "produce requests must carry exactly one record batch per partition");
        }
        RecordBatch batch = batches.get(0);
        ProduceConfig config = produceConfig;
        BatchValidator.Refusal refusal = BatchValidator.check(batch, config, nowMs);
        if (refusal != null) {
            return new AppendOutcome.Rejected(refusal.error(), refusal.message());
        }
        long appendTime = -1;
        if (config.logAppendTime()) {
            appendTime = nowMs;
            batch.setLogAppendTime(appendTime);
        }
        LeaderAppendResult result = log.appendAsLeader(records, state.epoch(), ProducerBatchInfo.of(batch));
        if (result instanceof LeaderAppendResult.Duplicate d) {
            return new AppendOutcome.Duplicate(d.firstOffset(), log.logStartOffset());
        }
        if (result instanceof LeaderAppendResult.Rejected rejected) {
            return new AppendOutcome.Rejected(switch (rejected.reason()) {
                case INVALID_PRODUCER_EPOCH -> ErrorCode.INVALID_PRODUCER_EPOCH;
                case OUT_OF_ORDER_SEQUENCE_NUMBER -> ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER;
            }, null);
        }
        AppendResult appended = ((LeaderAppendResult.Appended) result).result();
        maybeIncrementHighWatermark();
        return new AppendOutcome.Appended(appended.firstOffset(), log.logStartOffset(), appendTime);
    }

    /** Appends batches the broker built itself (the group coordinator's records), as the leader. */
    public AppendResult appendAsLeader(ByteBuf records) throws IOException {
        AppendResult appended = log.append(records, leaderState.epoch());
        maybeIncrementHighWatermark();
        return appended;
    }

    /**
     * Moves the high watermark to the smallest log end among the in-sync replicas (this broker
     * alone tracks only itself), and wakes the fetches waiting for it.
     */
    void maybeIncrementHighWatermark() {
        long before = log.highWatermark();
        log.updateHighWatermark(log.logEndOffset());
        if (log.highWatermark() > before) {
            fetchWaiters.checkAndComplete(topicPartition);
        }
    }

    /** Whole batches from the one holding {@code offset}, none at or past the high watermark. */
    public ReadResult read(long offset, int maxBytes) {
        try {
            return log.read(offset, maxBytes, log.highWatermark());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + topicPartition, e);
        }
    }

    public long highWatermark() {
        return log.highWatermark();
    }

    public long logStartOffset() {
        return log.logStartOffset();
    }

    public long logEndOffset() {
        return log.logEndOffset();
    }

    /** Bytes on disk. */
    public long size() {
        return log.size();
    }

    /** The first record at or after {@code timestamp} below the high watermark. */
    public Optional<TimestampOffset> offsetForTimestamp(long timestamp) throws IOException {
        return log.offsetForTimestamp(timestamp).filter(found -> found.offset() < log.highWatermark());
    }

    /** The record with the largest timestamp below the high watermark. */
    public Optional<TimestampOffset> maxTimestamp() throws IOException {
        return log.maxTimestamp().filter(found -> found.offset() < log.highWatermark());
    }

    /** The largest epoch at most {@code epoch} and where it ends (OffsetForLeaderEpoch). */
    public LeaderEpochCache.EpochEndOffset endOffsetForEpoch(int epoch) {
        return log.leaderEpochs().endOffsetFor(epoch, log.logEndOffset());
    }

    /** DeleteRecords: moves the log start up to {@code offset} (at most the high watermark); the new log start. */
    public long deleteRecordsBefore(long offset) throws IOException {
        return log.deleteRecordsBefore(offset);
    }

    /** The underlying log, for the coordinator's internal partitions that replay it. */
    public PartitionLog log() {
        return log;
    }

    @Override
    public String toString() {
        return "Partition(" + topicPartition + ", epoch " + leaderEpoch() + ")";
    }
}
