package dev.wharf.logstore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The lock-free read side of a {@link PartitionLog}: finding batches and timestamps across its
 * segments (a map by base offset that appends, rolls and deletions change concurrently). The
 * caller passes the offsets it read once, so one call sees one consistent log end.
 */
final class SegmentSearch {
    private SegmentSearch() {}

    /** See {@link PartitionLog#read}; {@code start} and {@code end} are the log's. */
    static ReadResult read(NavigableMap<Long, LogSegment> segments, long offset, int maxBytes, long upTo, long start,
            long end) throws IOException {
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

    /** Every batch header from the one holding {@code fromOffset} up to {@code end}, in offset order. */
    static void forEachBatch(NavigableMap<Long, LogSegment> segments, long fromOffset, long end,
            Consumer<StoredBatch> action) throws IOException {
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

    /**
     * Aborted transactions reaching into [{@code fromOffset}, {@code upToOffset}): their marker is
     * at {@code fromOffset} or later and their first offset below {@code upToOffset}. Their markers
     * lie in the segment holding {@code fromOffset} or a later one, every one of which is searched
     * (a transaction with data in the range may end far beyond it).
     */
    static List<AbortedTxn> abortedTransactions(NavigableMap<Long, LogSegment> segments, long fromOffset,
            long upToOffset) {
        Long first = segments.floorKey(fromOffset);
        List<AbortedTxn> out = new ArrayList<>();
        for (LogSegment s : (first == null ? segments : segments.tailMap(first, true)).values()) {
            for (AbortedTxn t : s.abortedTxns()) {
                if (t.lastOffset() >= fromOffset && t.firstOffset() < upToOffset) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    /** The first record at or after {@code timestamp} from offset {@code start} on. */
    static Optional<TimestampOffset> offsetForTimestamp(NavigableMap<Long, LogSegment> segments, long timestamp,
            long start) throws IOException {
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

    /** The largest timestamp in any segment, -1 when none has records. */
    static long maxTimestamp(NavigableMap<Long, LogSegment> segments) {
        long max = -1;
        for (LogSegment s : segments.values()) {
            max = Math.max(max, s.maxTimestamp());
        }
        return max;
    }
}
