package dev.wharf.logstore;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Where a {@link PartitionLog} starts, ends and is committed, and the epoch it ends in: the log
 * start offset (first readable), the log end offset (next to assign), the high watermark (moved
 * by the log's owner; reads are bounded by what their caller passes) and the latest leader epoch,
 * the last one of the log's {@link LeaderEpochCache}, kept here so that appends skip the cache's
 * lock.
 *
 * <p>Threads: changed only under the log's lock, by the log itself (the high watermark),
 * {@link LogWriter} (the end and the latest epoch) and {@link LogTruncation}, or on open before the
 * log is visible ({@link LogLoader#loadState}). The offsets are read without the lock (volatile
 * fields); an append publishes the end with a release store after writing the batches below it, so
 * a reader that sees the end sees them. The latest epoch is read under the lock only.
 */
final class LogOffsets {
    private static final VarHandle END;

    static {
        try {
            END = MethodHandles.lookup().findVarHandle(LogOffsets.class, "end", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile long start;
    private volatile long end;
    private volatile long highWatermark;
    private int latestEpoch = -1;

    /** A log opened from {@code start} to {@code end}. */
    LogOffsets(long start, long end) {
        this.end = end;
        this.start = start;
        // nothing is known committed until the owner says so: the broker's replica manager sets it
        // from its replication-offset-checkpoint, and replicas in sync move it on
        this.highWatermark = start;
    }

    long start() {
        return start;
    }

    long end() {
        return end;
    }

    long highWatermark() {
        return highWatermark;
    }

    int latestEpoch() {
        return latestEpoch;
    }

    void setLatestEpoch(int epoch) {
        latestEpoch = epoch;
    }

    /** An append's new end, published after its batches are written (a release store). */
    void publishEnd(long newEnd) {
        END.setRelease(this, newEnd);
    }

    /** The log was cut back to end at {@code newEnd} (a truncation). */
    void setEnd(long newEnd) {
        end = newEnd;
    }

    /** The log now starts at {@code newStart} (DeleteRecords, retention, truncation). */
    void setStart(long newStart) {
        start = newStart;
    }

    void setHighWatermark(long hw) {
        highWatermark = hw;
    }

    /** The log was restarted, empty, at {@code offset}: it starts and ends there. */
    void restartAt(long offset) {
        start = offset;
        end = offset;
    }

    /** After a truncation: the start and the high watermark move back to the end if they were beyond it. */
    void clampToEnd() {
        start = Math.min(start, end);
        highWatermark = Math.min(highWatermark, end);
    }

    /** See {@link PartitionLog#resetHighWatermark}: clamped to [start, end], possibly backwards. */
    void resetHighWatermark(long hw) {
        highWatermark = Math.max(start, Math.min(hw, end));
    }

    /** See {@link PartitionLog#updateHighWatermark}: never past the end, never backwards. */
    void updateHighWatermark(long hw) {
        long bounded = Math.min(hw, end);
        if (bounded > highWatermark) {
            highWatermark = bounded;
        }
    }
}
