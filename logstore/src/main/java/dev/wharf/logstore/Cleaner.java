package dev.wharf.logstore;

import dev.wharf.wire.records.Record;
import dev.wharf.wire.records.RecordBatch;
import dev.wharf.wire.records.RecordBatches;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * One cleaning round on one log, as Kafka's Cleaner does it:
 *
 * <ol>
 *   <li>map each key of the dirty part ({@link CleanableRange}) to its latest offset
 *       ({@link OffsetMap}), skipping aborted transactions; a full map ends the round early;
 *   <li>group the segments below the round's end, clean part included (that is how tombstones and
 *       markers age out), into runs that fit one segment;
 *   <li>write each run's surviving batches ({@link BatchFilter}) into one {@code .cleaned}
 *       segment beside the old ones, ready it with no lock held ({@link SwapPreparation}) and
 *       swap it in ({@link PartitionLog#replaceSegments(List, List, long)}: only renames under the
 *       lock, and refused if retention, DeleteRecords or a truncation changed the log meanwhile,
 *       which ends the round without progress).
 * </ol>
 *
 * Offsets never change; every cleaned segment keeps its last batch (empty if need be), so it
 * ends exactly where the old run did. One per cleaner thread: it owns its map and buffers.
 */
final class Cleaner {
    /** The round was stopped from outside (the log is going away, or the cleaner is). */
    static final class AbortedException extends RuntimeException {
        AbortedException(String message) {
            super(message, null, false, false);
        }
    }

    /** Asked between batches: throws {@link AbortedException} when the round must stop. */
    interface AbortCheck {
        void check();
    }

    /** What a round did: where the next one starts, and what it changed. */
    record Result(long endOffset, int segmentsReplaced, long bytesBefore, long bytesAfter) {}

    private final int mapBytesLimit;
    private final double loadFactor;
    /** Made at the first round; it grows as logs need, up to the limit. */
    private OffsetMap map;
    private final ByteBuffer readBuffer;
    private final IoThrottler throttle;
    private final LongSupplier clock;
    private final int maxDecompressedBytes;

    /** {@code mapBytesLimit}: this thread's share of {@code log.cleaner.dedupe.buffer.size}. */
    Cleaner(int mapBytesLimit, double loadFactor, int ioBufferBytes, IoThrottler throttle, LongSupplier clock) {
        this.mapBytesLimit = mapBytesLimit;
        this.loadFactor = loadFactor;
        this.readBuffer = ByteBuffer.allocate(ioBufferBytes);
        this.throttle = throttle;
        this.clock = clock;
        this.maxDecompressedBytes = RecordBatch.DEFAULT_MAX_DECOMPRESSED_BYTES;
    }

    /** Cleans {@code range} of {@code log} as it was in {@code snapshot}; null when a swap was refused. */
    Result clean(PartitionLog log, CleaningSnapshot snapshot, CleanableRange range, AbortCheck abort)
            throws IOException {
        long now = clock.getAsLong();
        if (map == null) {
            map = new OffsetMap(mapBytesLimit, loadFactor);
        }
        long endOffset = buildMap(log, snapshot, range, abort);
        List<List<LogSegment>> groups = SegmentGrouping.groups(snapshot.segments(), endOffset, snapshot.config());
        if (groups.isEmpty()) {
            return new Result(endOffset, 0, 0, 0);
        }
        long from = groups.get(0).get(0).baseOffset();
        TransactionCleaning txns = new TransactionCleaning(log.abortedTransactions(from, endOffset));
        BatchFilter filter = new BatchFilter(map, txns, snapshot.activeProducers(), now,
                snapshot.config().compaction().deleteRetentionMs(), maxDecompressedBytes);
        int replaced = 0;
        long before = 0;
        long after = 0;
        for (List<LogSegment> group : groups) {
            LogSegment cleaned = cleanGroup(log, snapshot, group, filter, abort);
            if (cleaned == null) {
                return null;
            }
            replaced += group.size();
            before += group.stream().mapToLong(LogSegment::size).sum();
            after += cleaned.size();
        }
        return new Result(endOffset, replaced, before, after);
    }

    /**
     * Maps the dirty range's keys; returns where the round ends: the first uncleanable offset, or
     * just past the last offset mapped when the map filled up first.
     */
    private long buildMap(PartitionLog log, CleaningSnapshot snapshot, CleanableRange range, AbortCheck abort)
            throws IOException {
        map.clear();
        TransactionCleaning txns = new TransactionCleaning(
                log.abortedTransactions(range.firstDirty(), range.firstUncleanable()));
        for (LogSegment s : snapshot.segments()) {
            if (s.baseOffset() >= range.firstUncleanable()) {
                break;
            }
            if (s.nextOffset() <= range.firstDirty()) {
                continue;
            }
            try (SegmentScan scan = new SegmentScan(s, readBuffer, throttle)) {
                for (RecordBatch b = scan.next(); b != null; b = scan.next()) {
                    abort.check();
                    if (b.lastOffset() < range.firstDirty()) {
                        continue;
                    }
                    if (!mapBatch(b, txns)) {
                        return map.latestOffset() + 1;
                    }
                }
            }
        }
        return range.firstUncleanable();
    }

    /** Puts a batch's keys in the map; false when the map filled up before the batch's end. */
    private boolean mapBatch(RecordBatch b, TransactionCleaning txns) {
        if (b.isControl()) {
            txns.onControlBatch(b);
        } else if (!txns.onDataBatch(b)) {
            Iterator<Record> records = b.iterator(maxDecompressedBytes);
            while (records.hasNext()) {
                Record r = records.next();
                if (r.key() != null && !map.put(r.key(), r.offset())) {
                    return false;
                }
            }
        }
        map.advanceLatestOffset(b.lastOffset());
        return true;
    }

    /** Writes one group's surviving batches into a new segment and swaps it in; null when the swap was refused. */
    private LogSegment cleanGroup(PartitionLog log, CleaningSnapshot snapshot, List<LogSegment> group,
            BatchFilter filter, AbortCheck abort) throws IOException {
        LogSegment first = group.get(0);
        LogSegment last = group.get(group.size() - 1);
        long groupEnd = last.nextOffset();
        LogSegment cleaned = LogSegment.createCleaned(log.dir(), first.baseOffset(), snapshot.config(),
                last.createdMs(), log.fileHandles());
        boolean swapped = false;
        try {
            ByteBuf out = Unpooled.buffer(readBuffer.capacity());
            for (LogSegment s : group) {
                try (SegmentScan scan = new SegmentScan(s, readBuffer, throttle)) {
                    for (RecordBatch b = scan.next(); b != null; b = scan.next()) {
                        abort.check();
                        ByteBuf kept = filter.filter(b, b.nextOffset() == groupEnd);
                        if (kept != null) {
                            out.writeBytes(kept, kept.readerIndex(), kept.readableBytes());
                        }
                        if (out.readableBytes() >= readBuffer.capacity()) {
                            write(cleaned, out);
                        }
                    }
                }
            }
            write(cleaned, out);
            // retention by age falls back on the file's time: the cleaned run is as old as its last segment
            Files.setLastModifiedTime(cleaned.logFilePath(), FileTime.fromMillis(last.createdMs()));
            SwapPreparation.prepare(List.of(cleaned), group);
            abort.check();
            try {
                log.replaceSegments(List.of(cleaned), group, snapshot.truncations());
            } catch (IllegalArgumentException changedMeanwhile) {
                return null;
            }
            swapped = true;
            return cleaned;
        } finally {
            if (!swapped) {
                cleaned.discardCleaned();
            }
        }
    }

    private void write(LogSegment cleaned, ByteBuf out) throws IOException {
        if (!out.isReadable()) {
            return;
        }
        throttle.acquire(out.readableBytes());
        List<RecordBatch> views = new ArrayList<>(RecordBatches.split(out));
        cleaned.append(out, views);
        out.clear();
    }
}
