package dev.wharf.logstore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Which part of a compacted log a cleaning round may clean, and how much it would gain (Kafka's
 * LogCleanerManager rules). Records below {@code firstDirty} were cleaned before; the cleanable
 * part runs to {@code firstUncleanable}: no further than the last stable offset (so only
 * decided, replicated records), the active segment, and the first segment holding a record
 * younger than {@code min.compaction.lag.ms}; it is rounded down to a segment's base so rounds
 * clean whole segments.
 *
 * @param cleanBytes bytes of the segments below the first dirty offset
 * @param cleanableBytes bytes of the segments from there to the first uncleanable offset
 * @param forced a record has waited longer than {@code max.compaction.lag.ms} (KIP-354)
 */
record CleanableRange(long firstDirty, long firstUncleanable, long cleanBytes, long cleanableBytes, boolean forced) {

    /** The share of the log not yet cleaned: what {@code min.cleanable.dirty.ratio} is compared with. */
    double dirtyRatio() {
        long total = cleanBytes + cleanableBytes;
        return total == 0 ? 0 : (double) cleanableBytes / total;
    }

    /** Whether a round is due: something to clean and dirty enough, or forced. */
    boolean due(CompactionConfig c) {
        return cleanableBytes > 0 && (forced || dirtyRatio() > c.minCleanableDirtyRatio());
    }

    /**
     * The range of a log at {@code nowMs}, given its cleaner checkpoint ({@code -1}: none). A
     * checkpoint outside the log (truncated, or records deleted) starts over at the log start.
     */
    static CleanableRange of(CleaningSnapshot log, long checkpoint, long nowMs) throws IOException {
        CompactionConfig c = log.config().compaction();
        long firstDirty = checkpoint < log.logStartOffset() || checkpoint > log.logEndOffset()
                ? log.logStartOffset() : checkpoint;
        List<LogSegment> segments = log.segments();
        LogSegment active = log.active();
        long bound = Math.min(log.lastStableOffset(), active.baseOffset());
        long firstDirtyBatchTime = Long.MAX_VALUE;
        for (LogSegment s : segments) {
            if (s == active || s.baseOffset() >= bound || s.nextOffset() <= firstDirty) {
                continue;
            }
            if (c.minCompactionLagMs() > 0 && s.maxTimestamp() > nowMs - c.minCompactionLagMs()) {
                bound = Math.min(bound, s.baseOffset());
                break;
            }
            if (firstDirtyBatchTime == Long.MAX_VALUE && c.maxCompactionLagMs() < Long.MAX_VALUE) {
                firstDirtyBatchTime = firstBatchTimestamp(s);
            }
        }
        long firstUncleanable = segmentBaseHolding(segments, bound);
        long clean = 0;
        long cleanable = 0;
        for (LogSegment s : segments) {
            if (s.baseOffset() >= firstUncleanable) {
                break;
            }
            if (s.nextOffset() <= firstDirty) {
                clean += s.size();
            } else {
                cleanable += s.size();
            }
        }
        boolean forced = cleanable > 0 && firstDirtyBatchTime != Long.MAX_VALUE
                && nowMs - c.maxCompactionLagMs() > firstDirtyBatchTime;
        return new CleanableRange(firstDirty, Math.max(firstUncleanable, firstDirty), clean, cleanable, forced);
    }

    /** The base offset of the segment holding {@code offset} (the first segment's when below it). */
    private static long segmentBaseHolding(List<LogSegment> segments, long offset) {
        long base = segments.get(0).baseOffset();
        for (LogSegment s : segments) {
            if (s.baseOffset() > offset) {
                break;
            }
            base = s.baseOffset();
        }
        return base;
    }

    /** The max timestamp of a segment's first batch (Kafka's first batch timestamp); MAX_VALUE when empty. */
    private static long firstBatchTimestamp(LogSegment s) throws IOException {
        if (s.size() == 0) {
            return Long.MAX_VALUE;
        }
        SegmentChannel file = s.acquire();
        try {
            return BatchHeader.read(file.channel(), 0, s.size(), ByteBuffer.allocate(BatchHeader.READ_SIZE)).maxTimestamp();
        } finally {
            file.release();
        }
    }
}
