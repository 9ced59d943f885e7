package dev.wharf.logstore;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;

/**
 * Copies a partition's current log into its future log in another log dir (AlterReplicaLogDirs),
 * a bounded amount per {@link #step}: the batches from the future log's end on, read from the
 * current log and appended as they are (offsets, epochs, bytes), so the future log rebuilds the
 * producer state and epoch history the same way a follower does. The current log keeps taking
 * appends meanwhile; {@link #finish} copies the rest and swaps, and must run while nothing appends
 * to the current log (the partition holds its appends back).
 *
 * <p>A current log cut back under the copy (a follower's truncation) is followed by
 * {@link #currentTruncated}; a current log whose start passed the copy's end (retention) restarts
 * the copy at its new start.
 *
 * <p>Threads: {@link #step}, {@link #currentTruncated} and {@link #finish} are synchronized, so a
 * batch read before a truncation of the current log is cut from the copy after it.
 */
public final class LogMover {
    private final LogManager logs;
    private final PartitionLog current;
    private final PartitionLog future;

    public LogMover(LogManager logs, PartitionLog current, PartitionLog future) {
        if (!current.topicPartition().equals(future.topicPartition())) {
            throw new IllegalArgumentException(current + " cannot be copied into " + future);
        }
        this.logs = logs;
        this.current = current;
        this.future = future;
    }

    public PartitionLog current() {
        return current;
    }

    public PartitionLog future() {
        return future;
    }

    /** How far the copy is behind: the current log's end minus the future log's (DescribeLogDirs' offset lag). */
    public long lag() {
        return Math.max(current.logEndOffset() - future.logEndOffset(), 0);
    }

    public boolean caughtUp() {
        return future.logEndOffset() == current.logEndOffset();
    }

    /** Copies at most about {@code maxBytes} (one batch at least) from the current log; returns the bytes copied. */
    public synchronized int step(int maxBytes) throws IOException {
        long from = future.logEndOffset();
        if (from < current.logStartOffset() || from > current.logEndOffset() || isEmpty(future)
                && future.logStartOffset() != current.logStartOffset()) {
            restartAtCurrentStart();
            from = future.logEndOffset();
        }
        // the copy may start below the log start, at the base of the batch holding it
        ReadResult read = current.read(Math.max(from, current.logStartOffset()), maxBytes, current.logEndOffset());
        if (!(read instanceof ReadResult.Batches batches)) {
            return 0;
        }
        ByteBuf copy = readFully(batches.slice());
        try {
            future.appendAsFollower(copy);
            return copy.readableBytes();
        } finally {
            copy.release();
        }
    }

    /** The current log was truncated (a follower's divergence, or restarted empty): cuts the copy back to match. */
    public synchronized void currentTruncated() throws IOException {
        if (current.logStartOffset() > future.logEndOffset() || current.logEndOffset() < future.logStartOffset()) {
            restartAtCurrentStart();
        } else if (future.logEndOffset() > current.logEndOffset()) {
            future.truncateTo(current.logEndOffset());
        }
    }

    /**
     * Copies what is left, carries the epoch history over (epochs without batches included) and
     * makes the copy the partition's log; returns it. The caller holds appends back.
     */
    public synchronized PartitionLog finish() throws IOException {
        while (!caughtUp()) {
            if (step(1 << 20) == 0 && !caughtUp()) {
                throw new IOException("cannot copy " + current + " to its future log " + future);
            }
        }
        for (LeaderEpochCache.EpochEntry e : current.leaderEpochs().entries()) {
            future.leaderEpochs().assign(e.epoch(), e.startOffset());
        }
        future.leaderEpochs().flush(); // recovery could not find again the epochs without batches
        PartitionLog moved = logs.futureLogs().replaceCurrent(current.topicPartition(), current.logStartOffset());
        moved.resetHighWatermark(current.highWatermark());
        return moved;
    }

    /** The copy starts again, empty, where the batch holding the current log's start begins. */
    private void restartAtCurrentStart() throws IOException {
        long start = current.logStartOffset();
        ReadResult first = current.read(start, 1, current.logEndOffset());
        if (first instanceof ReadResult.Batches b) {
            start = b.slice().firstOffset();
            b.slice().release();
        }
        future.truncateFullyAndStartAt(start);
    }

    private static boolean isEmpty(PartitionLog log) {
        return log.logEndOffset() == log.logStartOffset();
    }

    private static ByteBuf readFully(Slice slice) throws IOException {
        try {
            ByteBuf buf = Unpooled.buffer(slice.length());
            long pos = slice.position();
            int left = slice.length();
            while (left > 0) {
                int n = buf.writeBytes(slice.channel(), pos, left);
                if (n < 0) {
                    buf.release();
                    throw new IOException("unexpected end of segment file at position " + pos);
                }
                pos += n;
                left -= n;
            }
            return buf;
        } finally {
            slice.release();
        }
    }
}
