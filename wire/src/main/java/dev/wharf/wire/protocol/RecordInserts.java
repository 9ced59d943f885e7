package dev.wharf.wire.protocol;

import dev.wharf.wire.records.Records;
import java.util.Arrays;

/**
 * Record sets a {@link MessageWriter} left out of its buffer: for each, the buffer offset where its
 * bytes belong (its length prefix is already written just before it). Offsets only increase.
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

    /** Bytes of all inserted record sets together. */
    public long totalBytes() {
        return totalBytes;
    }
}
