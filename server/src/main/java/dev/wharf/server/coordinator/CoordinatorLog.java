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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition of a coordinator's internal topic ({@code __consumer_offsets},
 * {@code __transaction_state}) as a key-value store: writes append records (a null
 * value deletes its key) and keep the latest value of every live key in memory.
 *
 * <p>Only the latest value per key matters, so the log is kept short the way compaction would:
 * once more than {@code compactAfterBytes} (and more than the live data) has been appended since
 * the last time, every live entry is written again at the end, and once that copy is replicated
 * (the high watermark passed it: a new leader must have it before the old records go) the log
 * start moves up to where it begins; whole segments below it are deleted. A crash half-way leaves
 * the old start in place, and replaying old records followed by part of the copy yields the same
 * values. Loading therefore reads at most about twice the live data plus {@code compactAfterBytes}.
 *
 * <p>Threads: written only by its partition's {@link PartitionWriter} (one write at a time, never
 * under a group's monitor), read by the loader before the writer exists. {@code this} guards
 * {@code live} and the byte counts.
 */
public final class CoordinatorLog {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorLog.class);
    private static final int MAX_BATCH_BYTES = 1 << 20;

    /** A key and its new value; a null value is a tombstone. */
    public record Entry(byte[] key, byte[] value) {}

    private final Partition partition;
    private final long compactAfterBytes;
    private final Map<ByteBuffer, byte[]> live = new HashMap<>();
    /** Entries written in transactions whose marker has not come yet, by producer id. */
    private final Map<Long, List<Entry>> pending = new HashMap<>();
    private long liveBytes;
    private long bytesSinceCompaction;
    /** The last record appended and the leader epoch it was appended in: what a write waits to see replicated. */
    private long lastOffset = -1;
    private int lastEpoch = -1;
    /** Where the log may start once the copy of a compaction, ending at {@code copyEnd}, is replicated; -1 when no copy waits. */
    private long compactedStart = -1;
    private long copyEnd;

    private CoordinatorLog(Partition partition, long compactAfterBytes) {
        this.partition = partition;
        this.compactAfterBytes = compactAfterBytes;
    }

    /** Replays the partition from its start (to its end: the leader has every record it wrote). */
    public static CoordinatorLog load(Partition partition, long compactAfterBytes) throws IOException {
        CoordinatorLog store = new CoordinatorLog(partition, compactAfterBytes);
        PartitionLog log = partition.log();
        long offset = log.logStartOffset();
        long end = log.logEndOffset();
        while (offset < end) {
            if (!(log.read(offset, MAX_BATCH_BYTES, end) instanceof ReadResult.Batches found)) {
                break;
            }
            Slice slice = found.slice();
            ByteBuf bytes = Unpooled.buffer(slice.length());
            try {
                bytes.writeBytes(slice.channel(), slice.position(), slice.length());
                for (RecordBatch batch : RecordBatches.split(bytes)) {
                    if (batch.isControl()) {
                        for (Record r : batch.records()) {
                            store.completeTransaction(batch.producerId(),
                                    ControlRecord.parse(r).type() == ControlRecord.Type.COMMIT);
                        }
                    } else {
                        for (Record r : batch.records()) {
                            if (r.offset() >= offset && r.key() != null) {
                                Entry e = new Entry(r.keyBytes(), r.valueBytes());
                                if (batch.isTransactional()) {
                                    store.pending.computeIfAbsent(batch.producerId(), k -> new ArrayList<>()).add(e);
                                } else {
                                    store.apply(e.key(), e.value());
                                }
                            }
                        }
                    }
                    offset = batch.nextOffset();
                }
            } finally {
                bytes.release();
                slice.release();
            }
        }
        store.bytesSinceCompaction = log.size();
        return store;
    }

    /**
     * Appends entries in a transaction of {@code producerId} (TxnOffsetCommit): stored as one
     * transactional batch and kept pending, not live, until {@link #completeTransaction} learns the
     * transaction's marker. While any is pending the log is not compacted (a copy would not carry
     * them, and the start would move past their batch).
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
            bytesSinceCompaction += batch.readableBytes();
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

    /** Everything appended so far is replicated: a compaction's copy lets the old records go. */
    public synchronized void replicated() {
        if (compactedStart < 0) {
            return;
        }
        if (partition.highWatermark() < copyEnd) {
            return; // not all of the copy is on every in-sync replica: the old records stay
        }
        try {
            partition.deleteRecordsBefore(compactedStart);
            compactedStart = -1;
        } catch (IOException | RuntimeException e) {
            log.warn("cannot move the start of {} after compaction", partition.topicPartition(), e);
        }
    }

    /** Appends the entries as one batch (all or nothing), then applies them. */
    public synchronized void write(List<Entry> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        bytesSinceCompaction += append(entries);
        entries.forEach(e -> apply(e.key(), e.value()));
        if (bytesSinceCompaction > Math.max(compactAfterBytes, liveBytes) && pending.isEmpty()) {
            try {
                compact();
            } catch (IOException | RuntimeException e) {
                // the entries are stored; the old records stay until the next write tries again
                log.warn("compacting {} failed", partition.topicPartition(), e);
            }
        }
    }


    private void compact() throws IOException {
        long copyStart = partition.logEndOffset();
        List<Entry> batch = new ArrayList<>();
        int batchBytes = 0;
        for (Entry e : entries()) {
            batch.add(e);
            batchBytes += e.key().length + e.value().length;
            if (batchBytes >= MAX_BATCH_BYTES) {
                append(batch);
                batch.clear();
                batchBytes = 0;
            }
        }
        if (!batch.isEmpty()) {
            append(batch);
        }
        compactedStart = copyStart; // the old records go once the copy is replicated (see replicated())
        copyEnd = partition.logEndOffset();
        replicated();
        bytesSinceCompaction = 0;
    }

    private int append(List<Entry> entries) throws IOException {
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE);
        long now = System.currentTimeMillis();
        for (Entry e : entries) {
            builder.append(now, e.key(), e.value(), List.of());
        }
        ByteBuf batch = builder.build();
        try {
            int size = batch.readableBytes();
            AppendOutcome.Appended appended = partition.appendAsLeader(batch);
            lastOffset = appended.lastOffset();
            lastEpoch = appended.leaderEpoch();
            return size;
        } finally {
            batch.release();
        }
    }

    private void apply(byte[] key, byte[] value) {
        ByteBuffer k = ByteBuffer.wrap(key);
        byte[] old = value == null ? live.remove(k) : live.put(k, value);
        liveBytes += (value == null ? 0 : key.length + value.length) - (old == null ? 0 : key.length + old.length);
    }
}
