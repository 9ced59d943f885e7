package dev.wharf.logstore;

import dev.wharf.wire.records.CorruptRecordException;
import dev.wharf.wire.records.RecordBatch;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * The log of one partition: a directory of {@link LogSegment}s ordered by base offset, the last one
 * active (see {@link LogSegments}), with its offsets ({@link LogOffsets}: log start, log end, and
 * the high watermark, advanced by the caller; reads are bounded by what the caller passes) and its
 * recovery point (see {@link LogFlusher}). Files of the directory: segments (see
 * {@link SegmentFiles}), {@code leader-epoch-checkpoint} (see {@link LeaderEpochCache}) and the
 * producer state snapshot.
 *
 * <p>Locking: appends, rolls, flushes, truncation and deletion are serialized on one lock per
 * partition, which guards the segment list's changes, the flusher, the producer state, the epoch
 * history and the offsets' moves, so different partitions proceed in parallel. It is taken here
 * only: {@link LogWriter}, {@link LogTruncation}, {@link LogSegments}, {@link LogFlusher} and
 * {@link LogOffsets} run under it. Reads take no lock (see {@link SegmentSearch}) and see every
 * batch whose append completed; a read bounded by the high watermark is unaffected by a truncation
 * above it running meanwhile (see {@link LogSegment#truncateTo}).
 *
 * <p>Two ways in ({@link LogWriter}). As leader, {@link #append} and {@link #appendAsLeader} assign
 * offsets from the log end and stamp the leader epoch. As follower, {@link #appendAsFollower} stores
 * the batches fetched from the leader as they are, and {@link #truncateTo} and
 * {@link #truncateFullyAndStartAt} cut a diverged or lagging log back ({@link LogTruncation}).
 * Either way the epoch history ({@link LeaderEpochCache}, answering {@link #endOffsetForEpoch})
 * records where each epoch starts. The {@link ProducerStateTable} is kept in step: loaded on open
 * (see {@link LogLoader#loadState}), changed by {@link #appendAsLeader} and
 * {@link #appendAsFollower}, truncated with the log at either end, snapshotted on a clean close.
 * From it come the open transactions (KIP-98): the {@link #firstUnstableOffset} and
 * {@link #lastStableOffset}. Each abort marker stored is recorded in its segment's
 * {@link TransactionIndex}, answering {@link #abortedTransactions}.
 */
public final class PartitionLog {
    private final TopicPartition topicPartition;
    private final Path dir;
    private final LongSupplier clock;
    private final LogSegments segments;
    private final LogFlusher flusher;
    private final LeaderEpochCache epochs;
    /** Changed only under {@link #lock}. */
    private final ProducerStateTable producers = new ProducerStateTable();
    private final LogOffsets offsets;
    private final LogWriter writer;
    private final LogTruncation truncation;
    private final Object lock = new Object();
    private volatile LogConfig config;
    /** Truncations so far (a cleaning round begun before one must not swap its result in). Guarded by lock. */
    private long truncations;

    private PartitionLog(TopicPartition tp, Path dir, LogConfig config, LogEnvironment env, LeaderEpochCache epochs,
            LogLoader.Loaded loaded) {
        this.topicPartition = tp;
        this.dir = dir;
        this.config = config;
        this.clock = env.clock();
        this.epochs = epochs;
        this.segments = new LogSegments(dir, env, loaded.segments());
        this.flusher = new LogFlusher(segments, epochs, clock, loaded.logEndOffset(), env.flushed());
        this.offsets = new LogOffsets(loaded.logStartOffset(), loaded.logEndOffset());
        LogParts parts = new LogParts(segments, flusher, epochs, producers, offsets, clock, this::config);
        this.writer = new LogWriter(parts);
        this.truncation = new LogTruncation(parts);
    }

    /**
     * Opens (or creates) the log in {@code dir} (see {@link LogLoader}: after an unclean shutdown
     * the segments from the one holding {@code recoveryPoint} on are checked batch by batch and cut
     * at the first bad one), then its producer state: from the snapshot if it was taken at this log
     * end, else rebuilt from the batch headers.
     */
    public static PartitionLog open(Path dir, TopicPartition tp, LogConfig config, long recoveryPoint,
            long logStartOffset, boolean cleanShutdown, LogEnvironment env) throws IOException {
        LogLoader.Loaded loaded = LogLoader.load(dir, tp, config, recoveryPoint, logStartOffset, cleanShutdown,
                env.handles(), env.clock());
        PartitionLog pl = new PartitionLog(tp, dir, config, env, LeaderEpochCache.load(dir), loaded);
        LogLoader.loadState(dir, pl.segments, pl.offsets, pl.epochs, loaded.recoveredEpochs(), pl.producers, pl.clock);
        return pl;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Path dir() {
        return dir;
    }

    public LogConfig config() {
        return config;
    }

    /** New settings (an AlterConfigs) take effect on the next append, roll, flush or retention run. */
    public void updateConfig(LogConfig newConfig) {
        this.config = newConfig;
    }

    public long logStartOffset() {
        return offsets.start();
    }

    public long logEndOffset() {
        return offsets.end();
    }

    public long highWatermark() {
        return offsets.highWatermark();
    }

    public long recoveryPoint() {
        return flusher.recoveryPoint();
    }

    public LeaderEpochCache leaderEpochs() {
        return epochs;
    }

    /**
     * The idempotent-producer state of this partition, kept in step with the log (truncation, log start
     * moves) and changed by {@link #appendAsLeader} and {@link #appendAsFollower} under the append lock.
     */
    public ProducerStateTable producerState() {
        return producers;
    }

    /**
     * The first offset of the oldest transaction still waiting for its marker (KIP-98), if any:
     * a read_committed reader must not read from there on.
     */
    public OptionalLong firstUnstableOffset() {
        return producers.firstUnstableOffset();
    }

    /** The offset read_committed reads stop at: the first unstable offset, at most the high watermark. */
    public long lastStableOffset() {
        long hw = offsets.highWatermark();
        OptionalLong unstable = producers.firstUnstableOffset();
        return unstable.isPresent() ? Math.min(unstable.getAsLong(), hw) : hw;
    }

    public int segmentCount() {
        return segments.count();
    }

    /** Bytes in all segments. */
    public long size() {
        return segments.size();
    }

    /** Base offsets of the segments, oldest first. */
    public List<Long> segmentBaseOffsets() {
        return segments.baseOffsets();
    }

    /**
     * Sets the high watermark to a known value, such as one checkpointed by the broker, clamped to
     * [log start, log end]. Unlike {@link #updateHighWatermark} it may move it back.
     */
    public void resetHighWatermark(long hw) {
        synchronized (lock) {
            offsets.resetHighWatermark(hw);
        }
    }

    /** Moves the high watermark (never past the log end, never backwards). */
    public void updateHighWatermark(long hw) {
        synchronized (lock) {
            offsets.updateHighWatermark(hw);
        }
    }

    /**
     * A producer's append, as leader: checks the batch against the producer state, appends
     * (see {@link #append}) and records it there, all under the append lock, so that a retry or a
     * concurrent request of the same producer sees the outcome. {@code producer} describes the
     * (single) batch in {@code records}; {@link ProducerBatchInfo#NONE} skips the check.
     */
    public LeaderAppendResult appendAsLeader(ByteBuf records, int leaderEpoch, ProducerBatchInfo producer) throws IOException {
        return appendAsLeader(records, leaderEpoch, producer, null);
    }

    /**
     * The same, for a transactional batch whose transaction the coordinator confirmed (KIP-890):
     * unless the producer's transaction is open here already, {@code txnGuard} (from {@link
     * ProducerStateTable#newVerificationGuard}) must still be in place, else INVALID_TXN_STATE, and
     * the batch must be the lowest in sequence verified under it, else OUT_OF_ORDER_SEQUENCE_NUMBER
     * (a null guard checks nothing).
     */
    public LeaderAppendResult appendAsLeader(ByteBuf records, int leaderEpoch, ProducerBatchInfo producer,
            Object txnGuard) throws IOException {
        synchronized (lock) {
            return writer.appendAsLeader(records, leaderEpoch, producer, txnGuard);
        }
    }

    /**
     * A transaction marker (KIP-98), as leader: checked against the producer's state (see
     * {@link ProducerStateTable#checkMarker}), then appended as a control batch of one record
     * holding the decision and the coordinator epoch. It closes the producer's open transaction
     * here, moving the last stable offset, and an abort is added to the transaction index.
     */
    public LeaderAppendResult appendMarker(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch,
            int leaderEpoch) throws IOException {
        long now = clock.getAsLong();
        ByteBuf marker = LogWriter.markerBatch(producerId, producerEpoch, commit, coordinatorEpoch, now);
        try {
            synchronized (lock) {
                return writer.appendMarker(marker, producerId, producerEpoch, coordinatorEpoch, leaderEpoch, now);
            }
        } finally {
            marker.release();
        }
    }

    /**
     * Forgets producers idle for {@code expirationMs} (producer.id.expiration.ms) at broker time
     * {@code nowMs}; returns how many.
     */
    public int expireProducers(long nowMs, long expirationMs) {
        synchronized (lock) {
            return producers.expire(nowMs, expirationMs);
        }
    }

    /**
     * Appends a record set of validated batches: assigns offsets from the log end by rewriting each
     * batch's base offset and partition leader epoch in place (the CRC does not cover them), rolls
     * the active segment when needed, and writes the bytes unchanged otherwise.
     */
    public AppendResult append(ByteBuf records, int leaderEpoch) throws IOException {
        List<RecordBatch> batches = LogWriter.batchesOf(records);
        synchronized (lock) {
            return writer.append(records, batches, leaderEpoch);
        }
    }

    /**
     * A follower's append: stores batches fetched from the leader as the leader stored them
     * (offsets, leader epochs, bytes; nothing decompressed). A record set ending inside a batch, as
     * a fetch answer may, is stored up to its last whole batch. Epochs newer than the latest are
     * recorded where they start, and the producer state learns each batch as a rebuild from the
     * log would, so that this replica, once leader, knows producers' retries and sequences. When a
     * check fails (see {@link FollowerBatches}) nothing is stored.
     *
     * @throws CorruptRecordException a batch is malformed or fails its CRC, or no batch is whole
     * @throws IllegalArgumentException the batches do not continue this log (offsets before its
     *     end or overlapping, an epoch older than the one before), or {@code records} is empty
     */
    public AppendResult appendAsFollower(ByteBuf records) throws IOException {
        FollowerBatches fetched = FollowerBatches.parse(records); // CRCs are checked outside the lock
        synchronized (lock) {
            return writer.appendAsFollower(fetched);
        }
    }

    /** Seals the active segment and starts a new one at the log end. */
    public LogSegment roll() throws IOException {
        synchronized (lock) {
            return segments.roll(offsets.end(), config);
        }
    }

    /**
     * Reads from {@code offset}: whole batches starting with the one that holds it, ending on a
     * batch boundary, none reaching {@code upTo} (exclusive; the high watermark or last stable
     * offset), at most {@code maxBytes} unless the first batch alone is larger.
     */
    public ReadResult read(long offset, int maxBytes, long upTo) throws IOException {
        long end = offsets.end();
        return SegmentSearch.read(segments.map(), offset, maxBytes, upTo, offsets.start(), end);
    }

    /**
     * The aborted transactions a read_committed fetch of [{@code fromOffset}, {@code upToOffset})
     * reports: every one whose range, first batch to abort marker, meets it, oldest marker first.
     * Reads the segments' transaction indexes without the lock.
     */
    public List<AbortedTxn> abortedTransactions(long fromOffset, long upToOffset) {
        return SegmentSearch.abortedTransactions(segments.map(), fromOffset, upToOffset);
    }

    /** The first record at or after {@code timestamp} from the log start on (ListOffsets by time). */
    public Optional<TimestampOffset> offsetForTimestamp(long timestamp) throws IOException {
        return SegmentSearch.offsetForTimestamp(segments.map(), timestamp, offsets.start());
    }

    /** The record with the largest timestamp (ListOffsets MAX_TIMESTAMP), if the log has records. */
    public Optional<TimestampOffset> maxTimestamp() throws IOException {
        long max = SegmentSearch.maxTimestamp(segments.map());
        return max < 0 ? Optional.empty() : offsetForTimestamp(max);
    }

    /**
     * DeleteRecords: the log now starts at {@code offset} (at most the log end); whole segments
     * below it are deleted. Returns the new log start offset.
     */
    public long deleteRecordsBefore(long offset) throws IOException {
        synchronized (lock) {
            return truncation.deleteRecordsBefore(offset);
        }
    }

    /**
     * Retention: deletes old inactive segments by time ({@code retention.ms}, against each
     * segment's largest timestamp) and by size ({@code retention.bytes}), never one holding
     * records at or above the high watermark. Returns how many.
     */
    public int deleteRetainedSegments() throws IOException {
        synchronized (lock) {
            return truncation.deleteRetainedSegments();
        }
    }

    /**
     * Drops everything from {@code offset} on (a diverged replica): whole batches (a batch holding
     * {@code offset} goes whole), index entries and segments, the epochs starting there or later
     * and the producers' batches there. The log end becomes the end of the last batch kept; the
     * high watermark moves back to it if it was beyond.
     */
    public void truncateTo(long offset) throws IOException {
        synchronized (lock) {
            truncations++;
            truncation.truncateTo(offset);
        }
    }

    /**
     * Drops the whole log and starts it again, empty, at {@code offset}: for a follower whose log
     * ends below the leader's log start. Log start, log end and high watermark all become
     * {@code offset}; the epoch history and the producer state are forgotten.
     */
    public void truncateFullyAndStartAt(long offset) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("cannot start a log at offset " + offset);
        }
        synchronized (lock) {
            truncations++;
            truncation.truncateFullyAndStartAt(offset);
        }
    }

    /**
     * OffsetForLeaderEpoch against this log (see {@link LeaderEpochCache#endOffsetFor}). Under the
     * lock, so that the epoch history and the log end it reads come from the same moment, not from
     * either side of a truncation or of an append starting an epoch.
     */
    public LeaderEpochCache.EpochEndOffset endOffsetForEpoch(int epoch) {
        synchronized (lock) {
            return epochs.endOffsetFor(epoch, offsets.end());
        }
    }

    /**
     * Replaces {@code old}, consecutive sealed segments, by {@code replacements} holding the same records or fewer
     * (compaction), in offset order: made by {@link LogSegment#createCleaned}, written and readied (fsynced) by
     * {@link SwapPreparation#prepare} before the call, with no lock held; the first starts at the first old base
     * offset, the last ends after the last old base and no later than its end. Under the lock, only crash-safe
     * renames ({@link SegmentSwap}); reads on old segments finish: the environment's deleter removes them later.
     */
    void replaceSegments(List<LogSegment> replacements, List<LogSegment> old) throws IOException {
        replaceSegments(replacements, old, SegmentSwap.Steps.NONE);
    }

    /** As {@link #replaceSegments(List, List)}, telling {@code steps} of each file operation (tests crash there). */
    void replaceSegments(List<LogSegment> replacements, List<LogSegment> old, SegmentSwap.Steps steps) throws IOException {
        synchronized (lock) {
            segments.replace(replacements, old, config, steps);
        }
    }

    /**
     * As {@link #replaceSegments(List, List)} for a cleaning round that began at {@code truncationsSeen}
     * (see {@link #cleaningSnapshot}): refused with an IllegalArgumentException if the log was truncated
     * since, because the round decided what to keep from records that may be gone.
     */
    void replaceSegments(List<LogSegment> replacements, List<LogSegment> old, long truncationsSeen) throws IOException {
        synchronized (lock) {
            if (truncations != truncationsSeen) {
                throw new IllegalArgumentException(topicPartition + " was truncated while it was being cleaned");
            }
            segments.replace(replacements, old, config, SegmentSwap.Steps.NONE);
        }
    }

    /** The bounded pool of open files this log's segments share (a cleaned replacement joins it). */
    FileHandles fileHandles() {
        return segments.handles();
    }

    /** The log as a cleaning round starts from (see {@link CleaningSnapshot}). */
    CleaningSnapshot cleaningSnapshot() {
        synchronized (lock) {
            return new CleaningSnapshot(segments.list(), logStartOffset(), logEndOffset(), lastStableOffset(),
                    producers.lastBatches(), truncations, config);
        }
    }

    /** The segments, oldest first (for the cleaner and tests). */
    List<LogSegment> segments() {
        return segments.list();
    }

    /** Fsyncs everything not yet flushed and moves the recovery point to the log end. */
    public void flush() throws IOException {
        synchronized (lock) {
            flusher.flush(offsets.end());
        }
    }

    /** Flushes when {@code flush.ms} has passed since the last flush (called on a schedule). */
    public void flushIfDue() throws IOException {
        synchronized (lock) {
            flusher.flushIfDue(offsets.end(), config);
        }
    }

    /**
     * Flushes what is not yet durable, snapshots the producer state and closes every segment; the
     * log is unusable afterwards.
     */
    public void close() throws IOException {
        synchronized (lock) {
            flusher.flush(offsets.end());
            producers.save(dir, offsets.end());
            segments.active().flush(); // its index is trimmed below: make the entries durable first
            segments.closeAll();
        }
    }

    /** Closes the log without flushing: its directory is about to be deleted. */
    void closeForDeletion() throws IOException {
        synchronized (lock) {
            ProducerStateTable.deleteSnapshot(dir);
            segments.closeAndForgetAll();
        }
    }

    @Override
    public String toString() {
        return "PartitionLog(" + topicPartition + ", start " + offsets.start() + ", end " + offsets.end() + ", "
                + segments.count() + " segments)";
    }
}
