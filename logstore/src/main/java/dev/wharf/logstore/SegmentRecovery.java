package dev.wharf.logstore;

import dev.wharf.wire.records.RecordBatch;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The checked walk of recovery over a segment's log file, which after a crash may end in the
 * remains of writes cut short. Every batch is checked whole: its length fits the file, it parses
 * (magic v2, length field, record count), its CRC-32C holds, its base offset is at least the
 * previous batch's next offset and its last offset delta is not negative. The walk
 * stops at the first batch that fails; the caller cuts the file there (see
 * {@link LogSegment#recover}). Unlike {@link SegmentReader} it trusts nothing, not even the
 * headers, and reads the whole file, sequentially, through a window of up to 1 MiB.
 *
 * <p>Runs where the segment's writer runs: on open, before the log is visible, or under the log's
 * append lock.
 */
final class SegmentRecovery {
    private static final int WINDOW_BYTES = 1 << 20;

    /** Told of every batch that passed, in file order; the view is valid during the call only. */
    @FunctionalInterface
    interface ValidBatch {
        void accept(RecordBatch batch, int position, int size);
    }

    private SegmentRecovery() {}

    /**
     * Checks the batches of the first {@code fileSize} bytes of {@code ch}, the first of which
     * must start at {@code nextOffset} or later; returns the bytes of the batches that passed.
     */
    static int validPrefix(FileChannel ch, long fileSize, long nextOffset, ValidBatch onValid) throws IOException {
        FileWindow window = new FileWindow(ch, fileSize, WINDOW_BYTES);
        long next = nextOffset;
        int valid = 0;
        while (valid < fileSize) {
            ByteBuffer head = window.get(valid, RecordBatch.LOG_OVERHEAD);
            if (head == null) {
                break;
            }
            int length = head.getInt(RecordBatch.LENGTH_OFFSET);
            if (length < RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD
                    || length > fileSize - valid - RecordBatch.LOG_OVERHEAD) {
                break;
            }
            int batchSize = length + RecordBatch.LOG_OVERHEAD;
            RecordBatch batch;
            try {
                batch = RecordBatch.wrap(Unpooled.wrappedBuffer(window.get(valid, batchSize)));
            } catch (RuntimeException e) {
                break;
            }
            if (!batch.isValid() || batch.baseOffset() < next || batch.lastOffsetDelta() < 0) {
                break;
            }
            onValid.accept(batch, valid, batchSize);
            next = batch.nextOffset();
            valid += batchSize;
        }
        return valid;
    }
}
