package dev.wharf.logstore;

import dev.wharf.wire.records.Record;
import dev.wharf.wire.records.RecordBatch;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Walks the batches of one segment's log file by their headers (see {@link BatchHeader}), entering
 * through the segment's {@link OffsetIndex}: finding the batch that holds an offset, cutting a
 * {@link Slice} on batch boundaries, reporting every header, finding a record by timestamp,
 * working out where the batches end and telling whether a batch is an abort marker. Only a
 * timestamp lookup reads records, and only of the batches it has to look into; the abort-marker
 * check reads the one batch it asks about.
 *
 * <p>A reader serves one operation of one thread: it reuses one header buffer and fixes
 * {@code limit}, the bytes of complete batches when the operation began (the segment's published
 * size, read once). The file is read with positional reads, so any number of readers run beside
 * each other and beside the appender, which never changes bytes below the published size. A
 * truncation does cut bytes below a size a reader may have read just before; a read bounded by
 * a high watermark at or below the cut (a follower cuts what is not committed) stays clear of
 * them (see {@link #endBelow}). The caller keeps the file open (holds a {@link SegmentChannel} reference, or
 * the log's append lock for the write channel) while it reads.
 */
final class SegmentReader {
    private final FileChannel ch;
    private final OffsetIndex index;
    private final int limit;
    private final ByteBuffer buf = ByteBuffer.allocate(BatchHeader.READ_SIZE);

    /** Where the batches end and the largest timestamp in them. */
    record EndState(long nextOffset, long maxTimestamp, long offsetOfMaxTimestamp) {}

    SegmentReader(FileChannel ch, OffsetIndex index, int limit) {
        this.ch = ch;
        this.index = index;
        this.limit = limit;
    }

    /**
     * The first batch whose last offset is at least {@code offset}, scanning headers from the
     * index hit; null when no batch below the limit reaches it.
     */
    BatchHeader find(long offset) throws IOException {
        int pos = index.lookup(offset).position();
        while (pos < limit) {
            BatchHeader h = BatchHeader.read(ch, pos, limit, buf);
            if (h.lastOffset() >= offset) {
                return h;
            }
            pos = h.end();
        }
        return null;
    }

    /**
     * See {@link LogSegment#read}: {@code file} is the reference the slice takes over, on the
     * channel this reader reads; {@code nextOffset} is the segment's, read with its size as one
     * value (so the batches below the limit end exactly there).
     */
    Slice slice(SegmentChannel file, long offset, int maxBytes, long upTo, long nextOffset) throws IOException {
        BatchHeader first = find(offset);
        if (first == null || first.lastOffset() >= upTo) {
            return null;
        }
        // The end is a batch boundary: before the first batch reaching upTo, and within maxBytes.
        // Both are found through the index with a few header reads, not by walking every batch.
        int end = upTo >= nextOffset ? limit : endBelow(upTo);
        long byteLimit = (long) first.position() + maxBytes;
        if (end > byteLimit) {
            end = Math.max(first.end(), lastBoundaryAtOrBefore(byteLimit, first.end()));
        }
        return new Slice(file, first.position(), end - first.position(), first.baseOffset());
    }

    /**
     * Where the batches wholly below {@code upTo} end. A batch ending right at {@code upTo} ends
     * the scan: the header after it is not read. A read bounded by the high watermark (always the
     * end of some batch) thus reads no header above it, where a truncation running meanwhile may
     * have cut the file, and appends after it may be writing new batches.
     */
    private int endBelow(long upTo) throws IOException {
        int pos = index.lookup(upTo - 1).position();
        while (pos < limit) {
            BatchHeader h = BatchHeader.read(ch, pos, limit, buf);
            if (h.lastOffset() >= upTo) {
                return h.position();
            }
            if (h.nextOffset() == upTo) {
                return h.end();
            }
            pos = h.end();
        }
        return limit;
    }

    /** The largest batch boundary at or before {@code bound}, scanning from the index entry below it. */
    private int lastBoundaryAtOrBefore(long bound, int atLeast) throws IOException {
        int pos = Math.max(atLeast, index.floorByPosition((int) Math.min(bound, Integer.MAX_VALUE)).position());
        while (pos < limit) {
            BatchHeader h = BatchHeader.read(ch, pos, limit, buf);
            if (h.end() > bound) {
                break;
            }
            pos = h.end();
        }
        return pos;
    }

    /** Reports the header of every batch whose last offset is at least {@code from}, in order. */
    void forEachBatch(long from, Consumer<StoredBatch> action) throws IOException {
        BatchHeader h = find(from);
        int pos = h == null ? limit : h.position();
        while (pos < limit) {
            h = BatchHeader.read(ch, pos, limit, buf);
            action.accept(new StoredBatch(h.baseOffset(), h.lastOffset(), h.producerId(), h.producerEpoch(),
                    h.baseSequence(), (h.attributes() & 0x10) != 0, (h.attributes() & 0x20) != 0));
            pos = h.end();
        }
    }

    /**
     * The first record at or after {@code timestamp} and {@code minOffset}, looking into batches
     * from the one holding {@code floor} (the time index entry below the timestamp; null to start
     * at the beginning).
     */
    Optional<TimestampOffset> findByTimestamp(long timestamp, long minOffset, TimeIndex.Entry floor)
            throws IOException {
        // A floor read just before a truncation can point past the limit read after it: start over.
        BatchHeader floorBatch = floor == null ? null : find(floor.offset());
        int pos = floorBatch == null ? 0 : floorBatch.position();
        while (pos < limit) {
            BatchHeader h = BatchHeader.read(ch, pos, limit, buf);
            if (h.maxTimestamp() >= timestamp) {
                for (Record r : readBatch(h).records()) {
                    if (r.timestamp() >= timestamp && r.offset() >= minOffset) {
                        return Optional.of(new TimestampOffset(r.timestamp(), r.offset()));
                    }
                }
            }
            pos = h.end();
        }
        return Optional.empty();
    }

    /**
     * Whether a batch holding {@code offset} is a control batch with an abort marker; false when
     * no batch holds it (compaction may leave gaps: the next batch is not the one asked about).
     */
    boolean isAbortMarkerAt(long offset) throws IOException {
        BatchHeader h = find(offset);
        if (h == null || h.baseOffset() > offset) {
            return false;
        }
        RecordBatch batch = copyOf(h);
        return batch != null && TransactionIndex.isAbortMarker(batch);
    }

    /** The batch as a view over a heap copy (for lookups that need its records). */
    private RecordBatch readBatch(BatchHeader h) throws IOException {
        RecordBatch batch = copyOf(h);
        if (batch == null) {
            throw new CorruptLogException("segment ends inside batch at " + h.position());
        }
        return batch;
    }

    /** The batch {@code h} heads, copied to the heap; null if the file ends inside it. */
    private RecordBatch copyOf(BatchHeader h) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(h.size());
        while (bytes.hasRemaining()) {
            if (ch.read(bytes, h.position() + bytes.position()) < 0) {
                return null;
            }
        }
        return RecordBatch.wrap(Unpooled.wrappedBuffer(bytes.flip()));
    }

    /**
     * Walks the batch headers from {@code from} to the limit, continuing from the state of the
     * batches before {@code from} (the offset after them, their largest timestamp and its offset).
     */
    EndState endFrom(int from, long next, long max, long maxAt) throws IOException {
        int pos = from;
        while (pos < limit) {
            BatchHeader h = BatchHeader.read(ch, pos, limit, buf);
            next = h.nextOffset();
            if (h.maxTimestamp() > max) {
                max = h.maxTimestamp();
                maxAt = h.lastOffset();
            }
            pos = h.end();
        }
        return new EndState(next, max, maxAt);
    }
}
