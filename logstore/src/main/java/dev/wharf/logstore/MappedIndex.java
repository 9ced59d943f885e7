package dev.wharf.logstore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A memory-mapped index file of fixed-size entries sorted by key. While the segment is active the
 * file is preallocated to its maximum size and mapped read-write; when the segment rolls or closes
 * it is trimmed to the entries written, so on a clean start the file size gives the entry count.
 * After a crash, indexes of the segments being recovered are rebuilt from the log.
 *
 * <p>Appends and truncation must be serialized by the owner (the log's append lock); lookups may
 * run concurrently and see a prefix of the entries. The buffer needs no file descriptor once
 * mapped.
 */
abstract class MappedIndex {
    protected final long baseOffset;
    private final Path file;
    private final int entrySize;
    private final int maxEntries;
    protected volatile MappedByteBuffer mmap;
    protected volatile int entries;

    /** Appends publish the entry count with a release store (see {@link #publishEntries}). */
    private static final VarHandle ENTRIES;

    static {
        try {
            ENTRIES = MethodHandles.lookup().findVarHandle(MappedIndex.class, "entries", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Makes a just-written entry visible to lock-free lookups, after its bytes. */
    protected void publishEntries(int n) {
        ENTRIES.setRelease(this, n);
    }

    MappedIndex(Path file, long baseOffset, int maxIndexBytes, int entrySize, boolean active) {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        this.maxEntries = active ? maxIndexBytes / entrySize : 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            long existing = ch.size();
            int valid = (int) (existing / entrySize);
            if (active) {
                long mapped = (long) Math.max(maxEntries, valid) * entrySize;
                mmap = ch.map(FileChannel.MapMode.READ_WRITE, 0, mapped);
            } else {
                mmap = ch.map(FileChannel.MapMode.READ_ONLY, 0, (long) valid * entrySize);
            }
            entries = valid;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open index " + file, e);
        }
    }

    boolean isSealed() {
        return mmap.isReadOnly();
    }

    int entries() {
        return entries;
    }

    boolean isFull() {
        return entries >= maxEntries;
    }

    protected int slotPosition(int slot) {
        return slot * entrySize;
    }

    /** The key (offset or timestamp) of a slot. */
    protected abstract long key(int slot);

    /**
     * The last slot whose key is at most {@code target} ({@code strict}: below it), or -1. A binary
     * search over the entries visible when it starts.
     */
    protected int floorSlot(long target, boolean strict) {
        int lo = 0;
        int hi = entries - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long k = key(mid);
            if (strict ? k < target : k <= target) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Drops entries from {@code slot} on. */
    protected void truncateToSlot(int slot) {
        entries = Math.max(0, Math.min(slot, entries));
    }

    void clear() {
        entries = 0;
    }

    /** Makes the entries durable (for a sealed index: an fsync of the file written through the old mapping). */
    void flush() throws IOException {
        if (!mmap.isReadOnly()) {
            mmap.force();
        } else {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                ch.force(true);
            }
        }
    }

    /**
     * Whether the entries look like what this class writes: keys strictly increasing (a file that
     * lost its trim in a power failure ends in zeroed entries, which are not).
     */
    boolean looksValid() {
        for (int i = 1; i < entries; i++) {
            if (key(i) <= key(i - 1)) {
                return false;
            }
        }
        return true;
    }

    /** Shrinks the file to the entries written and maps it read-only: the segment is no longer active. */
    void trimAndSeal() {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long length = (long) entries * entrySize;
            ch.truncate(length);
            mmap = ch.map(FileChannel.MapMode.READ_ONLY, 0, length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot trim index " + file, e);
        }
    }

    void deleteFile() throws IOException {
        Files.deleteIfExists(file);
    }

    Path file() {
        return file;
    }

    protected int relative(long offset) {
        long rel = offset - baseOffset;
        if (rel < 0 || rel > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("offset " + offset + " is not within segment " + baseOffset);
        }
        return (int) rel;
    }
}
