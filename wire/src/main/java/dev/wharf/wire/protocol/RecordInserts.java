package dev.wharf.wire.protocol;

import dev.wharf.wire.records.BufferRecords;
import dev.wharf.wire.records.Records;
import java.util.Arrays;

/**
 * Record sets a {@link MessageWriter} left out of its buffer: for each, the buffer offset where its
 * bytes belong (its length prefix is already written just before it). Offsets only increase.
 * In-memory record sets are retained until {@link #release()}, so they outlive the request that
 * produced them for as long as the response needs them.
 */
public final class RecordInserts {
    private int[] offsets = new int[8];
    private Records[] records = new Records[8];
    private int count;
    private long totalBytes;

    void add(int offset, Records r) {
        if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, count * 2);
            records = Arrays.copyOf(records, count * 2);
        }
        if (r instanceof BufferRecords b) {
            b.buffer().retain();
        }
        offsets[count] = offset;
        records[count] = r;
        count++;
        totalBytes += r.sizeInBytes();
    }

    public int count() {
        return count;
    }

    public int offset(int i) {
        return offsets[i];
    }

    public Records records(int i) {
        return records[i];
    }

    /** Releases the in-memory record sets retained when they were added. */
    public void release() {
        for (int i = 0; i < count; i++) {
            if (records[i] instanceof BufferRecords b) {
                b.buffer().release();
            }
            records[i] = null;
        }
        count = 0;
        totalBytes = 0;
    }

    /** Bytes of all inserted record sets together. */
    public long totalBytes() {
        return totalBytes;
    }
}
