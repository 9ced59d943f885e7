package dev.wharf.logstore;

import dev.wharf.wire.records.RecordBatch;
import dev.wharf.wire.records.RecordBatches;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of one partition: a directory of {@link LogSegment}s ordered by base offset, the last one
 * active. Appends, rolls, truncation and deletion are serialized on one lock per partition, so
 * different partitions proceed in parallel; reads take no lock and see every batch whose append
 * completed.
 *
 * <p>Offsets: {@code logStartOffset} (first readable), {@code logEndOffset} (next to assign),
 * {@code highWatermark} (advanced by the caller; reads are bounded by what the caller passes) and
 * {@code recoveryPoint} (everything before it is fsynced; recovery after a crash starts there).
 */
public final class PartitionLog {
    private static final Logger log = LoggerFactory.getLogger(PartitionLog.class);

    /** Appends publish the log end with a release store; readers read it as a volatile. */
    private static final java.lang.invoke.VarHandle LOG_END_OFFSET;

    static {
        try {
            LOG_END_OFFSET = java.lang.invoke.MethodHandles.lookup()
                    .findVarHandle(PartitionLog.class, "logEndOffset", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final TopicPartition topicPartition;
    private final Path dir;
    private final LongSupplier clock;
    private final Consumer<Runnable> segmentDeleter;
    private final FileHandles handles;
    private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
    private final LeaderEpochCache epochs;
    private final Object lock = new Object();
    private volatile LogConfig config;
    private volatile long logStartOffset;
    private volatile long logEndOffset;
    private volatile long highWatermark;
    private volatile long recoveryPoint;
    /** The last segment (the one appended to); set wherever the segment map's tail changes. Guarded by lock. */
    private LogSegment active;
    private long unflushedMessages;
    /** The latest epoch in {@link #epochs}, kept here so appends skip the cache's lock. Guarded by lock. */
    private int latestEpoch = -1;
    private long lastFlushMs;

    private PartitionLog(TopicPartition tp, Path dir, LogConfig config, LogEnvironment env, LeaderEpochCache epochs) {
        this.topicPartition = tp;
        this.dir = dir;
        this.config = config;
        this.clock = env.clock();
        this.segmentDeleter = env.segmentDeleter();
        this.handles = env.handles();
        this.epochs = epochs;
    }

    /**
     * Opens (or creates) the log in {@code dir}. After an unclean shutdown the segments from the
     * one holding {@code recoveryPoint} on are checked batch by batch and cut at the first bad one.
     */
    public static PartitionLog open(Path dir, TopicPartition tp, LogConfig config, long recoveryPoint,
            long logStartOffset, boolean cleanShutdown, LogEnvironment env) throws IOException {
        Files.createDirectories(dir);
        List<Long> bases = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".deleted") || name.endsWith(".tmp")) {
                    Files.deleteIfExists(f); // left over from a deletion or checkpoint the crash interrupted
                } else if (name.endsWith(".log")) {
                    bases.add(Long.parseLong(name.substring(0, name.length() - 4)));
                }
            }
        }
        bases.sort(null);
        PartitionLog pl = new PartitionLog(tp, dir, config, env, LeaderEpochCache.load(dir));
        pl.load(bases, recoveryPoint, logStartOffset, cleanShutdown);
        return pl;
    }

    private void load(List<Long> bases, long checkpointedRecoveryPoint, long checkpointedStart, boolean clean)
            throws IOException {
        if (bases.isEmpty()) {
            long start = Math.max(0, checkpointedStart);
            segments.put(start, LogSegment.create(dir, start, config, clock.getAsLong(), handles));
            active = segments.lastEntry().getValue();
            logStartOffset = start;
            logEndOffset = start;
            recoveryPoint = start;
            highWatermark = start;
            return;
        }
        long recoverFrom = Long.MIN_VALUE;
        for (long b : bases) {
            if (b <= checkpointedRecoveryPoint) {
                recoverFrom = b;
            }
        }
        long expected = bases.get(0);
        int truncatedBytes = 0;
        for (int i = 0; i < bases.size(); i++) {
            long base = bases.get(i);
            boolean last = i == bases.size() - 1;
            boolean recover = !clean && (base >= recoverFrom || last);
            if (truncatedBytes > 0) {
                // everything after a cut is unreachable: drop it
                LogSegment.deleteFiles(dir, base);
                continue;
            }
            LogSegment segment = LogSegment.open(dir, base, config, last, recover, handles);
            if (recover) {
                truncatedBytes = segment.recover(expected);
                if (truncatedBytes > 0) {
                    log.warn("recovered partition={} segment={} truncatedBytes={}", topicPartition, base, truncatedBytes);
                }
                if (!last && truncatedBytes == 0) {
                    segment.seal();
                }
            }
            segments.put(base, segment);
            expected = segment.nextOffset();
        }
        LogSegment lastSegment = segments.lastEntry().getValue();
        if (truncatedBytes > 0 && lastSegment.baseOffset() != bases.get(bases.size() - 1)) {
            // the active segment was deleted: reopen the last kept one as active
            segments.put(lastSegment.baseOffset(), reopenActive(lastSegment));
        }
        active = segments.lastEntry().getValue();
        logEndOffset = active.nextOffset();
        logStartOffset = Math.min(Math.max(checkpointedStart, segments.firstKey()), logEndOffset);
        if (!clean) {
            // what recovery kept is made durable once, from the checkpointed recovery point on
            recoveryPoint = Math.min(Math.max(checkpointedRecoveryPoint, 0), logEndOffset);
            flushSegments();
        }
        recoveryPoint = logEndOffset;
        highWatermark = logEndOffset;
        epochs.truncateFromEnd(logEndOffset);
        epochs.truncateFromStart(logStartOffset);
        latestEpoch = epochs.latestEpoch();
    }

    private LogSegment reopenActive(LogSegment sealed) throws IOException {
        sealed.close();
        return LogSegment.open(dir, sealed.baseOffset(), config, true, false, handles);
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
        return logStartOffset;
    }

    public long logEndOffset() {
        return logEndOffset;
    }

    public long highWatermark() {
        return highWatermark;
    }

    public long recoveryPoint() {
        return recoveryPoint;
    }

    public LeaderEpochCache leaderEpochs() {
        return epochs;
    }

    public int segmentCount() {
        return segments.size();
    }

    /** Bytes in all segments. */
    public long size() {
        long total = 0;
        for (LogSegment s : segments.values()) {
            total += s.size();
        }
        return total;
    }

    /** Base offsets of the segments, oldest first. */
    public List<Long> segmentBaseOffsets() {
        return List.copyOf(segments.keySet());
    }

    /**
     * Sets the high watermark to a known value, such as one checkpointed by the broker, clamped to
     * [log start, log end]. Unlike {@link #updateHighWatermark} it may move it back.
     */
    public void resetHighWatermark(long hw) {
        synchronized (lock) {
            highWatermark = Math.max(logStartOffset, Math.min(hw, logEndOffset));
        }
    }

    /** Moves the high watermark (never past the log end, never backwards). */
    public void updateHighWatermark(long hw) {
        synchronized (lock) {
            long bounded = Math.min(hw, logEndOffset);
            if (bounded > highWatermark) {
                highWatermark = bounded;
            }
        }
    }

    /**
     * Appends a record set of validated batches: assigns offsets from the log end by rewriting each
     * batch's base offset and partition leader epoch in place (the CRC does not cover them), rolls
     * the active segment when needed, and writes the bytes unchanged otherwise.
     */
    public AppendResult append(ByteBuf records, int leaderEpoch) throws IOException {
        List<RecordBatch> batches = RecordBatches.split(records);
        if (batches.isEmpty()) {
            throw new IllegalArgumentException("nothing to append");
        }
        synchronized (lock) {
            if (leaderEpoch < latestEpoch) {
                throw new IllegalArgumentException("append with leader epoch " + leaderEpoch + " after epoch " + latestEpoch);
            }
            long first = logEndOffset;
            long next = first;
            long maxTimestamp = -1;
            long messages = 0;
            for (RecordBatch b : batches) {
                b.setBaseOffset(next);
                b.setPartitionLeaderEpoch(leaderEpoch);
                next = b.nextOffset();
                maxTimestamp = Math.max(maxTimestamp, b.maxTimestamp());
                messages += b.recordCount();
            }
            if (leaderEpoch > latestEpoch) {
                epochs.assign(leaderEpoch, first);
                latestEpoch = leaderEpoch;
            }
            long now = clock.getAsLong();
            LogSegment target = maybeRoll(records.readableBytes(), next, now);
            target.append(records, batches);
            LOG_END_OFFSET.setRelease(this, next);
            unflushedMessages += messages;
            LogConfig c = config;
            if (unflushedMessages >= c.flushMessages() || now - lastFlushMs >= c.flushMs()) {
                flushLocked();
            }
            return new AppendResult(first, next - 1, maxTimestamp, batches.size());
        }
    }

    private LogSegment maybeRoll(int incomingBytes, long nextOffset, long now) throws IOException {
        LogConfig c = config;
        if (active.size() > 0
                && ((long) active.size() + incomingBytes > c.segmentBytes()
                        || now - active.createdMs() > c.segmentMs()
                        || active.indexFull()
                        || nextOffset - active.baseOffset() > Integer.MAX_VALUE)) {
            return roll();
        }
        return active;
    }

    /** Seals the active segment and starts a new one at the log end. */
    public LogSegment roll() throws IOException {
        synchronized (lock) {
            if (active.size() == 0) {
                return active;
            }
            active.seal();
            LogSegment next = LogSegment.create(dir, logEndOffset, config, clock.getAsLong(), handles);
            segments.put(next.baseOffset(), next);
            active = next;
            return next;
        }
    }

    /**
     * Reads from {@code offset}: whole batches starting with the one that holds it, ending on a
     * batch boundary, none reaching {@code upTo} (exclusive; the high watermark or last stable
     * offset), at most {@code maxBytes} unless the first batch alone is larger.
     */
    public ReadResult read(long offset, int maxBytes, long upTo) throws IOException {
        long end = logEndOffset;
        long start = logStartOffset;
        if (offset < start || offset > end) {
            return new ReadResult.OutOfRange(start, end);
        }
        long limit = Math.min(upTo, end);
        if (offset >= limit) {
            return new ReadResult.NoData(end);
        }
        Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
        if (entry == null) {
            entry = segments.firstEntry();
        }
        while (entry != null) {
            Slice slice = entry.getValue().read(offset, maxBytes, limit);
            if (slice != null) {
                return new ReadResult.Batches(slice);
            }
            entry = segments.higherEntry(entry.getKey());
        }
        return new ReadResult.NoData(end);
    }

    /**
     * Reports the header of every batch from the one holding {@code fromOffset} to the log end, in
     * offset order (rebuilding producer state after a restart). Reads headers only.
     */
    public void forEachBatch(long fromOffset, java.util.function.Consumer<StoredBatch> action) throws IOException {
        long end = logEndOffset;
        for (LogSegment s : segments.values()) {
            if (s.nextOffset() <= fromOffset) {
                continue;
            }
            s.forEachBatch(fromOffset, b -> {
                if (b.baseOffset() < end) {
                    action.accept(b);
                }
            });
        }
    }

    /** The first record at or after {@code timestamp} from the log start on (ListOffsets by time). */
    public Optional<TimestampOffset> offsetForTimestamp(long timestamp) throws IOException {
        long start = logStartOffset;
        for (LogSegment s : segments.values()) {
            if (s.nextOffset() <= start || s.maxTimestamp() < timestamp) {
                continue;
            }
            Optional<TimestampOffset> found = s.findByTimestamp(timestamp, start);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** The record with the largest timestamp (ListOffsets MAX_TIMESTAMP), if the log has records. */
    public Optional<TimestampOffset> maxTimestamp() throws IOException {
        long max = -1;
        for (LogSegment s : segments.values()) {
            max = Math.max(max, s.maxTimestamp());
        }
        return max < 0 ? Optional.empty() : offsetForTimestamp(max);
    }

    /**
     * DeleteRecords: the log now starts at {@code offset} (at most the log end); whole segments
     * below it are deleted. Returns the new log start offset.
     */
    public long deleteRecordsBefore(long offset) throws IOException {
        synchronized (lock) {
            if (offset > highWatermark) {
                throw new IllegalArgumentException("cannot delete records before " + offset + ": the high watermark is "
                        + highWatermark);
            }
            if (offset > logStartOffset) {
                logStartOffset = offset;
                epochs.truncateFromStart(offset);
                deleteSegments(s -> s.nextOffset() <= logStartOffset);
            }
            return logStartOffset;
        }
    }

    /**
     * Retention: deletes old inactive segments by time ({@code retention.ms}, against each
     * segment's largest timestamp) and by size ({@code retention.bytes}). Returns how many.
     */
    public int deleteRetainedSegments() throws IOException {
        synchronized (lock) {
            LogConfig c = config;
            long now = clock.getAsLong();
            long[] total = {size()};
            return deleteSegments(s -> {
                long age = now - (s.maxTimestamp() >= 0 ? s.maxTimestamp() : s.createdMs());
                boolean byTime = c.retentionMs() >= 0 && age > c.retentionMs();
                boolean bySize = c.retentionBytes() >= 0 && total[0] - s.size() >= c.retentionBytes();
                if (byTime || bySize) {
                    total[0] -= s.size();
                    return true;
                }
                return false;
            });
        }
    }

    /**
     * Deletes segments from the oldest while the predicate holds; never the active one, nor one
     * holding records at or above the high watermark.
     */
    private int deleteSegments(java.util.function.Predicate<LogSegment> shouldDelete) throws IOException {
        int deleted = 0;
        while (segments.size() > 1) {
            LogSegment oldest = segments.firstEntry().getValue();
            if (oldest.nextOffset() > highWatermark || !shouldDelete.test(oldest)) {
                break;
            }
            segments.remove(oldest.baseOffset());
            logStartOffset = Math.max(logStartOffset, segments.firstKey());
            oldest.markDeleted();
            segmentDeleter.accept(oldest::closeAndDeleteFiles);
            deleted++;
        }
        if (deleted > 0) {
            epochs.truncateFromStart(logStartOffset);
        }
        return deleted;
    }

    /**
     * Drops everything from {@code offset} on (a diverged replica): whole batches, index entries
     * and segments. The log end becomes the end of the last batch kept.
     */
    public void truncateTo(long offset) throws IOException {
        synchronized (lock) {
            if (offset >= logEndOffset) {
                return;
            }
            if (offset <= segments.firstKey()) {
                for (LogSegment s : segments.values()) {
                    s.markDeleted();
                    segmentDeleter.accept(s::closeAndDeleteFiles);
                }
                segments.clear();
                long start = Math.max(offset, 0);
                segments.put(start, LogSegment.create(dir, start, config, clock.getAsLong(), handles));
                active = segments.lastEntry().getValue();
                logStartOffset = start;
                logEndOffset = start;
            } else {
                while (segments.lastKey() >= offset) {
                    LogSegment s = segments.pollLastEntry().getValue();
                    s.markDeleted();
                    segmentDeleter.accept(s::closeAndDeleteFiles);
                }
                LogSegment last = segments.lastEntry().getValue();
                if (!isActiveMapped(last)) {
                    last = reopenActive(last);
                    segments.put(last.baseOffset(), last);
                }
                active = last;
                logEndOffset = active.truncateTo(offset);
            }
            logStartOffset = Math.min(logStartOffset, logEndOffset);
            highWatermark = Math.min(highWatermark, logEndOffset);
            recoveryPoint = Math.min(recoveryPoint, logEndOffset);
            epochs.truncateFromEnd(logEndOffset);
            latestEpoch = epochs.latestEpoch();
        }
    }

    private boolean isActiveMapped(LogSegment s) {
        return !s.indexesSealed();
    }

    /** Fsyncs everything not yet flushed and moves the recovery point to the log end. */
    public void flush() throws IOException {
        synchronized (lock) {
            flushLocked();
        }
    }

    private void flushLocked() throws IOException {
        long end = logEndOffset;
        if (end > recoveryPoint) {
            flushSegments();
            recoveryPoint = end;
        }
        unflushedMessages = 0;
        lastFlushMs = clock.getAsLong();
    }

    private void flushSegments() throws IOException {
        Map.Entry<Long, LogSegment> from = segments.floorEntry(recoveryPoint);
        for (LogSegment s : (from == null ? segments : segments.tailMap(from.getKey(), true)).values()) {
            s.flush();
        }
    }

    /** Flushes when {@code flush.ms} has passed since the last flush (called on a schedule). */
    public void flushIfDue() throws IOException {
        synchronized (lock) {
            if (clock.getAsLong() - lastFlushMs >= config.flushMs() && logEndOffset > recoveryPoint) {
                flushLocked();
            }
        }
    }

    /** Flushes what is not yet durable and closes every segment; the log is unusable afterwards. */
    public void close() throws IOException {
        synchronized (lock) {
            flushLocked();
            active.flush(); // its index is trimmed below: make the entries durable first
            for (LogSegment s : segments.values()) {
                s.close();
            }
        }
    }

    /** Closes the log without flushing: its directory is about to be deleted. */
    void closeForDeletion() throws IOException {
        synchronized (lock) {
            for (LogSegment s : segments.values()) {
                s.close();
            }
            segments.clear();
        }
    }

    @Override
    public String toString() {
        return "PartitionLog(" + topicPartition + ", start " + logStartOffset + ", end " + logEndOffset + ", "
                + segments.size() + " segments)";
    }
}
