package dev.wharf.logstore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An index file of fixed-size entries sorted by key, read through a read-only memory mapping.
 * While the segment is active the file is extended to its maximum size (sparse) and entries are
 * written with positional writes; when the segment rolls or closes it is trimmed to the entries
 * written, so on a clean start the file size gives the entry count. After a crash, indexes of the
 * segments being recovered are rebuilt from the log.
 *
 * <p>Why not write through the mapping: a store to a page of a shared file mapping that is new,
 * or was just written back, faults into the file system (block allocation, write protection).
 * With many partitions that cost dominated appends (on a VM disk, about 1 ms for a new file's first
 * page and 25 µs for each further one, against 5-8 µs for a {@code pwrite}). Reads through the
 * mapping see the written bytes: both go through the same page cache.
 *
 * <p>New entries collect in a small in-memory tail and reach the file {@value #TAIL_ENTRIES} at a
 * time (and on flush, seal and close): one {@code pwrite} per entry was more than half of a produce
 * request's system calls (an entry per 4 KiB of log, two indexes). Lookups read the tail's entries
 * from it. An entry lost with the tail in a crash is like one lost with the trim: the segment's
 * indexes do not pass {@link #looksValid} and are rebuilt from the log.
 *
 * <p>A new segment's index has no file until its first entries are written out: a segment that
 * never takes {@value #TAIL_ENTRIES} entries, and is never flushed or sealed with one, has none.
 *
 * <p>Appends and truncation must be serialized by the owner (the log's append lock); lookups may
 * run concurrently and see a prefix of the entries. No index holds a file descriptor, the active
 * one neither: it opens its file for each tail it writes (one open per {@value #TAIL_ENTRIES}
 * entries). Kept open, the two indexes of every active segment tripled a broker's descriptors per
 * partition, and 10,000 partitions needed more than a 20,000-descriptor limit.
 */
abstract class MappedIndex {
    protected final long baseOffset;
    private final Path file;
    private final int entrySize;
    private final int maxEntries;
    private volatile MappedByteBuffer mmap;
    protected volatile int entries;
    /** Whether entries still go to the file (the segment is active); false once sealed. */
    private boolean writable;
    /**
     * The entries from {@code tail.firstSlot} on, not yet in the file. Replaced (never reused) once
     * written, after the write, so a lookup that finds a slot below a tail's first reads the file.
     */
    private volatile Tail tail;

    static final int TAIL_ENTRIES = 64;

    /** Entries {@code firstSlot} onwards, in the file's layout. */
    private record Tail(int firstSlot, ByteBuffer bytes) {
        Tail(int firstSlot, int entrySize) {
            this(firstSlot, ByteBuffer.allocate(TAIL_ENTRIES * entrySize));
        }
    }

    /** The tail of an index opened sealed: it never takes entries. */
    private static final ByteBuffer NO_TAIL = ByteBuffer.allocate(0);

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
        if (active && Files.notExists(file)) {
            // a new segment: the file is created with the first entries written out (most of 10,000
            // new partitions never get an entry; these two files were 2 of the 3.7 opens per new
            // partition, strace, and its only ftruncate and mmap calls)
            writable = true;
            tail = new Tail(0, entrySize);
            return;
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long existing = ch.size();
            int valid = (int) (existing / entrySize);
            if (active) {
                // extends the file (sparse) so that the mapping covers every entry still to come
                mmap = ch.map(FileChannel.MapMode.READ_ONLY, 0, (long) Math.max(maxEntries, valid) * entrySize);
                writable = true;
            } else {
                mmap = ch.map(FileChannel.MapMode.READ_ONLY, 0, (long) valid * entrySize);
            }
            entries = valid;
            tail = active ? new Tail(valid, entrySize) : new Tail(valid, NO_TAIL);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open index " + file, e);
        } finally {
            closeQuietly(ch);
        }
    }

    /** Writes entry {@code slot}, filled in by {@code fill}, into the tail; the caller then publishes it. */
    protected void writeEntry(int slot, java.util.function.Consumer<ByteBuffer> fill) {
        Tail t = tail;
        if (slot - t.firstSlot() == TAIL_ENTRIES) {
            writeTail();
            t = tail;
        }
        ByteBuffer bytes = t.bytes();
        bytes.position((slot - t.firstSlot()) * entrySize);
        fill.accept(bytes);
    }

    /** Writes the tail's entries to the file and starts an empty tail after them. */
    private void writeTail() {
        Tail t = tail;
        int n = entries - t.firstSlot();
        if (!writable || n <= 0) {
            return;
        }
        if (mmap == null) {
            createFile();
        }
        ByteBuffer out = t.bytes().duplicate().position(0).limit(n * entrySize);
        long position = (long) t.firstSlot() * entrySize;
        try (FileChannel writer = FileChannel.open(file, StandardOpenOption.WRITE)) {
            while (out.hasRemaining()) {
                position += writer.write(out, position);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write index " + file, e);
        }
        tail = new Tail(entries, entrySize);
    }

    /** Creates the file of a new active index, extended and mapped as an opened one is. */
    private void createFile() {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            mmap = ch.map(FileChannel.MapMode.READ_ONLY, 0, (long) maxEntries * entrySize);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create index " + file, e);
        }
    }

    /** Field {@code field} (a byte offset within the entry) of entry {@code slot}, from the tail or the file. */
    protected int intAt(int slot, int field) {
        Tail t = tail;
        return slot >= t.firstSlot() ? t.bytes().getInt((slot - t.firstSlot()) * entrySize + field)
                : mmap.getInt(slot * entrySize + field);
    }

    /** As {@link #intAt}, for a long field. */
    protected long longAt(int slot, int field) {
        Tail t = tail;
        return slot >= t.firstSlot() ? t.bytes().getLong((slot - t.firstSlot()) * entrySize + field)
                : mmap.getLong(slot * entrySize + field);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing was written through it
            }
        }
    }

    boolean isSealed() {
        return !writable;
    }

    int entries() {
        return entries;
    }

    boolean isFull() {
        return entries >= maxEntries;
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
        int keep = Math.max(0, Math.min(slot, entries));
        entries = keep;
        if (keep < tail.firstSlot()) {
            tail = new Tail(keep, entrySize);
        }
    }

    void clear() {
        truncateToSlot(0);
    }

    /** Makes the entries durable (for a sealed index: an fsync of the file written before it was sealed). */
    void flush() throws IOException {
        if (writable) {
            writeTail();
            if (mmap == null) {
                return; // no entry yet, and no file
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.force(false);
            }
        } else if (mmap != null) {
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

    /** Shrinks the file to the entries written and maps just those: the segment is no longer active. */
    void trimAndSeal() {
        writeTail();
        closeWriter();
        if (mmap == null) {
            return; // never took an entry: no file (an index opened sealed without one starts empty)
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long length = (long) entries * entrySize;
            ch.truncate(length);
            mmap = ch.map(FileChannel.MapMode.READ_ONLY, 0, length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot trim index " + file, e);
        }
    }

    /** Stops writing entries to the file (before its files are renamed or deleted); lookups go on. */
    void closeWriter() {
        writable = false;
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
