package dev.wharf.server.coordinator;

import dev.wharf.logstore.PartitionLog;
import dev.wharf.server.replica.AppendOutcome;
import dev.wharf.server.replica.Partition;
import dev.wharf.logstore.ReadResult;
import dev.wharf.logstore.Slice;
import dev.wharf.wire.records.CompressionType;
import dev.wharf.wire.records.ControlRecord;
import dev.wharf.wire.records.Record;
import dev.wharf.wire.records.RecordBatch;
import dev.wharf.wire.records.RecordBatchBuilder;
import dev.wharf.wire.records.RecordBatches;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One partition of a coordinator's internal topic ({@code __consumer_offsets},
 * {@code __transaction_state}) as a key-value store: writes append records (a null
 * value deletes its key) and keep the latest value of every live key in memory.
 *
 * <p>Only the latest value per key matters: the topic is compacted ({@code cleanup.policy=compact}),
 * so the log cleaner keeps it short, as for any compacted topic, and tombstones go after
 * {@code delete.retention.ms}. Loading replays whatever the cleaner left, from the log start.
 *
 * <p>Threads: written only by its partition's {@link PartitionWriter} (one write at a time, never
 * under a group's monitor), read by the loader before the writer exists. {@code this} guards
 * {@code live} and the byte counts.
 */
public final class CoordinatorLog {
    private static final int MAX_BATCH_BYTES = 1 << 20;

    /** A key and its new value; a null value is a tombstone. */
    public record Entry(byte[] key, byte[] value) {}

    private final Partition partition;
    private final Map<ByteBuffer, byte[]> live = new HashMap<>();
    /** Entries written in transactions whose marker has not come yet, by producer id. */
    private final Map<Long, List<Entry>> pending = new HashMap<>();
    /** The last record appended and the leader epoch it was appended in: what a write waits to see replicated. */
    private long lastOffset = -1;
    private int lastEpoch = -1;

    private CoordinatorLog(Partition partition) {
        this.partition = partition;
    }

    /** Replays the partition from its start (to its end: the leader has every record it wrote). */
    public static CoordinatorLog load(Partition partition) throws IOException {
        return load(partition, partition.log().logEndOffset());
    }

    /** Replays the partition from its start up to {@code end} (a follower: its high watermark, what is committed). */
    public static CoordinatorLog load(Partition partition, long end) throws IOException {
        CoordinatorLog store = new CoordinatorLog(partition);
        scan(partition, partition.log().logStartOffset(), end, (batch, from) -> {
            if (batch.isControl()) {
                for (Record r : batch.records()) {
                    store.completeTransaction(batch.producerId(), ControlRecord.parse(r).type() == ControlRecord.Type.COMMIT);
                }
                return;
            }
            for (Record r : batch.records()) {
                if (r.offset() >= from && r.key() != null) {
                    Entry e = new Entry(r.keyBytes(), r.valueBytes());
                    if (batch.isTransactional()) {
                        store.pending.computeIfAbsent(batch.producerId(), k -> new ArrayList<>()).add(e);
                    } else {
                        store.apply(e.key(), e.value());
                    }
                }
            }
        });
        return store;
    }

    /**
     * The keyed records of plain (non-transactional) batches from {@code from} up to {@code end}, in
     * log order: what a follower of a log written without transactions applies next.
     */
    public static List<Entry> plainEntries(Partition partition, long from, long end) throws IOException {
        List<Entry> out = new ArrayList<>();
        scan(partition, from, end, (batch, start) -> {
            if (!batch.isControl() && !batch.isTransactional()) {
                for (Record r : batch.records()) {
                    if (r.offset() >= start && r.offset() < end && r.key() != null) {
                        out.add(new Entry(r.keyBytes(), r.valueBytes()));
                    }
                }
            }
        });
        return out;
    }

    /** Sees one batch read from the log; {@code from} is where the read began (the first batch may start before it). */
    private interface BatchVisitor {
        void visit(RecordBatch batch, long from);
    }

    private static void scan(Partition partition, long from, long end, BatchVisitor visitor) throws IOException {
        PartitionLog log = partition.log();
        long offset = from;
        while (offset < end) {
            if (!(log.read(offset, MAX_BATCH_BYTES, end) instanceof ReadResult.Batches found)) {
                break;
            }
            Slice slice = found.slice();
            ByteBuf bytes = Unpooled.buffer(slice.length());
            try {
                bytes.writeBytes(slice.channel(), slice.position(), slice.length());
                for (RecordBatch batch : RecordBatches.split(bytes)) {
                    visitor.visit(batch, offset);
                    offset = batch.nextOffset();
                }
            } finally {
                bytes.release();
                slice.release();
            }
        }
    }

    /**
     * Appends entries in a transaction of {@code producerId} (TxnOffsetCommit): stored as one
     * transactional batch and kept pending, not live, until {@link #completeTransaction} learns the
     * transaction's marker.
     */
    public synchronized void writeTransactional(long producerId, short producerEpoch, List<Entry> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE).producer(producerId, producerEpoch, -1)
                .transactional(true);
        long now = System.currentTimeMillis();
        for (Entry e : entries) {
            builder.append(now, e.key(), e.value(), List.of());
        }
        ByteBuf batch = builder.build();
        try {
            AppendOutcome.Appended appended = partition.appendAsLeader(batch);
            lastOffset = appended.lastOffset();
            lastEpoch = appended.leaderEpoch();
        } finally {
            batch.release();
        }
        pending.computeIfAbsent(producerId, k -> new ArrayList<>()).addAll(entries);
    }

    /**
     * The transaction of {@code producerId} ended (its marker is in the log): on commit its pending
     * entries become live; returns them (nothing on abort, or when none were pending).
     */
    public synchronized List<Entry> completeTransaction(long producerId, boolean commit) {
        List<Entry> entries = pending.remove(producerId);
        if (entries == null || !commit) {
            return List.of();
        }
        entries.forEach(e -> apply(e.key(), e.value()));
        return entries;
    }

    /** The entries of transactions still open, by producer id (a copy). */
    public synchronized Map<Long, List<Entry>> pendingTransactions() {
        Map<Long, List<Entry>> out = new HashMap<>();
        pending.forEach((pid, entries) -> out.put(pid, List.copyOf(entries)));
        return out;
    }

    /** Every live key and its value (a copy). */
    public synchronized List<Entry> entries() {
        List<Entry> out = new ArrayList<>(live.size());
        live.forEach((k, v) -> out.add(new Entry(k.array(), v)));
        return out;
    }

    /** The last record appended (-1 before any) and its leader epoch. */
    public synchronized long lastOffset() {
        return lastOffset;
    }

    public synchronized int lastEpoch() {
        return lastEpoch;
    }

    public Partition partition() {
        return partition;
    }

    /** Appends the entries as one batch (all or nothing), then applies them. */
    public synchronized void write(List<Entry> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        append(entries);
        entries.forEach(e -> apply(e.key(), e.value()));
    }


    private void append(List<Entry> entries) throws IOException {
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE);
        long now = System.currentTimeMillis();
        for (Entry e : entries) {
            builder.append(now, e.key(), e.value(), List.of());
        }
        ByteBuf batch = builder.build();
        try {
            AppendOutcome.Appended appended = partition.appendAsLeader(batch);
            lastOffset = appended.lastOffset();
            lastEpoch = appended.leaderEpoch();
        } finally {
            batch.release();
        }
    }

    private void apply(byte[] key, byte[] value) {
        ByteBuffer k = ByteBuffer.wrap(key);
        if (value == null) {
            live.remove(k);
        } else {
            live.put(k, value);
        }
    }
}
