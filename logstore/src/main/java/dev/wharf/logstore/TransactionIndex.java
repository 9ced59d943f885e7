package dev.wharf.logstore;

import dev.wharf.wire.records.ControlRecord;
import dev.wharf.wire.records.RecordBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The aborted-transaction index of one segment, {@code <base offset>.txnindex} (as Kafka's): one
 * entry per abort marker the segment holds, in offset order, each {@value #ENTRY_SIZE} bytes,
 * big-endian:
 *
 * <pre>
 *   0       2              10               18              26                   34
 *   +-------+--------------+----------------+---------------+--------------------+
 *   |version|  producerId  |  firstOffset   |  lastOffset   |  lastStableOffset  |
 *   | int16 |    int64     |     int64      |     int64     |       int64        |
 *   +-------+--------------+----------------+---------------+--------------------+
 * </pre>
 *
 * Version is 0; {@code lastOffset} is the marker's offset (see {@link AbortedTxn}). The file
 * exists only once a segment has an entry. A torn entry at the end (a crash mid-write) is
 * ignored; an unclean shutdown rebuilds the index of every segment recovered anyway (see
 * {@link PartitionLog#open}).
 *
 * <p>Writers (append, truncation) run under the log's append lock; readers take no lock and see
 * the entries as of one moment (the list is replaced, never changed).
 */
final class TransactionIndex {
    static final int ENTRY_SIZE = 34;
    private static final short VERSION = 0;

    private final Path file;
    private volatile List<AbortedTxn> entries;
    /** Entries written since the last {@link #flush}. */
    private boolean dirty;

    /** The index in {@code file}, loaded if the file exists. */
    TransactionIndex(Path file) throws IOException {
        this.file = file;
        this.entries = Files.exists(file) ? read(file) : List.of();
    }

    private static List<AbortedTxn> read(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        List<AbortedTxn> out = new ArrayList<>();
        while (bytes.remaining() >= ENTRY_SIZE) {
            short version = bytes.getShort();
            if (version != VERSION) {
                throw new CorruptLogException("aborted transaction index " + file + ": unknown entry version " + version);
            }
            out.add(new AbortedTxn(bytes.getLong(), bytes.getLong(), bytes.getLong(), bytes.getLong()));
        }
        return List.copyOf(out);
    }

    /** Whether {@code batch} is a control batch holding an abort marker. */
    static boolean isAbortMarker(RecordBatch batch) {
        if (!batch.isControl() || batch.recordCount() == 0) {
            return false;
        }
        return ControlRecord.parse(batch.records().get(0)).type() == ControlRecord.Type.ABORT;
    }

    List<AbortedTxn> entries() {
        return entries;
    }

    /** Adds an entry for an abort marker after every one already there. */
    void append(AbortedTxn txn) throws IOException {
        List<AbortedTxn> now = entries;
        if (!now.isEmpty() && now.get(now.size() - 1).lastOffset() >= txn.lastOffset()) {
            throw new IllegalArgumentException("aborted transaction " + txn + " not after " + now.get(now.size() - 1));
        }
        ByteBuffer b = ByteBuffer.allocate(ENTRY_SIZE).putShort(VERSION).putLong(txn.producerId())
                .putLong(txn.firstOffset()).putLong(txn.lastOffset()).putLong(txn.lastStableOffset()).flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long position = (long) now.size() * ENTRY_SIZE; // over a torn entry, if any
            while (b.hasRemaining()) {
                position += ch.write(b, position);
            }
            ch.truncate(position);
        }
        List<AbortedTxn> next = new ArrayList<>(now);
        next.add(txn);
        entries = List.copyOf(next);
        dirty = true;
    }

    /** Drops the entries of markers at {@code offset} or later. */
    void truncateTo(long offset) throws IOException {
        List<AbortedTxn> now = entries;
        int keep = 0;
        while (keep < now.size() && now.get(keep).lastOffset() < offset) {
            keep++;
        }
        if (keep == now.size()) {
            return;
        }
        entries = List.copyOf(now.subList(0, keep));
        if (keep == 0) {
            Files.deleteIfExists(file);
        } else {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate((long) keep * ENTRY_SIZE);
            }
        }
    }

    /** Forgets every entry and removes the file (the index is about to be rebuilt). */
    void clear() throws IOException {
        entries = List.of();
        Files.deleteIfExists(file);
    }

    void flush() throws IOException {
        if (dirty && Files.exists(file)) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        }
        dirty = false;
    }
}
