package dev.wharf.wire.records;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a record set, such as the bytes of one Produce partition, into its batches. The set must
 * end on a batch boundary (true of Produce data and of Wharf's own log slices).
 */
public final class RecordBatches {
    private RecordBatches() {}

    /**
     * Every batch in the readable bytes of {@code records}, as views (no copies). Each length is
     * checked against the bytes that remain; a record set that does not end on a batch boundary
     * is corrupt. CRCs are not checked here.
     */
    public static List<RecordBatch> split(ByteBuf records) {
        int readable = records.readableBytes();
        if (readable >= RecordBatch.LOG_OVERHEAD
                && records.getInt(records.readerIndex() + RecordBatch.LENGTH_OFFSET) == readable - RecordBatch.LOG_OVERHEAD) {
            return List.of(RecordBatch.wrap(records)); // the common case: one batch, no slice needed
        }
        List<RecordBatch> out = new ArrayList<>(2);
        int index = records.readerIndex();
        int end = records.writerIndex();
        while (index < end) {
            int remaining = end - index;
            if (remaining < RecordBatch.LOG_OVERHEAD) {
                throw new CorruptRecordException(remaining + " trailing bytes do not hold a batch header");
            }
            int length = records.getInt(index + RecordBatch.LENGTH_OFFSET);
            if (length < RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD || length > remaining - RecordBatch.LOG_OVERHEAD) {
                throw new CorruptRecordException("batch at byte " + (index - records.readerIndex()) + " has length "
                        + length + " with " + (remaining - RecordBatch.LOG_OVERHEAD) + " bytes left");
            }
            int size = length + RecordBatch.LOG_OVERHEAD;
            out.add(RecordBatch.wrap(records.slice(index, size)));
            index += size;
        }
        return out;
    }
}
