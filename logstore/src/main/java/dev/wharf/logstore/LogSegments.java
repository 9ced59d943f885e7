package dev.wharf.logstore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The segments of one {@link PartitionLog}, by base offset, the last one active (the one appended
 * to): rolling to a new segment, taking segments out at either end, swapping in replacements.
 *
 * <p>Locking: every change runs under the owning log's lock, which also guards {@link #active};
 * readers walk {@link #map()} without a lock (see {@link SegmentSearch}). A segment taken out is
 * renamed {@code .deleted} at once, so a restart ignores it, and closed and removed later through
 * the log environment's deleter, so reads in flight on it finish.
 */
final class LogSegments {
    private final Path dir;
    private final FileHandles handles;
    private final LongSupplier clock;
    private final Consumer<Runnable> segmentDeleter;
    private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
    /** The last segment; set wherever the map's tail changes. Guarded by the log's lock. */
    private LogSegment active;

    /** Takes over {@code loaded}, oldest first, the last one active (see {@link LogLoader}). */
    LogSegments(Path dir, LogEnvironment env, List<LogSegment> loaded) {
        this.dir = dir;
        this.handles = env.handles();
        this.clock = env.clock();
        this.segmentDeleter = env.segmentDeleter();
        for (LogSegment s : loaded) {
            segments.put(s.baseOffset(), s);
        }
        active = segments.lastEntry().getValue();
    }

    /** The live map, for lock-free reads; changed only through this class. */
    NavigableMap<Long, LogSegment> map() {
        return segments;
    }

    LogSegment active() {
        return active;
    }

    LogSegment oldest() {
        return segments.firstEntry().getValue();
    }

    int count() {
        return segments.size();
    }

    /** Bytes in all segments. */
    long size() {
        long total = 0;
        for (LogSegment s : segments.values()) {
            total += s.size();
        }
        return total;
    }

    /** The segments, oldest first. */
    FileHandles handles() {
        return handles;
    }

    List<LogSegment> list() {
        return List.copyOf(segments.values());
    }

    List<Long> baseOffsets() {
        return List.copyOf(segments.keySet());
    }

    long firstBaseOffset() {
        return segments.firstKey();
    }

    /**
     * The segment to append {@code incomingBytes} to, the first batch starting at
     * {@code firstOffset} and the last ending before {@code nextOffset}: the active one, or a new
     * one at {@code firstOffset} when the active one is full ({@code segment.bytes}, its indexes,
     * or offsets too far from its base for the index's 4-byte relative offsets) or old
     * ({@code segment.ms}). {@code firstOffset} is the log end, except for a follower's log that
     * jumps a gap the leader's compaction left.
     */
    LogSegment forAppend(int incomingBytes, long firstOffset, long nextOffset, LogConfig c, long now)
            throws IOException {
        if (nextOffset - firstOffset > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("batches from " + firstOffset + " to " + nextOffset
                    + " span more offsets than one segment can index");
        }
        boolean offsetsTooFar = nextOffset - active.baseOffset() > Integer.MAX_VALUE;
        if (active.size() == 0) {
            return offsetsTooFar ? replaceEmptyActive(firstOffset, c) : active;
        }
        if ((long) active.size() + incomingBytes > c.segmentBytes()
                || now - active.createdMs() > c.rollMs()
                || active.indexFull()
                || offsetsTooFar) {
            return roll(firstOffset, c);
        }
        return active;
    }

    /** An empty active segment too far below a follower's next batch (a huge gap) gives way to one at the batch. */
    private LogSegment replaceEmptyActive(long base, LogConfig config) throws IOException {
        LogSegment empty = active;
        LogSegment next = LogSegment.create(dir, base, config, clock.getAsLong(), handles);
        segments.put(base, next); // before the removal, so that readers never find the map empty
        segments.remove(empty.baseOffset(), empty);
        delete(empty);
        active = next;
        return next;
    }

    /** Seals the active segment and starts a new one at {@code base}, unless the active one is empty. */
    LogSegment roll(long base, LogConfig config) throws IOException {
        if (active.size() == 0) {
            return active;
        }
        active.seal();
        LogSegment next = LogSegment.create(dir, base, config, clock.getAsLong(), handles);
        segments.put(next.baseOffset(), next);
        active = next;
        return next;
    }

    /** Takes out the segments wholly below {@code offset} (the new log start), none reaching {@code highWatermark}. */
    void deleteBelow(long offset, long highWatermark) throws IOException {
        deleteOldestWhile(s -> s.nextOffset() <= offset, highWatermark);
    }

    /**
     * Retention: takes out old segments by time ({@code retention.ms}, against each segment's
     * largest timestamp, or its creation when it has none) and by size ({@code retention.bytes}),
     * none reaching {@code highWatermark}. Returns how many.
     */
    int deleteRetained(LogConfig c, long now, long highWatermark) throws IOException {
        long[] total = {size()};
        return deleteOldestWhile(s -> {
            long age = now - (s.maxTimestamp() >= 0 ? s.maxTimestamp() : s.createdMs());
            boolean byTime = c.retentionMs() >= 0 && age > c.retentionMs();
            boolean bySize = c.retentionBytes() >= 0 && total[0] - s.size() >= c.retentionBytes();
            if (byTime || bySize) {
                total[0] -= s.size();
                return true;
            }
            return false;
        }, highWatermark);
    }

    /**
     * Takes out segments from the oldest while {@code shouldDelete} holds; never the active one,
     * nor one holding offsets at or above {@code highWatermark}. Returns how many.
     */
    private int deleteOldestWhile(Predicate<LogSegment> shouldDelete, long highWatermark) throws IOException {
        int deleted = 0;
        while (segments.size() > 1) {
            LogSegment oldest = oldest();
            if (oldest.nextOffset() > highWatermark || !shouldDelete.test(oldest)) {
                break;
            }
            segments.remove(oldest.baseOffset());
            delete(oldest);
            deleted++;
        }
        return deleted;
    }

    /** Takes out every segment and starts again with one empty segment at {@code start}. */
    void restartAt(long start, LogConfig config) throws IOException {
        for (LogSegment s : segments.values()) {
            delete(s);
        }
        segments.clear();
        segments.put(start, LogSegment.create(dir, start, config, clock.getAsLong(), handles));
        active = segments.lastEntry().getValue();
    }

    /**
     * Takes out the segments based at {@code offset} or above and truncates the last one kept
     * (above the first segment's base), which becomes the active one. Returns the new log end.
     */
    long truncateTo(long offset, LogConfig config) throws IOException {
        while (segments.lastKey() >= offset) {
            delete(segments.pollLastEntry().getValue());
        }
        LogSegment last = segments.lastEntry().getValue();
        if (last.indexesSealed()) {
            // writable again: reopened with its write channel and indexes mapped for appends
            last.close();
            last = LogSegment.open(dir, last.baseOffset(), config, true, false, handles);
            segments.put(last.baseOffset(), last);
        }
        active = last;
        return active.truncateTo(offset);
    }

    /**
     * On open, replaying the log: records the transaction a marker completed in its segment's
     * transaction index if recovery dropped that index and the marker is an abort.
     */
    void reindexIfRecovered(OpenTransactions.Completed txn) {
        if (txn == null) {
            return;
        }
        LogSegment holder = segments.floorEntry(txn.lastOffset()).getValue();
        try {
            if (holder.txnIndexStale() && holder.isAbortMarkerAt(txn.lastOffset())) {
                holder.appendAbortedTxn(txn.aborted());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** See {@link PartitionLog#replaceSegments}; S4 of {@link SegmentSwap}. */
    void replace(List<LogSegment> replacements, List<LogSegment> old, LogConfig config, SegmentSwap.Steps steps)
            throws IOException {
        SegmentSwap.checkReplaceable(segments, active, replacements, old);
        SegmentSwap.swapIn(dir, replacements, old, steps);
        steps.before("S4 publish");
        for (LogSegment r : replacements) {
            LogSegment reopened = LogSegment.open(dir, r.baseOffset(), config, false, false, handles);
            segments.put(reopened.baseOffset(), reopened);
        }
        for (LogSegment o : old) {
            segments.remove(o.baseOffset(), o);
            segmentDeleter.accept(o::closeAndDeleteFiles);
        }
    }

    private void delete(LogSegment s) throws IOException {
        s.markDeleted();
        segmentDeleter.accept(s::closeAndDeleteFiles);
    }

    /** Fsyncs the segments from the one holding {@code recoveryPoint} on. */
    void flushFrom(long recoveryPoint) throws IOException {
        Map.Entry<Long, LogSegment> from = segments.floorEntry(recoveryPoint);
        for (LogSegment s : (from == null ? segments : segments.tailMap(from.getKey(), true)).values()) {
            s.flush();
        }
    }

    /** Closes every segment (see {@link LogSegment#close}). */
    void closeAll() throws IOException {
        for (LogSegment s : segments.values()) {
            s.close();
        }
    }

    /** Closes every segment and forgets them: the directory is about to be deleted. */
    void closeAndForgetAll() throws IOException {
        closeAll();
        segments.clear();
    }
}
