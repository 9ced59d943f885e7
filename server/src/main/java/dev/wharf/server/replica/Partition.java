package dev.wharf.server.replica;

import dev.wharf.controller.TopicInfo;
import dev.wharf.logstore.AbortedTxn;
import dev.wharf.logstore.LeaderEpochCache;
import dev.wharf.logstore.PartitionLog;
import dev.wharf.logstore.ReadResult;
import dev.wharf.logstore.TimestampOffset;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.metrics.TopicMeters;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One partition replica on this broker: its log (with the producer state the log keeps) and its
 * role in the current leader epoch, which every write is checked against. The rest of the broker
 * addresses it here; what it does in each role has a class of its own: as leader it appends
 * ({@link LeaderAppends}), and tracks its followers, its ISR and its high watermark, which acks=all
 * writes wait for ({@link ReplicaSet}); as follower it writes what its fetcher copied from the
 * leader ({@link FollowerWrites}). Reads serve consumers up to the high watermark (or the last
 * stable offset) and followers up to the log end.
 *
 * <p>Roles change only with the metadata ({@link #makeLeader}, {@link #makeFollower}) and only for
 * a newer leader epoch (or a newer partition epoch within one: the ISR the leader had written,
 * {@link #isrChangeDone}). Threads: roles change on {@code wharf-zk-events}, or on the I/O pool for
 * a written ISR; the role is replaced whole (volatile) under the write side of {@code roleLock}.
 * Appends come from Produce on event loops, from the group coordinator and WriteTxnMarkers on the
 * I/O pool and from the fetcher thread; they hold the read side ({@link #underRole}), so no append
 * lands in a role or epoch that has ended. The log orders appends and truncations under its own
 * lock; reads take no lock. The log itself is replaced, under the write side, when it moves to
 * another log dir ({@link #replaceLog}); an I/O error on it is reported to the {@link
 * StorageEvents}, which takes its log dir offline. The produce settings are replaced whole
 * (volatile) on {@code wharf-zk-events} when the topic's configs change.
 */
public final class Partition {
    private final TopicPartition topicPartition;
    private final UUID topicId;
    /** Replaced only when the log moves between log dirs, under the role lock's write side. */
    private volatile PartitionLog log;
    private volatile StorageEvents storage = StorageEvents.NONE;
    private final int localBrokerId;
    private final PartitionWaiters waiters;
    private final ReplicaSet replicaSet;
    private final LeaderAppends appends;
    private final FollowerWrites followerWrites;
    private final ReentrantReadWriteLock roleLock = new ReentrantReadWriteLock();
    private volatile ReplicaRole role = ReplicaRole.NONE;
    private volatile ProduceConfig produceConfig;
    /** Its topic's BrokerTopicMetrics meters, set once when the replica manager opens it. */
    private volatile TopicMeters meters = TopicMeters.NONE;

    /** Made by the {@link ReplicaManager}, which owns the partitions of this broker. */
    Partition(UUID topicId, PartitionLog log, int localBrokerId, ProduceConfig produceConfig, PartitionWaiters waiters,
            IsrChanger isrChanger) {
        this.topicPartition = log.topicPartition();
        this.topicId = topicId;
        this.log = log;
        this.localBrokerId = localBrokerId;
        this.produceConfig = produceConfig;
        this.waiters = waiters;
        this.replicaSet = new ReplicaSet(this, localBrokerId, waiters, isrChanger);
        this.appends = new LeaderAppends(this, localBrokerId, waiters, replicaSet);
        this.followerWrites = new FollowerWrites(this, waiters);
    }

    /** A partition this broker alone replicates and leads in epoch 0 (the group coordinator's tests, tools). */
    public static Partition soleLeader(UUID topicId, PartitionLog log, int localBrokerId, ProduceConfig produceConfig,
            PartitionWaiters waiters) {
        Partition p = new Partition(topicId, log, localBrokerId, produceConfig, waiters, IsrChanger.NONE);
        p.makeLeader(new TopicInfo.PartitionInfo(log.topicPartition().partition(), List.of(localBrokerId), localBrokerId,
                0, List.of(localBrokerId)), System.currentTimeMillis());
        return p;
    }

    /** The topic's {@code min.insync.replicas}. */
    public int minInsyncReplicas() {
        return produceConfig.minInsyncReplicas();
    }

    /** Its topic's meters (recording into them allocates nothing). */
    public TopicMeters meters() {
        return meters;
    }

    void meters(TopicMeters meters) {
        this.meters = meters;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    /** What this replica reports about its storage: I/O errors on its log, and truncations (for a log dir move). */
    void storageEvents(StorageEvents events) {
        this.storage = events;
    }

    StorageEvents storage() {
        return storage;
    }

    /** The change of this replica's log for another: {@code current} in, its replacement out. */
    public interface LogReplacement {
        PartitionLog replace(PartitionLog current) throws IOException;
    }

    /**
     * Replaces the log (the last step of a move between log dirs) while no append runs: appends,
     * truncations and role changes wait on the role lock's write side, so none sees a gap and none
     * lands in the old log after the copy. Reads in flight finish on the old log's files.
     */
    public void replaceLog(LogReplacement replacement) throws IOException {
        roleLock.writeLock().lock();
        try {
            log = replacement.replace(log);
        } finally {
            roleLock.writeLock().unlock();
        }
        waiters.fetches().checkAndComplete(topicPartition);
    }

    /** Reports an I/O error on the log to the storage events (its log dir goes offline) and returns it to throw. */
    private IOException storageFailed(PartitionLog failed, IOException e) {
        storage.ioFailed(failed, e);
        return e;
    }

    /** Work on the log in one role. */
    interface RoleStep<T> {
        T apply(ReplicaRole role, PartitionLog log) throws IOException;
    }

    /**
     * Runs {@code step} with the role and log as they are, holding the role lock's read side so
     * that no role change or log replacement interleaves; an I/O error goes to the storage events.
     */
    <T> T underRole(RoleStep<T> step) throws IOException {
        roleLock.readLock().lock();
        PartitionLog current = log;
        try {
            return step.apply(role, current);
        } catch (IOException e) {
            throw storageFailed(current, e);
        } catch (UncheckedIOException e) { // some log file writes report their failure unchecked
            throw storageFailed(current, e.getCause());
        } finally {
            roleLock.readLock().unlock();
        }
    }

    /** The id of the topic this partition belongs to: a topic re-created under the same name has another. */
    public UUID topicId() {
        return topicId;
    }

    // ---- roles

    /**
     * Leads in {@code state}'s epoch: a newer epoch starts leadership afresh (followers tracked
     * from scratch); the same epoch with a newer partition epoch only takes its ISR. Returns
     * whether leadership started.
     */
    boolean makeLeader(TopicInfo.PartitionInfo state, long nowMs) {
        boolean started;
        roleLock.writeLock().lock();
        try {
            ReplicaRole r = role;
            if (state.leaderEpoch() < r.leaderEpoch()) {
                return false;
            }
            started = state.leaderEpoch() > r.leaderEpoch() || !r.isLeader();
            if (started) {
                role = new ReplicaRole(state.leaderEpoch(), localBrokerId, true, state.replicas(), state.isr(),
                        state.partitionEpoch(), log.logEndOffset());
                replicaSet.reset(state.replicas(), nowMs);
            } else if (state.partitionEpoch() > r.partitionEpoch()) {
                role = r.withIsr(state.isr(), state.partitionEpoch());
            } else {
                return false;
            }
        } finally {
            roleLock.writeLock().unlock();
        }
        replicaSet.isrChanged();
        return started;
    }

    /**
     * Follows {@code state.leader()} (-1: nobody leads; the partition is offline) in its epoch;
     * requests waiting on this replica as leader are answered. Returns whether the role changed
     * (the fetcher must follow the new leader).
     */
    boolean makeFollower(TopicInfo.PartitionInfo state) {
        roleLock.writeLock().lock();
        try {
            ReplicaRole r = role;
            if (state.leaderEpoch() < r.leaderEpoch()
                    || (state.leaderEpoch() == r.leaderEpoch() && !r.isLeader() && state.leader() == r.leaderId())) {
                return false;
            }
            role = new ReplicaRole(state.leaderEpoch(), state.leader(), false, state.replicas(), state.isr(),
                    state.partitionEpoch(), -1);
            replicaSet.clear();
        } finally {
            roleLock.writeLock().unlock();
        }
        waiters.completeAll(topicPartition);
        return true;
    }

    void updateProduceConfig(ProduceConfig config) {
        produceConfig = config;
    }

    ProduceConfig produceConfig() {
        return produceConfig;
    }

    /** The role as it is now; an append gets it from {@link #underRole} instead, held for the append. */
    ReplicaRole role() {
        return role;
    }

    public boolean isLeader() {
        return role.isLeader();
    }

    public int leaderEpoch() {
        return role.leaderEpoch();
    }

    public List<Integer> inSyncReplicas() {
        return role.isr();
    }

    /** See {@link ReplicaRole#checkLeaderEpoch}. */
    public ErrorCode checkLeaderEpoch(int currentLeaderEpoch) {
        return role.checkLeaderEpoch(currentLeaderEpoch);
    }

    // ---- the leader's appends

    /** A client's batch: see {@link LeaderAppends#clientBatch}. */
    public AppendOutcome appendRecordsAsLeader(ByteBuf records, long nowMs, int requiredAcks) throws IOException {
        return appendRecordsAsLeader(records, nowMs, requiredAcks, null);
    }

    /**
     * A transactional batch its coordinator confirmed, guarded by {@link #verificationGuard}: see
     * {@link LeaderAppends#clientBatch}.
     */
    public AppendOutcome appendRecordsAsLeader(ByteBuf records, long nowMs, int requiredAcks, Object txnGuard)
            throws IOException {
        TopicMeters m = meters;
        int bytes = records.readableBytes();
        m.produceRequest();
        AppendOutcome outcome = appends.clientBatch(records, nowMs, requiredAcks, txnGuard);
        if (outcome instanceof AppendOutcome.Appended a) {
            m.appended(bytes, a.lastOffset() - a.firstOffset() + 1);
        } else if (outcome instanceof AppendOutcome.Rejected r
                && (r.error() == ErrorCode.MESSAGE_TOO_LARGE || r.error() == ErrorCode.RECORD_LIST_TOO_LARGE)) {
            m.rejected(bytes); // Kafka counts the bytes of batches refused for their size
        }
        return outcome;
    }

    /** See {@link LeaderAppends#brokerBatches}. */
    public AppendOutcome.Appended appendAsLeader(ByteBuf records) throws IOException {
        int bytes = records.readableBytes();
        AppendOutcome.Appended a = appends.brokerBatches(records);
        meters.appended(bytes, a.lastOffset() - a.firstOffset() + 1); // Kafka counts the coordinators' appends too
        return a;
    }

    /** See {@link LeaderAppends#marker}. */
    public AppendOutcome appendMarkerAsLeader(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch)
            throws IOException {
        return appends.marker(producerId, producerEpoch, commit, coordinatorEpoch);
    }

    /**
     * Whether a transactional batch of {@code producerId} in {@code producerEpoch} would open a
     * transaction here (none is open in that epoch): then the coordinator is asked first (KIP-890),
     * and a {@link #verificationGuard} taken beforehand.
     */
    public boolean opensTransaction(long producerId, short producerEpoch) {
        return !log.producerState().ongoingIn(producerId, producerEpoch);
    }

    /** See {@link dev.wharf.logstore.ProducerStateTable#newVerificationGuard}. */
    public Object verificationGuard(long producerId, short producerEpoch, boolean version2, int firstSequence) {
        return log.producerState().newVerificationGuard(producerId, producerEpoch, version2, firstSequence);
    }

    // ---- the leader's followers and ISR

    /** See {@link ReplicaSet#followerFetched}. */
    public boolean followerFetched(int replicaId, long fetchOffset, long nowMs) {
        return replicaSet.followerFetched(replicaId, fetchOffset, nowMs);
    }

    /** See {@link ReplicaSet#maybeShrinkIsr}. */
    void maybeShrinkIsr(long nowMs, long maxLagMs) {
        replicaSet.maybeShrinkIsr(nowMs, maxLagMs);
    }

    /** See {@link ReplicaSet#whenReplicated}. */
    public CompletableFuture<ErrorCode> whenReplicated(long lastOffset, int leaderEpoch, long timeoutMs) {
        return replicaSet.whenReplicated(lastOffset, leaderEpoch, timeoutMs);
    }

    /**
     * The pending ISR change was written ({@code written}: the new state) or not (null: the
     * partition moved on, or ZooKeeper failed; the metadata brings the news, and a later fetch or
     * check proposes again).
     */
    void isrChangeDone(TopicInfo.PartitionInfo written) {
        if (written != null) {
            roleLock.writeLock().lock();
            try {
                ReplicaRole r = role;
                if (r.isLeader() && r.leaderEpoch() == written.leaderEpoch() && written.partitionEpoch() > r.partitionEpoch()) {
                    role = r.withIsr(written.isr(), written.partitionEpoch());
                }
            } finally {
                roleLock.writeLock().unlock();
            }
        }
        replicaSet.endIsrChange();
        replicaSet.isrChanged();
    }

    // ---- the follower's writes

    /** The follower's writes, for its fetcher. */
    FollowerWrites followerWrites() {
        return followerWrites;
    }

    // ---- reads

    /** Whole batches from the one holding {@code offset}, none at or past the high watermark. */
    public ReadResult read(long offset, int maxBytes) {
        return read(offset, maxBytes, log.highWatermark());
    }

    /**
     * Whole batches for a read_committed consumer: none at or past the last stable offset (the
     * first offset of a transaction still open, or the high watermark).
     */
    public ReadResult readCommitted(long offset, int maxBytes) {
        return read(offset, maxBytes, log.lastStableOffset());
    }

    /** Whole batches for a follower: up to the log end. */
    public ReadResult readForFollower(long offset, int maxBytes) {
        return read(offset, maxBytes, Long.MAX_VALUE);
    }

    private ReadResult read(long offset, int maxBytes, long upTo) {
        PartitionLog current = log;
        try {
            return current.read(offset, maxBytes, upTo);
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException("cannot read " + topicPartition, storageFailed(current, e.getCause()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + topicPartition, storageFailed(current, e));
        }
    }

    public long highWatermark() {
        return log.highWatermark();
    }

    /** Below it every transaction is decided: the high watermark, or the first offset of a transaction still open. */
    public long lastStableOffset() {
        return log.lastStableOffset();
    }

    /** The aborted transactions with records in [{@code from}, {@code upTo}) (a read_committed fetch drops their records). */
    public List<AbortedTxn> abortedTransactions(long from, long upTo) {
        return log.abortedTransactions(from, upTo);
    }

    public long logStartOffset() {
        return log.logStartOffset();
    }

    public long logEndOffset() {
        return log.logEndOffset();
    }

    /** The latest leader epoch in this replica's log, -1 when it has none. */
    public int latestLogEpoch() {
        return log.leaderEpochs().latestEpoch();
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

    /** The largest epoch at most {@code epoch} and where it ends (OffsetForLeaderEpoch, divergence checks). */
    public LeaderEpochCache.EpochEndOffset endOffsetForEpoch(int epoch) {
        return log.endOffsetForEpoch(epoch); // epochs and log end read together, never across a truncation
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
        ReplicaRole r = role;
        return "Partition(" + topicPartition + ", epoch " + r.leaderEpoch() + (r.isLeader() ? ", leader" : ", follower of "
                + r.leaderId()) + ")";
    }
}
