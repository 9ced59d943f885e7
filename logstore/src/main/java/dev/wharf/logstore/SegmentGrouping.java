package dev.wharf.logstore;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the segments a cleaning round rewrites into runs, each cleaned into one segment (Kafka's
 * groupSegmentsBySize): consecutive segments whose bytes together stay within {@code segment.bytes}
 * and whose offsets span less than an index can address ({@code Integer.MAX_VALUE} past the base).
 * Cleaning only shrinks them, so each run fits one segment; merging keeps the segment count down
 * as compaction empties segments.
 */
final class SegmentGrouping {
    private SegmentGrouping() {}

    /** The runs of the sealed segments that start below {@code endOffset}, oldest first. */
    static List<List<LogSegment>> groups(List<LogSegment> segments, long endOffset, LogConfig config) {
        List<List<LogSegment>> groups = new ArrayList<>();
        List<LogSegment> current = new ArrayList<>();
        long bytes = 0;
        LogSegment active = segments.get(segments.size() - 1);
        for (LogSegment s : segments) {
            if (s == active || s.baseOffset() >= endOffset) {
                break;
            }
            boolean fits = !current.isEmpty()
                    && bytes + s.size() <= config.segmentBytes()
                    && s.nextOffset() - 1 - current.get(0).baseOffset() <= Integer.MAX_VALUE;
            if (!current.isEmpty() && !fits) {
                groups.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(s);
            bytes += s.size();
        }
        if (!current.isEmpty()) {
            groups.add(current);
        }
        return groups;
    }
}
