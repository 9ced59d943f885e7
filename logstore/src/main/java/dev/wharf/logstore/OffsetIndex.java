package dev.wharf.logstore;

import java.nio.file.Path;

/**
 * Sparse offset index of a segment: {@code .index} files of 8-byte entries,
 *
 * <pre>
 *   int32 offset - segment base offset   (the first offset of a batch)
 *   int32 file position of that batch
 * </pre>
 *
 * one per {@code index.interval.bytes} of log, in increasing order. A lookup gives the position
 * from which to scan batch headers for an offset. Thread-safety as {@link MappedIndex}.
 */
final class OffsetIndex extends MappedIndex {
    static final int ENTRY_SIZE = 8;

    /** An index hit: scanning from {@code position} reaches the batch holding the offset. */
    record Entry(long offset, int position) {}

    OffsetIndex(Path file, long baseOffset, int maxIndexBytes, boolean active) {
        super(file, baseOffset, maxIndexBytes, ENTRY_SIZE, active);
    }

    @Override
    protected long key(int slot) {
        return baseOffset + intAt(slot, 0);
    }

    private int position(int slot) {
        return intAt(slot, 4);
    }

    void append(long offset, int position) {
        int n = entries;
        if (n > 0 && offset <= key(n - 1)) {
            throw new IllegalStateException("index entry " + offset + " after " + key(n - 1));
        }
        int relative = relative(offset);
        writeEntry(n, e -> e.putInt(relative).putInt(position));
        publishEntries(n + 1);
    }

    /** The last entry at or before {@code offset}; the segment start when there is none. */
    Entry lookup(long offset) {
        int slot = floorSlot(offset, false);
        return slot < 0 ? new Entry(baseOffset, 0) : new Entry(key(slot), position(slot));
    }

    /** The last entry whose batch starts at or before file position {@code position}; the segment start if none. */
    Entry floorByPosition(int position) {
        int lo = 0;
        int hi = entries - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (position(mid) <= position) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? new Entry(baseOffset, 0) : new Entry(key(found), position(found));
    }

    /** The last entry, or the segment start. */
    Entry last() {
        int n = entries;
        return n == 0 ? new Entry(baseOffset, 0) : new Entry(key(n - 1), position(n - 1));
    }

    /** Drops the entries for batches at or after {@code offset}. */
    void truncateTo(long offset) {
        truncateToSlot(floorSlot(offset, true) + 1);
    }
}
