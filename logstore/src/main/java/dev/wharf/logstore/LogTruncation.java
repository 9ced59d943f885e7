package dev.wharf.logstore;

import java.io.IOException;

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
    private final LogParts parts;

    LogTruncation(LogParts parts) {
        this.parts = parts;
    }

    /** See {@link PartitionLog#deleteRecordsBefore}. */
    long deleteRecordsBefore(long offset) throws IOException {
        if (offset > parts.offsets().highWatermark()) {
            throw new IllegalArgumentException("cannot delete records before " + offset + ": the high watermark is "
                    + parts.offsets().highWatermark());
        }
        if (offset > parts.offsets().start()) {
            moveStartTo(offset); // before the segments go, so that reads stop asking for them
            parts.segments().deleteBelow(offset, parts.offsets().highWatermark());
            moveStartTo(parts.segments().firstBaseOffset()); // past a gap between segments, if any
        }
        return parts.offsets().start();
    }

    /** See {@link PartitionLog#deleteRetainedSegments}. */
    int deleteRetainedSegments() throws IOException {
        int deleted = parts.segments().deleteRetained(parts.config().get(), parts.clock().getAsLong(),
                parts.offsets().highWatermark());
        moveStartTo(parts.segments().firstBaseOffset());
        return deleted;
    }

    /** Moves the log start forward to {@code start}, and the epochs and producers with it. */
    private void moveStartTo(long start) {
        if (start > parts.offsets().start()) {
            parts.offsets().setStart(start);
            parts.epochs().truncateFromStart(start);
            parts.producers().truncateFromStart(start);
        }
    }

    /** See {@link PartitionLog#truncateTo}. */
    void truncateTo(long offset) throws IOException {
        if (offset >= parts.offsets().end()) {
            return;
        }
        if (offset <= parts.segments().firstBaseOffset()) {
            restartAt(Math.max(offset, 0));
        } else {
            parts.offsets().setEnd(parts.segments().truncateTo(offset, parts.config().get()));
        }
        parts.offsets().clampToEnd();
        long end = parts.offsets().end();
        parts.flusher().truncatedTo(end);
        parts.epochs().truncateFromEnd(end);
        parts.offsets().setLatestEpoch(parts.epochs().latestEpoch());
        parts.producers().truncateFromEnd(end);
        if (!parts.producers().truncateTransactions(end)) {
            // a marker went: the transaction it closed may be open again
            long from = parts.segments().firstBaseOffset();
            parts.producers().restartTransactionsFrom(from);
            ProducerStateTable producers = parts.producers();
            SegmentSearch.forEachBatch(parts.segments().map(), from, parts.offsets().end(), producers::replayTransaction);
        }
    }

    /** See {@link PartitionLog#truncateFullyAndStartAt}; {@code offset} is not negative. */
    void truncateFullyAndStartAt(long offset) throws IOException {
        restartAt(offset);
        parts.offsets().setHighWatermark(offset);
        parts.flusher().truncatedTo(offset);
        parts.epochs().clear();
        parts.offsets().setLatestEpoch(-1);
        parts.producers().clear();
    }

    /** Replaces every segment by one empty segment at {@code offset}, where the log now starts and ends. */
    private void restartAt(long offset) throws IOException {
        parts.segments().restartAt(offset, parts.config().get());
        parts.offsets().restartAt(offset);
    }
}
