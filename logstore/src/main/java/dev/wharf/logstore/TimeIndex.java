package dev.wharf.logstore;

import java.nio.file.Path;

/**
 * Sparse time index of a segment: {@code .timeindex} files of 12-byte entries,
 *
 * <pre>
 *   int64 largest timestamp in the segment so far
 *   int32 offset of the record with that timestamp - segment base offset
 * </pre>
 *
 * appended beside offset index entries when the timestamp grew. Every record up to an entry's
 * offset has a timestamp at most the entry's. Thread-safety as {@link MappedIndex}.
 */
final class TimeIndex extends MappedIndex {
    static final int ENTRY_SIZE = 12;

    record Entry(long timestamp, long offset) {}

    TimeIndex(Path file, long baseOffset, int maxIndexBytes, boolean active) {
        super(file, baseOffset, maxIndexBytes, ENTRY_SIZE, active);
    }

    @Override
    protected long key(int slot) {
        return longAt(slot, 0);
    }

    private long offset(int slot) {
        return baseOffset + intAt(slot, 8);
    }

    void maybeAppend(long timestamp, long offset) {
        int n = entries;
        if (n > 0 && timestamp <= key(n - 1)) {
            return;
        }
        if (isFull()) {
            return;
        }
        int relative = relative(offset);
        writeEntry(n, e -> e.putLong(timestamp).putInt(relative));
        publishEntries(n + 1);
    }

    /**
     * The last entry whose timestamp is below {@code timestamp}: all records up to its offset are
     * older, so a search for the first record at or after {@code timestamp} may start past it.
     * Null when there is none.
     */
    Entry lastBefore(long timestamp) {
        int slot = floorSlot(timestamp, true);
        return slot < 0 ? null : new Entry(key(slot), offset(slot));
    }

    /** Drops entries pointing at {@code offset} or later. */
    void truncateTo(long offset) {
        int keep = 0;
        int n = entries;
        while (keep < n && offset(keep) < offset) {
            keep++;
        }
        truncateToSlot(keep);
    }
}
