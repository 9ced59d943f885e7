package dev.wharf.logstore;

import dev.wharf.wire.records.RecordBatch;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One segment of a partition log: {@code <20-digit base offset>.log} holding record batches byte
 * for byte as appended (offsets assigned; see {@link SegmentLogFile}), with its indexes (see
 * {@link SegmentIndexes}): the {@link OffsetIndex}, the {@link TimeIndex} and the
 * {@link TransactionIndex} of the abort markers it holds.
 *
 * <p>Not thread-safe for writers: appends, truncation and recovery run under the log's append
 * lock. Readers run concurrently; they see batches up to {@link #size()}, which is published only
 * after a batch is completely written. The size and the next offset are published together, as
 * one value (see {@link #end}), so that a reader never pairs one before a truncation with the
 * other after it.
 */
final class LogSegment {
    private final long baseOffset;
    private final Path dir;
    private final SegmentLogFile logFile;
    private final SegmentIndexes indexes;
    private final long createdMs;
    /**
     * Bytes of complete batches (high 32 bits) and the next offset minus the base offset (low 32
     * bits, unsigned). One field, not two, for lock-free readers: a read bounded at the next offset
     * takes every byte up to the size, so a reader that paired the size from before a truncation
     * with the next offset from after it would take batches the truncation removed, and later
     * whatever appends write over them. Offsets within a segment stay below 2^32 of its base: the
     * index stores them in 4 bytes, and the log rolls before they would not fit.
     */
    private volatile long end;

    // Appends publish end with a release store: readers (volatile reads) see the bytes and index
    // entries written before it, without a full fence per append.
    private static final VarHandle END;

    static {
        try {
            END = MethodHandles.lookup().findVarHandle(LogSegment.class, "end", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * @param state {@code ""} for a segment of the log, {@link SegmentFiles#CLEANED} for a
     *     replacement being written (see {@link #createCleaned})
     */
    private LogSegment(Path dir, long baseOffset, LogConfig config, boolean active, long createdMs, FileHandles handles,
            String state) throws IOException {
        this.dir = dir;
        this.baseOffset = baseOffset;
        this.createdMs = createdMs;
        this.logFile = new SegmentLogFile(file(dir, baseOffset, SegmentFiles.LOG + state), active, handles);
        this.indexes = new SegmentIndexes(dir, baseOffset, config, active, state);
        this.end = end((int) Math.min(logFile.length(), Integer.MAX_VALUE), baseOffset);
    }

    /** {@link #end} for {@code size} bytes of batches ending before {@code nextOffset}. */
    private long end(int size, long nextOffset) {
        long relative = nextOffset - baseOffset;
        if (relative < 0 || relative > 0xFFFF_FFFFL) {
            throw new IllegalStateException("offset " + nextOffset + " is not within 2^32 of segment " + baseOffset);
        }
        return ((long) size << 32) | relative;
    }

    private static int sizeOf(long end) {
        return (int) (end >>> 32);
    }

    private long nextOffsetOf(long end) {
        return baseOffset + (end & 0xFFFF_FFFFL);
    }

    static Path file(Path dir, long baseOffset, String suffix) {
        return SegmentFiles.file(dir, baseOffset, suffix);
    }

    /** A new, empty active segment. */
    static LogSegment create(Path dir, long baseOffset, LogConfig config, long nowMs, FileHandles handles)
            throws IOException {
        SegmentIndexes.deleteFiles(dir, baseOffset);
        LogSegment s = new LogSegment(dir, baseOffset, config, true, nowMs, handles, "");
        if (s.size() != 0) {
            throw new IllegalStateException("segment " + file(dir, baseOffset, SegmentFiles.LOG) + " already has data");
        }
        return s;
    }

    /**
     * A new, empty segment whose files carry the {@code .cleaned} suffix: a replacement for
     * {@link PartitionLog#replaceSegments}, written by its caller with {@link #append}, readied by
     * {@link SwapPreparation#prepare} and then handed over. Left-overs of an earlier attempt at the same base offset are discarded.
     */
    static LogSegment createCleaned(Path dir, long baseOffset, LogConfig config, long nowMs, FileHandles handles)
            throws IOException {
        for (String suffix : SegmentFiles.PER_SEGMENT) {
            Files.deleteIfExists(file(dir, baseOffset, suffix + SegmentFiles.CLEANED));
        }
        return new LogSegment(dir, baseOffset, config, true, nowMs, handles, SegmentFiles.CLEANED);
    }

    /**
     * Opens an existing segment. Its indexes are trusted (clean shutdown) unless {@code recover},
     * in which case they are rebuilt by {@link #recover()}.
     */
    static LogSegment open(Path dir, long baseOffset, LogConfig config, boolean active, boolean recover,
            FileHandles handles) throws IOException {
        if (recover) {
            SegmentIndexes.deleteFiles(dir, baseOffset);
        }
        long created = Files.getLastModifiedTime(file(dir, baseOffset, SegmentFiles.LOG)).toMillis();
        // a segment being recovered gets writable indexes; the caller seals it if it is not the last
        LogSegment s = new LogSegment(dir, baseOffset, config, active || recover, created, handles, "");
        s.indexes.setTxnIndexStale(recover);
        if (!recover) {
            if (!s.indexes.holdTogether(s.size())) {
                // an index that does not hold together is rebuilt rather than trusted
                s.indexes.clear();
                s.close();
                return open(dir, baseOffset, config, active, true, handles).recoveredFrom(baseOffset, active);
            }
            s.loadEnd();
        }
        return s;
    }

    /** Rebuilds this freshly opened segment's indexes; keeps it writable only if it is active. */
    private LogSegment recoveredFrom(long expectedBaseOffset, boolean active) throws IOException {
        recover(expectedBaseOffset);
        if (!active) {
            seal();
        }
        return this;
    }

    /** Reads the headers after the last index entry to find the next offset and max timestamp. */
    private void loadEnd() throws IOException {
        TimeIndex.Entry lastTime = indexes.timeFloor(Long.MAX_VALUE);
        SegmentChannel file = acquire();
        int size = size();
        SegmentReader.EndState state;
        try {
            state = new SegmentReader(file.channel(), indexes.offsets(), size).endFrom(indexes.lastEntryPosition(),
                    baseOffset, lastTime == null ? -1 : lastTime.timestamp(), lastTime == null ? -1 : lastTime.offset());
        } finally {
            file.release();
        }
        end = end(size, state.nextOffset());
        indexes.setMaxTimestamp(state);
    }

    long baseOffset() {
        return baseOffset;
    }

    /** Bytes of complete batches. */
    int size() {
        return sizeOf(end);
    }

    /** The offset after the last batch (the base offset when empty). */
    long nextOffset() {
        return nextOffsetOf(end);
    }

    long maxTimestamp() {
        return indexes.maxTimestamp();
    }

    long createdMs() {
        return createdMs;
    }

    /** A reference on the file to read through, kept open until released (see {@link SegmentLogFile#acquire}). */
    SegmentChannel acquire() throws IOException {
        return logFile.acquire();
    }

    /** Whether the indexes were trimmed and mapped read-only (the segment is not the active one). */
    boolean indexesSealed() {
        return indexes.sealed();
    }

    boolean indexFull() {
        return indexes.full();
    }

    /**
     * Appends batches whose offsets are assigned. Writes the bytes, then indexes them, then
     * publishes the new size, so readers never see a partial batch.
     */
    void append(ByteBuf batches, Iterable<RecordBatch> views) throws IOException {
        long before = end;
        int position = sizeOf(before);
        int length = batches.readableBytes();
        logFile.write(batches, position);
        int pos = position;
        long next = nextOffsetOf(before);
        for (RecordBatch batch : views) {
            int batchSize = batch.sizeInBytes();
            // an empty batch (kept by the cleaner for its offsets) has no record to name as the newest
            long batchMaxTimestamp = batch.recordCount() == 0 ? -1 : batch.maxTimestamp();
            indexes.indexBatch(batch.baseOffset(), batch.lastOffset(), batchMaxTimestamp, pos, batchSize);
            pos += batchSize;
            next = batch.nextOffset();
        }
        END.setRelease(this, end(position + length, next));
    }

    /** The abort markers of this segment, in offset order (see {@link TransactionIndex}). */
    List<AbortedTxn> abortedTxns() {
        return indexes.abortedTxns();
    }

    /** Records the abort marker at {@code txn.lastOffset()}, which this segment holds. Under the append lock. */
    void appendAbortedTxn(AbortedTxn txn) throws IOException {
        indexes.appendAbortedTxn(txn);
    }

    /** Whether the transaction index was dropped by recovery and waits for {@link PartitionLog#open} to rebuild it. */
    boolean txnIndexStale() {
        return indexes.txnIndexStale();
    }

    /** The transaction index lost its entries (recovery) or has them again (rebuilt). */
    void setTxnIndexStale(boolean stale) {
        indexes.setTxnIndexStale(stale);
    }

    /**
     * Whether a batch holding {@code offset} is a control batch with an abort marker; false when
     * no batch holds it (compaction may leave gaps: the next batch is not the one asked about).
     */
    boolean isAbortMarkerAt(long offset) throws IOException {
        SegmentChannel file = acquire();
        try {
            return new SegmentReader(file.channel(), indexes.offsets(), size()).isAbortMarkerAt(offset);
        } finally {
            file.release();
        }
    }

    /**
     * A slice from the batch holding {@code offset}, ending on a batch boundary, holding no batch
     * that reaches {@code upTo} (exclusive) and at most {@code maxBytes} unless the first batch
     * alone is larger. Null when nothing in this segment qualifies. The caller owns the slice's
     * reference on the file.
     */
    Slice read(long offset, int maxBytes, long upTo) throws IOException {
        SegmentChannel file = acquire();
        boolean handedOver = false;
        try {
            long e = end; // size and next offset from the same moment (see end)
            Slice slice = new SegmentReader(file.channel(), indexes.offsets(), sizeOf(e)).slice(file, offset, maxBytes,
                    upTo, nextOffsetOf(e));
            handedOver = slice != null;
            return slice;
        } finally {
            if (!handedOver) {
                file.release();
            }
        }
    }

    /** Reports the header of every batch whose last offset is at least {@code from}, in order. */
    void forEachBatch(long from, Consumer<StoredBatch> action) throws IOException {
        int limit = size();
        SegmentChannel file = acquire();
        try {
            new SegmentReader(file.channel(), indexes.offsets(), limit).forEachBatch(from, action);
        } finally {
            file.release();
        }
    }

    /** The first record at or after {@code timestamp} and {@code minOffset}, if this segment has one. */
    Optional<TimestampOffset> findByTimestamp(long timestamp, long minOffset) throws IOException {
        if (indexes.maxTimestamp() < timestamp) {
            return Optional.empty();
        }
        TimeIndex.Entry floor = indexes.timeFloor(timestamp);
        int limit = size();
        SegmentChannel file = acquire();
        try {
            return new SegmentReader(file.channel(), indexes.offsets(), limit).findByTimestamp(timestamp, minOffset,
                    floor);
        } finally {
            file.release();
        }
    }

    /**
     * Rebuilds the indexes from the log, checking every batch (see {@link SegmentRecovery});
     * truncates at the first batch that fails. Returns the bytes truncated.
     */
    int recover(long expectedBaseOffset) throws IOException {
        return recover(expectedBaseOffset, (epoch, offset) -> { });
    }

    /** As {@link #recover(long)}, telling {@code epochs} each valid batch's leader epoch and base offset. */
    int recover(long expectedBaseOffset, EpochStarts epochs) throws IOException {
        indexes.startRebuild();
        long[] next = {Math.max(baseOffset, expectedBaseOffset)};
        FileChannel writer = logFile.writer();
        long fileSize = writer.size();
        int valid = SegmentRecovery.validPrefix(writer, fileSize, next[0], (batch, position, batchSize) -> {
            epochs.batch(batch.partitionLeaderEpoch(), batch.baseOffset());
            indexes.indexBatch(batch.baseOffset(), batch.lastOffset(), batch.maxTimestamp(), position, batchSize);
            next[0] = batch.nextOffset();
        });
        int truncated = (int) (fileSize - valid);
        if (truncated > 0) {
            logFile.truncate(valid);
        }
        end = end(valid, next[0]);
        return truncated;
    }

    /** Told of the batches recovery keeps, in offset order. */
    interface EpochStarts {
        void batch(int leaderEpoch, long baseOffset);
    }

    /**
     * Drops every batch whose last offset is at least {@code offset} (a batch holding it goes
     * whole). Returns the offset after the batches kept.
     */
    long truncateTo(long offset) throws IOException {
        FileChannel writer = logFile.writer();
        BatchHeader cut = new SegmentReader(writer, indexes.offsets(), size()).find(offset);
        if (cut == null) {
            return nextOffset();
        }
        int newSize = cut.position();
        SegmentReader.EndState kept = new SegmentReader(writer, indexes.offsets(), newSize).endFrom(0, baseOffset, -1,
                -1);
        // The smaller end is published, size and next offset at once, before the file is cut: a
        // reader that sees it reads nothing past the cut. One that read the end before (both
        // values old) and is bounded by the high watermark, at or below the cut, reads no header
        // at or past the cut either (see SegmentReader.endBelow).
        END.setRelease(this, end(newSize, kept.nextOffset()));
        indexes.setMaxTimestamp(kept);
        logFile.truncate(newSize);
        indexes.truncateTo(cut.baseOffset(), newSize);
        return kept.nextOffset();
    }

    void flush() throws IOException {
        logFile.force();
        indexes.flush();
    }

    /**
     * The segment stops being the active one: its indexes shrink to what they hold. No fsync: a
     * roll must not stall appends; durability comes from the flush policy and the recovery point.
     */
    void seal() throws IOException {
        indexes.seal();
        logFile.seal();
    }

    /** Closes; the owner flushed what was not yet durable (see {@code PartitionLog.close}). */
    void close() throws IOException {
        seal();
        logFile.release();
    }

    /** The segment's log file (its name carries the segment's state: {@code .cleaned}, {@code .deleted}). */
    Path logFilePath() {
        return logFile.path();
    }

    /** Closes a {@code .cleaned} replacement that will not be swapped in, and deletes its files. */
    void discardCleaned() throws IOException {
        close();
        for (String suffix : SegmentFiles.PER_SEGMENT) {
            Files.deleteIfExists(file(dir, baseOffset, suffix + SegmentFiles.CLEANED));
        }
    }

    /** Renames the files to {@code .deleted} so a restart ignores them; they are removed later. */
    void markDeleted() throws IOException {
        indexes.closeWriters(); // an index writes by its path, which is about to change; nothing appends here any more
        for (String suffix : SegmentFiles.PER_SEGMENT) {
            Path f = file(dir, baseOffset, suffix);
            if (Files.exists(f)) {
                Files.move(f, SegmentFiles.withSuffix(f, SegmentFiles.DELETED), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        logFile.movedTo(SegmentFiles.withSuffix(logFile.path(), SegmentFiles.DELETED));
    }

    /** Removes a segment's files without opening it (it is unreadable or unwanted). */
    static void deleteFiles(Path dir, long baseOffset) throws IOException {
        for (String suffix : SegmentFiles.PER_SEGMENT) {
            Files.deleteIfExists(file(dir, baseOffset, suffix));
        }
    }

    /** Lets go of the file (it closes when no slice uses it) and removes the files renamed by {@link #markDeleted()}. */
    void closeAndDeleteFiles() {
        try {
            logFile.releaseWriteChannel();
            indexes.closeWriters();
            logFile.release();
            for (String suffix : SegmentFiles.PER_SEGMENT) {
                // only the renamed files: a newer segment may already use the original names
                Files.deleteIfExists(file(dir, baseOffset, suffix + SegmentFiles.DELETED));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete segment " + baseOffset + " in " + dir, e);
        }
    }

    @Override
    public String toString() {
        long e = end;
        return "LogSegment(" + dir.getFileName() + "/" + baseOffset + ", " + sizeOf(e) + " bytes, next " + nextOffsetOf(e) + ")";
    }
}
