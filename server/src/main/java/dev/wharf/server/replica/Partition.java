package dev.wharf.server.replica;

import dev.wharf.controller.TopicInfo;
import dev.wharf.logstore.AbortedTxn;
import dev.wharf.logstore.AppendResult;
import dev.wharf.logstore.LeaderAppendResult;
import dev.wharf.logstore.LeaderEpochCache;
import dev.wharf.logstore.PartitionLog;
import dev.wharf.logstore.ProducerBatchInfo;
import dev.wharf.logstore.ProducerRejection;
import dev.wharf.logstore.ReadResult;
import dev.wharf.logstore.TimestampOffset;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import dev.wharf.wire.records.RecordBatch;
import dev.wharf.wire.records.RecordBatches;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One partition replica on this broker and everything it does: its log (with the producer state
 * the log keeps), its role in the current leader epoch, and, as leader, its followers, its ISR and
 * its high watermark.
 *
 * <p>As leader it appends producers' batches, serves consumers up to the high watermark and
 * followers up to the log end, learns each follower's log end from its fetches, moves the high
 * watermark to the smallest log end in the ISR, answers acks=all writes once it passes them
 * ({@link ReplicationWait}), and changes the ISR: a follower that caught up joins, one that lagged
 * for {@code replica.lag.time.max.ms} leaves. ISR changes are written to ZooKeeper first, by the
 * {@link IsrChanger}, conditional on the partition epoch; while one is pending, the high watermark
 * counts the larger of the two ISRs, so it never passes a replica that may be in sync.
 *
 * <p>As follower it appends what its fetcher copied from the leader, offsets and epochs as they
 * are, truncates where its log diverged from the leader's, and follows the leader's high watermark.
 *
 * <p>Roles change only with the metadata ({@link #makeLeader}, {@link #makeFollower}) and only for
 * a newer leader epoch (or a newer partition epoch within one). Threads: appends come from
 * Produce on event loops, from the group coordinator on the I/O pool and from the fetcher thread;
 * they hold the read side of {@code roleLock}, role changes the write side, so no append lands in
 * a role or epoch that has ended. The log orders appends and truncations under its own lock;
 * reads take no lock. The log itself is replaced, under the write side, when it moves to another
 * log dir ({@link #replaceLog}); an I/O error on it is reported to the {@link StorageEvents}, which
 * takes its log dir offline.
 */
public final class Partition {
    /** What became of a batch offered as the leader. */
    public sealed interface AppendOutcome {
        /** Appended in {@code leaderEpoch}; acks=all waits for the high watermark to pass {@code lastOffset}. */
        record Appended(long firstOffset, long lastOffset, int leaderEpoch, long logStartOffset, long logAppendTimeMs)
                implements AppendOutcome {}

        /** The producer sent this batch before; it is answered with where it landed then. */
        record Duplicate(long firstOffset, long lastOffset, int leaderEpoch, long logStartOffset) implements AppendOutcome {}

        record Rejected(ErrorCode error, String message) implements AppendOutcome {}
    }

    /** This replica's role in one leader epoch, and the partition state it comes from. */
    record Role(int leaderEpoch, int leaderId, boolean isLeader, List<Integer> replicas, List<Integer> isr,
            int partitionEpoch, long leaderEpochStartOffset) {
        Role withIsr(List<Integer> newIsr, int newPartitionEpoch) {
            return new Role(leaderEpoch, leaderId, isLeader, replicas, newIsr, newPartitionEpoch, leaderEpochStartOffset);
        }
    }

    private final TopicPartition topicPartition;
    private final UUID topicId;
    /** Replaced only when the log moves between log dirs, under the role lock's write side. */
    private volatile PartitionLog log;
    private volatile StorageEvents storage = StorageEvents.NONE;
    private final int localBrokerId;
    private final PartitionWaiters waiters;
    private final IsrChanger isrChanger;
    private final FollowerReplicas followers = new FollowerReplicas();
    private final ReentrantReadWriteLock roleLock = new ReentrantReadWriteLock();
    private volatile Role role = new Role(-1, -1, false, List.of(), List.of(), -1, 0);
    private volatile ProduceConfig produceConfig;

    /** Made by the {@link ReplicaManager}, which owns the partitions of this broker. */
    Partition(UUID topicId, PartitionLog log, int localBrokerId, ProduceConfig produceConfig, PartitionWaiters waiters,
            IsrChanger isrChanger) {
        this.topicPartition = log.topicPartition();
        this.topicId = topicId;
        this.log = log;
        this.localBrokerId = localBrokerId;
        this.produceConfig = produceConfig;
        this.waiters = waiters;
        this.isrChanger = isrChanger;
    }

    /** A partition this broker alone replicates and leads in epoch 0 (the group coordinator's tests, tools). */
    public static Partition soleLeader(UUID topicId, PartitionLog log, int localBrokerId, ProduceConfig produceConfig,
            PartitionWaiters waiters) {
        Partition p = new Partition(topicId, log, localBrokerId, produceConfig, waiters, IsrChanger.NONE);
        p.makeLeader(new TopicInfo.PartitionInfo(log.topicPartition().partition(), List.of(localBrokerId), localBrokerId,
                0, List.of(localBrokerId)), System.currentTimeMillis());
        return p;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    /** What this replica reports about its storage: I/O errors on its log, and truncations (for a log dir move). */
    void storageEvents(StorageEvents events) {
        this.storage = events;
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
    private interface RoleStep<T> {
        T apply(Role role, PartitionLog log) throws IOException;
    }

    /**
     * Runs {@code step} with the role and log as they are, holding the role lock's read side so
     * that no role change or log replacement interleaves; an I/O error goes to the storage events.
     */
    private <T> T underRole(RoleStep<T> step) throws IOException {
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
            Role r = role;
            if (state.leaderEpoch() < r.leaderEpoch()) {
                return false;
            }
            started = state.leaderEpoch() > r.leaderEpoch() || !r.isLeader();
            if (started) {
                role = new Role(state.leaderEpoch(), localBrokerId, true, state.replicas(), state.isr(),
                        state.partitionEpoch(), log.logEndOffset());
                followers.reset(state.replicas(), localBrokerId, nowMs);
            } else if (state.partitionEpoch() > r.partitionEpoch()) {
                role = r.withIsr(state.isr(), state.partitionEpoch());
            } else {
                return false;
            }
        } finally {
            roleLock.writeLock().unlock();
        }
        maybeIncrementHighWatermark();
        waiters.replication().checkAndComplete(topicPartition);
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
            Role r = role;
            if (state.leaderEpoch() < r.leaderEpoch()
                    || (state.leaderEpoch() == r.leaderEpoch() && !r.isLeader() && state.leader() == r.leaderId())) {
                return false;
            }
            role = new Role(state.leaderEpoch(), state.leader(), false, state.replicas(), state.isr(),
                    state.partitionEpoch(), -1);
            followers.clear();
        } finally {
            roleLock.writeLock().unlock();
        }
        waiters.completeAll(topicPartition);
        return true;
    }

    void updateProduceConfig(ProduceConfig config) {
        produceConfig = config;
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

    // ---- the leader's appends

    /**
     * Validates a client's record set (exactly one batch, as Kafka requires from Produce v3 on),
     * checks it against the producer's state (fencing, duplicates, sequence order) and appends it.
     * For acks=all ({@code requiredAcks} -1) the ISR must hold {@code min.insync.replicas} first.
     * Throws CorruptRecordException for a batch that fails its CRC.
     */
    public AppendOutcome appendRecordsAsLeader(ByteBuf records, long nowMs, int requiredAcks) throws IOException {
        return appendRecordsAsLeader(records, nowMs, requiredAcks, null);
    }

    /**
     * The same for a transactional batch its coordinator confirmed (KIP-890): {@code txnGuard},
     * from {@link #verificationGuard}, must still hold when the batch is appended (see
     * {@link PartitionLog#appendAsLeader(ByteBuf, int, ProducerBatchInfo, Object)}).
     */
    public AppendOutcome appendRecordsAsLeader(ByteBuf records, long nowMs, int requiredAcks, Object txnGuard)
            throws IOException {
        AppendOutcome outcome = underRole((r, l) -> r.isLeader() ? offer(records, nowMs, requiredAcks, txnGuard, r, l)
                : new AppendOutcome.Rejected(ErrorCode.NOT_LEADER_OR_FOLLOWER, null));
        if (outcome instanceof AppendOutcome.Appended) {
            appended();
        }
        return outcome;
    }

    /** A client's batch checked and appended in leader role {@code r} (under the role lock). */
    private AppendOutcome offer(ByteBuf records, long nowMs, int requiredAcks, Object txnGuard, Role r, PartitionLog l)
            throws IOException {
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
        if (requiredAcks == -1 && r.isr().size() < config.minInsyncReplicas()) {
            return new AppendOutcome.Rejected(ErrorCode.NOT_ENOUGH_REPLICAS, "The size of the current ISR "
                    + r.isr() + " is insufficient to satisfy the min.isr requirement of " + config.minInsyncReplicas()
                    + " for partition " + topicPartition);
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
    public AppendOutcome.Appended appendAsLeader(ByteBuf records) throws IOException {
        AppendOutcome.Appended outcome = underRole((r, l) -> {
            if (!r.isLeader()) {
                throw new NotLeaderException(topicPartition + " is not led by broker " + localBrokerId);
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
    public AppendOutcome appendMarkerAsLeader(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch)
            throws IOException {
        AppendOutcome outcome = underRole((r, l) -> {
            if (!r.isLeader()) {
                return new AppendOutcome.Rejected(ErrorCode.NOT_LEADER_OR_FOLLOWER, null);
            }
            if (r.isr().size() < produceConfig.minInsyncReplicas()) {
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

    /**
     * Whether a transactional batch of {@code producerId} in {@code producerEpoch} would open a
     * transaction here (none is open in that epoch): then the coordinator is asked first (KIP-890),
     * and a {@link #verificationGuard} taken beforehand.
     */
    public boolean opensTransaction(long producerId, short producerEpoch) {
        return !log.producerState().ongoingIn(producerId, producerEpoch);
    }

    /** See {@link dev.wharf.logstore.ProducerStateTable#newVerificationGuard}. */
    public Object verificationGuard(long producerId, short producerEpoch, boolean version2) {
        return log.producerState().newVerificationGuard(producerId, producerEpoch, version2);
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
        if (role.replicas().size() > 1) {
            waiters.followerFetches().checkAndComplete(topicPartition);
        }
        maybeIncrementHighWatermark();
    }

    /**
     * Completes with NONE once every in-sync replica has the records up to {@code lastOffset}
     * appended in {@code leaderEpoch}, or with the error that ended the wait (see {@link ReplicationWait}).
     */
    public CompletableFuture<ErrorCode> whenReplicated(long lastOffset, int leaderEpoch, long timeoutMs) {
        ErrorCode now = replicationStatus(lastOffset + 1, leaderEpoch);
        if (now != null) {
            return CompletableFuture.completedFuture(now); // the usual case with one replica: no wait to set up
        }
        CompletableFuture<ErrorCode> result = new CompletableFuture<>();
        waiters.replication().tryCompleteElseWatch(
                new ReplicationWait(this, lastOffset + 1, leaderEpoch, timeoutMs, result), List.of(topicPartition));
        return result;
    }

    /** How an acks=all wait for {@code requiredOffset} stands: null while it must go on waiting. */
    ErrorCode replicationStatus(long requiredOffset, int appendedInEpoch) {
        Role r = role;
        if (!r.isLeader() || r.leaderEpoch() != appendedInEpoch) {
            return ErrorCode.NOT_LEADER_OR_FOLLOWER;
        }
        if (log.highWatermark() < requiredOffset) {
            return null;
        }
        return r.isr().size() >= produceConfig.minInsyncReplicas() ? ErrorCode.NONE
                : ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND;
    }

    // ---- the leader's followers and ISR

    /**
     * A follower fetched from {@code fetchOffset}, its log end: records it, lets it join the ISR
     * once caught up, and moves the high watermark. False when the broker is not a replica of
     * this partition led here.
     */
    public boolean followerFetched(int replicaId, long fetchOffset, long nowMs) {
        Role r = role;
        FollowerReplicas.Replica follower = r.isLeader() ? followers.get(replicaId) : null;
        if (follower == null) {
            return false;
        }
        follower.fetched(fetchOffset, log.logEndOffset(), nowMs);
        if (!r.isr().contains(replicaId) && fetchOffset >= log.highWatermark() && fetchOffset >= r.leaderEpochStartOffset()) {
            List<Integer> grown = new ArrayList<>(r.isr());
            grown.add(replicaId);
            proposeIsr(r, grown);
        }
        maybeIncrementHighWatermark();
        return true;
    }

    /** Proposes to drop the followers that lagged for longer than {@code maxLagMs} (run on a schedule). */
    void maybeShrinkIsr(long nowMs, long maxLagMs) {
        Role r = role;
        if (!r.isLeader()) {
            return;
        }
        List<Integer> lagging = followers.lagging(r.isr(), nowMs, maxLagMs);
        if (!lagging.isEmpty()) {
            List<Integer> shrunk = new ArrayList<>(r.isr());
            shrunk.removeAll(lagging);
            proposeIsr(r, shrunk);
        }
    }

    private void proposeIsr(Role r, List<Integer> isr) {
        // one change at a time, and only on the state it was based on
        if (role == r && followers.beginIsrChange(isr)) {
            isrChanger.alterIsr(this, r.leaderEpoch(), r.partitionEpoch(), isr);
        }
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
                Role r = role;
                if (r.isLeader() && r.leaderEpoch() == written.leaderEpoch() && written.partitionEpoch() > r.partitionEpoch()) {
                    role = r.withIsr(written.isr(), written.partitionEpoch());
                }
            } finally {
                roleLock.writeLock().unlock();
            }
        }
        followers.endIsrChange();
        maybeIncrementHighWatermark();
        waiters.replication().checkAndComplete(topicPartition);
    }

    /**
     * Moves the high watermark to the smallest log end among the in-sync replicas (the committed
     * ISR and a pending change together), then wakes the fetches and acks=all writes waiting on it.
     * A follower whose log end is not known yet (none of its fetches reached this leader) holds it.
     */
    void maybeIncrementHighWatermark() {
        Role r = role;
        if (!r.isLeader()) {
            return;
        }
        long hw = followers.highWatermarkBound(r.isr(), localBrokerId, log.logEndOffset());
        if (hw < 0) {
            return;
        }
        long before = log.highWatermark();
        log.updateHighWatermark(hw);
        if (log.highWatermark() > before) {
            waiters.fetches().checkAndComplete(topicPartition);
            waiters.replication().checkAndComplete(topicPartition);
        }
    }

    // ---- the follower's side

    /**
     * Runs {@code step} on the log if this replica still follows in {@code leaderEpoch}; null when
     * it does not (the fetch that asked for it is stale, and dropped).
     */
    private <T> T asFollowerIn(int leaderEpoch, RoleStep<T> step) throws IOException {
        return underRole((r, l) -> r.isLeader() || r.leaderEpoch() != leaderEpoch ? null : step.apply(r, l));
    }

    /** Appends batches copied from the leader of {@code leaderEpoch}, as they are; null when no longer following in it. */
    public AppendResult appendAsFollower(ByteBuf records, int leaderEpoch) throws IOException {
        return asFollowerIn(leaderEpoch, (r, l) -> l.appendAsFollower(records));
    }

    /**
     * Drops the log from {@code offset} on (it diverged from the leader's), unless this replica
     * no longer follows in {@code leaderEpoch}. Returns whether it truncated.
     */
    public boolean truncateAsFollower(long offset, int leaderEpoch) throws IOException {
        return asFollowerIn(leaderEpoch, (r, l) -> {
            if (offset < l.logEndOffset()) {
                l.truncateTo(offset);
                storage.truncated(this);
            }
            return true;
        }) != null;
    }

    /** The leader's log starts after this whole log: start again, empty, at {@code offset}. */
    public boolean restartAsFollowerAt(long offset, int leaderEpoch) throws IOException {
        return asFollowerIn(leaderEpoch, (r, l) -> {
            l.truncateFullyAndStartAt(offset);
            storage.truncated(this);
            return true;
        }) != null;
    }

    /** The leader's high watermark, as far as this follower's log reaches. */
    public void followLeaderHighWatermark(long leaderHighWatermark) {
        long before = log.highWatermark();
        log.updateHighWatermark(Math.min(leaderHighWatermark, log.logEndOffset()));
        if (log.highWatermark() > before) {
            waiters.fetches().checkAndComplete(topicPartition); // consumers reading from this follower (KIP-392)
        }
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
        Role r = role;
        return "Partition(" + topicPartition + ", epoch " + r.leaderEpoch() + (r.isLeader() ? ", leader" : ", follower of "
                + r.leaderId()) + ")";
    }
}
