package dev.wharf.logstore;

import java.io.IOException;
import java.util.function.LongSupplier;

/**
 * When a {@link PartitionLog} is fsynced, and how far it is: the recovery point (everything before
 * it is on disk; recovery after a crash starts at the segment holding it), moved to the log end by
 * each flush. A flush is due after {@code flush.messages} messages appended since the last one, or
 * {@code flush.ms} after it; appends check after writing, and a schedule calls
 * {@link PartitionLog#flushIfDue} so a log that stopped receiving appends is flushed too.
 *
 * <p>Changed only under the log's lock; the recovery point is also read without it.
 */
final class LogFlusher {
    private final LogSegments segments;
    private final LeaderEpochCache epochs;
    private final LongSupplier clock;
    private final java.util.function.LongConsumer flushed;
    private volatile long recoveryPoint;
    private long unflushedMessages;
    private long lastFlushMs;

    LogFlusher(LogSegments segments, LeaderEpochCache epochs, LongSupplier clock, long recoveryPoint,
            java.util.function.LongConsumer flushed) {
        this.segments = segments;
        this.epochs = epochs;
        this.clock = clock;
        this.flushed = flushed;
        this.recoveryPoint = recoveryPoint;
    }

    long recoveryPoint() {
        return recoveryPoint;
    }

    /** After an append of {@code messages} at {@code now}: flushes to {@code logEnd} if due. */
    void appended(long messages, long logEnd, long now, LogConfig c) throws IOException {
        unflushedMessages += messages;
        if (unflushedMessages >= c.flushMessages() || now - lastFlushMs >= c.flushMs()) {
            flush(logEnd);
        }
    }

    /** Flushes when {@code flush.ms} has passed since the last flush and not all is durable. */
    void flushIfDue(long logEnd, LogConfig c) throws IOException {
        if (clock.getAsLong() - lastFlushMs >= c.flushMs() && logEnd > recoveryPoint) {
            flush(logEnd);
        }
    }

    /**
     * Fsyncs the segments from the one holding the recovery point on, which moves to {@code logEnd},
     * and the epochs written since the last flush (recovery, which would find them again, starts
     * at the new recovery point).
     */
    void flush(long logEnd) throws IOException {
        epochs.flush();
        if (logEnd > recoveryPoint) {
            long start = System.nanoTime();
            segments.flushFrom(recoveryPoint);
            recoveryPoint = logEnd;
            flushed.accept(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
        unflushedMessages = 0;
        lastFlushMs = clock.getAsLong();
    }

    /** The log was cut back to {@code logEnd}: nothing beyond it is left to be durable. */
    void truncatedTo(long logEnd) {
        recoveryPoint = Math.min(recoveryPoint, logEnd);
    }
}
