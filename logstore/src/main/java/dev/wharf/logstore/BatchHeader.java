package dev.wharf.logstore;

import dev.wharf.wire.records.RecordBatch;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The fields of a stored batch's header that reads and lookups need, read with one positional
 * read without touching the records.
 */
record BatchHeader(int position, long baseOffset, long lastOffset, int size, long maxTimestamp, long producerId,
        short producerEpoch, int baseSequence, short attributes) {
    /** Bytes read per header: the whole fixed header, up to the record count. */
    static final int READ_SIZE = RecordBatch.RECORDS_OFFSET;

    int end() {
        return position + size;
    }

    long nextOffset() {
        return lastOffset + 1;
    }

    /**
     * Reads the header of the batch at {@code position}; {@code limit} is where the valid data of
     * the file ends. The caller reuses {@code buf} (at least {@link #READ_SIZE} bytes).
     */
    static BatchHeader read(FileChannel channel, int position, int limit, ByteBuffer buf) throws IOException {
        if (limit - position < READ_SIZE) {
            throw new CorruptLogException("batch header at " + position + " runs past the end of the segment (" + limit + ")");
        }
        buf.clear().limit(READ_SIZE);
        int done = 0;
        while (done < READ_SIZE) {
            int n = channel.read(buf, position + done);
            if (n < 0) {
                throw new EOFException("segment ends inside the batch header at " + position);
            }
            done += n;
        }
        long baseOffset = buf.getLong(RecordBatch.BASE_OFFSET_OFFSET);
        int size = buf.getInt(RecordBatch.LENGTH_OFFSET) + RecordBatch.LOG_OVERHEAD;
        if (size < RecordBatch.HEADER_SIZE || size > limit - position) {
            throw new CorruptLogException("batch at " + position + " has size " + size + " with " + (limit - position) + " bytes left");
        }
        long lastOffset = baseOffset + buf.getInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET);
        return new BatchHeader(position, baseOffset, lastOffset, size, buf.getLong(RecordBatch.MAX_TIMESTAMP_OFFSET),
                buf.getLong(RecordBatch.PRODUCER_ID_OFFSET), buf.getShort(RecordBatch.PRODUCER_EPOCH_OFFSET),
                buf.getInt(RecordBatch.BASE_SEQUENCE_OFFSET), buf.getShort(RecordBatch.ATTRIBUTES_OFFSET));
    }
}
