package dev.wharf.logstore;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The indexes of one {@link LogSegment} and their upkeep: the {@link OffsetIndex} and the
 * {@link TimeIndex}, which take an entry every {@code index.interval.bytes} of batches, the
 * segment's largest timestamp and the offset of the batch holding it (what the time index
 * records), and the {@link TransactionIndex} of the abort markers the segment holds. Files
 * {@code <base>.index}, {@code .timeindex} and {@code .txnindex}, each format in its class; a
 * replacement being written has them with the {@code .cleaned} suffix (see {@link SegmentFiles}).
 *
 * <p>Threads: changed where the segment's writer runs (under the log's lock, or before anyone else
 * sees the segment); lookups, {@link #maxTimestamp} and {@link #abortedTxns} run concurrently with
 * it. An append indexes its batches before the segment publishes its new end, and the largest
 * timestamp is published with a release store, so a reader that sees the end sees what was
 * indexed below it.
 */
final class SegmentIndexes {
    private static final VarHandle MAX_TIMESTAMP;

    static {
        try {
            MAX_TIMESTAMP = MethodHandles.lookup().findVarHandle(SegmentIndexes.class, "maxTimestamp", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final TransactionIndex txnIndex;
    /** Set when the segment was recovered: its {@link #txnIndex} was dropped and waits for a rebuild. */
    private boolean txnIndexStale;
    private final int indexIntervalBytes;
    private volatile long maxTimestamp = -1;
    private long offsetOfMaxTimestamp = -1;
    private int bytesSinceLastIndexEntry;

    /**
     * Opens (or creates) the indexes of the segment at {@code baseOffset}, mapped for appends if
     * {@code writable}; {@code state} is {@code ""}, or {@link SegmentFiles#CLEANED} for a
     * replacement being written.
     */
    SegmentIndexes(Path dir, long baseOffset, LogConfig config, boolean writable, String state) throws IOException {
        this.indexIntervalBytes = config.indexIntervalBytes();
        this.offsetIndex = new OffsetIndex(SegmentFiles.file(dir, baseOffset, SegmentFiles.INDEX + state), baseOffset,
                config.segmentIndexBytes(), writable);
        this.timeIndex = new TimeIndex(SegmentFiles.file(dir, baseOffset, SegmentFiles.TIME_INDEX + state), baseOffset,
                config.segmentIndexBytes(), writable);
        this.txnIndex = new TransactionIndex(SegmentFiles.file(dir, baseOffset, SegmentFiles.TXN_INDEX + state));
    }

    /** Removes the index files of the segment at {@code baseOffset}: they are about to be built anew. */
    static void deleteFiles(Path dir, long baseOffset) throws IOException {
        Files.deleteIfExists(SegmentFiles.file(dir, baseOffset, SegmentFiles.INDEX));
        Files.deleteIfExists(SegmentFiles.file(dir, baseOffset, SegmentFiles.TIME_INDEX));
        Files.deleteIfExists(SegmentFiles.file(dir, baseOffset, SegmentFiles.TXN_INDEX));
    }

    /** The offset index, through which a {@link SegmentReader} enters the log file. */
    OffsetIndex offsets() {
        return offsetIndex;
    }

    /**
     * Whether the offset and time indexes hold together for a log file of {@code logSize} bytes of
     * batches (entries in order, none past the end); if not, they are rebuilt rather than trusted.
     */
    boolean holdTogether(int logSize) {
        return offsetIndex.looksValid() && timeIndex.looksValid() && offsetIndex.last().position() <= logSize;
    }

    /** Drops the offset and time entries. */
    void clear() {
        offsetIndex.clear();
        timeIndex.clear();
    }

    /** Drops the offset and time entries and the largest timestamp: recovery indexes every batch again. */
    void startRebuild() {
        clear();
        maxTimestamp = -1;
        offsetOfMaxTimestamp = -1;
        bytesSinceLastIndexEntry = 0;
    }

    /** Where the batch of the last offset index entry starts (0 without entries). */
    int lastEntryPosition() {
        return offsetIndex.last().position();
    }

    /** The last time index entry whose timestamp is below {@code timestamp}, or null (see {@link TimeIndex#lastBefore}). */
    TimeIndex.Entry timeFloor(long timestamp) {
        return timeIndex.lastBefore(timestamp);
    }

    long maxTimestamp() {
        return maxTimestamp;
    }

    /** Takes the largest timestamp, and its offset, from a walk over the batches' headers. */
    void setMaxTimestamp(SegmentReader.EndState state) {
        maxTimestamp = state.maxTimestamp();
        offsetOfMaxTimestamp = state.offsetOfMaxTimestamp();
    }

    /**
     * Indexes a batch appended (or found by recovery) at {@code position}: its largest timestamp,
     * and an offset and a time entry once more than {@code index.interval.bytes} passed since the
     * last entry.
     */
    void indexBatch(long base, long last, long batchMaxTimestamp, int position, int batchSize) {
        if (batchMaxTimestamp > maxTimestamp) {
            MAX_TIMESTAMP.setRelease(this, batchMaxTimestamp);
            offsetOfMaxTimestamp = last;
        }
        if (bytesSinceLastIndexEntry > indexIntervalBytes && !offsetIndex.isFull()) {
            offsetIndex.append(base, position);
            timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp);
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += batchSize;
    }

    /**
     * Drops the entries of the batches from the one at {@code cutBaseOffset} on; the log file was
     * cut to {@code newSize} bytes, where that batch began.
     */
    void truncateTo(long cutBaseOffset, int newSize) throws IOException {
        offsetIndex.truncateTo(cutBaseOffset);
        timeIndex.truncateTo(cutBaseOffset);
        txnIndex.truncateTo(cutBaseOffset);
        bytesSinceLastIndexEntry = newSize - offsetIndex.last().position();
    }

    /** Whether the offset or time index has no room for another entry (the segment must roll). */
    boolean full() {
        return offsetIndex.isFull() || timeIndex.isFull();
    }

    /** Whether the indexes were trimmed and mapped read-only (the segment is not writable). */
    boolean sealed() {
        return offsetIndex.isSealed();
    }

    /** Trims the offset and time indexes to their entries and maps them read-only. */
    void seal() {
        offsetIndex.trimAndSeal();
        timeIndex.trimAndSeal();
    }

    void flush() throws IOException {
        offsetIndex.flush();
        timeIndex.flush();
        txnIndex.flush();
    }

    /** Closes the files the writable indexes write (before they are deleted). */
    void closeWriters() {
        offsetIndex.closeWriter();
        timeIndex.closeWriter();
    }

    /** The abort markers of the segment, in offset order. */
    List<AbortedTxn> abortedTxns() {
        return txnIndex.entries();
    }

    void appendAbortedTxn(AbortedTxn txn) throws IOException {
        txnIndex.append(txn);
    }

    boolean txnIndexStale() {
        return txnIndexStale;
    }

    void setTxnIndexStale(boolean stale) {
        txnIndexStale = stale;
    }
}
