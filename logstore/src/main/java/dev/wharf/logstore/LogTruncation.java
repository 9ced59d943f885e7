package dev.wharf.logstore;

import java.io.IOException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Truncation of a {@link PartitionLog} at either end. From the start, whole segments go:
 * DeleteRecords ({@link #deleteRecordsBefore}) and retention ({@link #deleteRetainedSegments}),
 * never past the high watermark. From the end, a follower cuts its log back: a diverged tail
 * ({@link #truncateTo}) or the whole log, to start again at the leader's log start
 * ({@link #truncateFullyAndStartAt}). Either way the epoch history, the producer state, the
 * {@link LogFlusher}'s recovery point and the {@link LogOffsets} move with the log.
 *
 * <p>Threads: not thread-safe. Every method runs under the log's lock, taken by
 * {@link PartitionLog}.
 */
final class LogTruncation {
    private final LogSegments segments;
    private final LogFlusher flusher;
    private final LeaderEpochCache epochs;
    private final ProducerStateTable producers;
    private final LogOffsets offsets;
    private final LongSupplier clock;
    private final Supplier<LogConfig> config;

    LogTruncation(LogSegments segments, LogFlusher flusher, LeaderEpochCache epochs, ProducerStateTable producers,
            LogOffsets offsets, LongSupplier clock, Supplier<LogConfig> config) {
        this.segments = segments;
        this.flusher = flusher;
        this.epochs = epochs;
        this.producers = producers;
        this.offsets = offsets;
        this.clock = clock;
        this.config = config;
    }

    /** See {@link PartitionLog#deleteRecordsBefore}. */
    long deleteRecordsBefore(long offset) throws IOException {
        if (offset > offsets.highWatermark()) {
            throw new IllegalArgumentException("cannot delete records before " + offset + ": the high watermark is "
                    + offsets.highWatermark());
        }
        if (offset > offsets.start()) {
            moveStartTo(offset); // before the segments go, so that reads stop asking for them
            segments.deleteBelow(offset, offsets.highWatermark());
            moveStartTo(segments.firstBaseOffset()); // past a gap between segments, if any
        }
        return offsets.start();
    }

    /** See {@link PartitionLog#deleteRetainedSegments}. */
    int deleteRetainedSegments() throws IOException {
        int deleted = segments.deleteRetained(config.get(), clock.getAsLong(), offsets.highWatermark());
        moveStartTo(segments.firstBaseOffset());
        return deleted;
    }

    /** Moves the log start forward to {@code start}, and the epochs and producers with it. */
    private void moveStartTo(long start) {
        if (start > offsets.start()) {
            offsets.setStart(start);
            epochs.truncateFromStart(start);
            producers.truncateFromStart(start);
        }
    }

    /** See {@link PartitionLog#truncateTo}. */
    void truncateTo(long offset) throws IOException {
        if (offset >= offsets.end()) {
            return;
        }
        if (offset <= segments.firstBaseOffset()) {
            restartAt(Math.max(offset, 0));
        } else {
            offsets.setEnd(segments.truncateTo(offset, config.get()));
        }
        offsets.clampToEnd();
        long end = offsets.end();
        flusher.truncatedTo(end);
        epochs.truncateFromEnd(end);
        offsets.setLatestEpoch(epochs.latestEpoch());
        producers.truncateFromEnd(end);
        if (!producers.truncateTransactions(end)) {
            // a marker went: the transaction it closed may be open again
            long from = segments.firstBaseOffset();
            producers.restartTransactionsFrom(from);
            SegmentSearch.forEachBatch(segments.map(), from, offsets.end(), producers::replayTransaction);
        }
    }

    /** See {@link PartitionLog#truncateFullyAndStartAt}; {@code offset} is not negative. */
    void truncateFullyAndStartAt(long offset) throws IOException {
        restartAt(offset);
        offsets.setHighWatermark(offset);
        flusher.truncatedTo(offset);
        epochs.clear();
        offsets.setLatestEpoch(-1);
        producers.clear();
    }

    /** Replaces every segment by one empty segment at {@code offset}, where the log now starts and ends. */
    private void restartAt(long offset) throws IOException {
        segments.restartAt(offset, config.get());
        offsets.restartAt(offset);
    }
}
