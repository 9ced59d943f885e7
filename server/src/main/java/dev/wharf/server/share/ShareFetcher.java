package dev.wharf.server.share;

import dev.wharf.logstore.AbortedTxn;
import dev.wharf.logstore.ReadResult;
import dev.wharf.logstore.Slice;
import dev.wharf.server.replica.Partition;
import dev.wharf.wire.records.RecordBatch;
import dev.wharf.wire.records.RecordBatches;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Acquires records of one share-partition for a member and reads the batches holding them: first
 * records released or expired earlier (oldest first), then new records from the share-partition's
 * end offset up to the high watermark, at most {@code maxRecords} (whole batches: a batch is never
 * split, as in Kafka) and never more in flight than the record-lock limit. Control batches (and,
 * for read_committed, aborted transactions' batches) are archived, never delivered. The answer's bytes are whole batches in offset order; the consumer
 * keeps the records of the acquired ranges only.
 *
 * <p>Threads: any thread; it holds the share-partition's monitor while it acquires and reads, so
 * two members never acquire the same offsets. Stateless.
 */
final class ShareFetcher {
    /** Batches read from the log per step; a larger batch is still read whole. */
    private static final int READ_BYTES = 1 << 20;

    /** What one fetch of one share-partition got: the acquired runs and the batches holding them. */
    record Fetched(List<SharePartition.Acquired> acquired, byte[] records) {
        boolean isEmpty() {
            return acquired.isEmpty();
        }
    }

    private ShareFetcher() {}

    /** A batch read from the log, copied. */
    private record Batch(long base, long last, boolean control, boolean transactional, long producerId, byte[] bytes) {
        /** Whether the batch belongs to a transaction that was aborted (read_committed never delivers it). */
        boolean abortedIn(List<AbortedTxn> aborted) {
            if (!transactional) {
                return false;
            }
            for (AbortedTxn t : aborted) {
                if (t.producerId() == producerId && t.firstOffset() <= base && base <= t.lastOffset()) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * @param readCommitted {@code share.isolation.level=read_committed}: records only up to the last
     *     stable offset, and those of aborted transactions archived, never delivered
     */
    static Fetched acquire(SharePartition sp, Partition partition, String member, int maxRecords, int maxBytes,
            long deadlineMs, int maxLocks, boolean readCommitted) {
        synchronized (sp) {
            sp.logStartMoved(partition.logStartOffset());
            List<SharePartition.Acquired> got = new ArrayList<>(sp.acquireAvailable(member, maxRecords, deadlineMs));
            int count = count(got);
            TreeMap<Long, Batch> batches = new TreeMap<>();
            long hw = readCommitted ? partition.lastStableOffset() : partition.highWatermark();
            List<AbortedTxn> aborted = readCommitted && sp.endOffset() < hw
                    ? partition.abortedTransactions(sp.endOffset(), hw) : List.of();
            int bytes = 0;
            long before = -1;
            // each pass moves the end offset on, or stops
            while (count < maxRecords && sp.endOffset() < hw && sp.inFlightCount() < maxLocks && bytes < maxBytes
                    && sp.endOffset() != before) {
                before = sp.endOffset();
                List<Batch> read = read(partition, sp.endOffset());
                if (read.isEmpty()) {
                    break;
                }
                for (Batch b : read) {
                    if (b.last() < sp.endOffset()) {
                        continue;
                    }
                    if (b.base() >= hw || count >= maxRecords || sp.inFlightCount() >= maxLocks || bytes >= maxBytes) {
                        break;
                    }
                    if (b.control() || b.abortedIn(aborted)) {
                        sp.skip(b.base(), b.last());
                        continue;
                    }
                    List<SharePartition.Acquired> fresh = sp.acquireNew(b.base(), b.last(), member, deadlineMs);
                    got.addAll(fresh);
                    count += count(fresh);
                    batches.put(b.base(), b);
                    bytes += b.bytes().length;
                }
            }
            // the batches of re-acquired records, read again
            for (SharePartition.Acquired a : got) {
                if (covered(batches, a)) {
                    continue;
                }
                long from = a.first();
                boolean moved = true;
                while (from <= a.last() && moved) {
                    moved = false;
                    for (Batch b : read(partition, from)) {
                        if (b.base() > a.last() || b.last() < from) {
                            break;
                        }
                        if (!b.control()) {
                            batches.put(b.base(), b);
                        }
                        from = b.last() + 1;
                        moved = true;
                    }
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            batches.values().forEach(b -> out.writeBytes(b.bytes()));
            return new Fetched(merged(got), out.toByteArray());
        }
    }

    /** Adjacent runs with the same delivery count as one (one batch per record acquires one offset at a time). */
    private static List<SharePartition.Acquired> merged(List<SharePartition.Acquired> runs) {
        List<SharePartition.Acquired> out = new ArrayList<>();
        for (SharePartition.Acquired a : runs) {
            SharePartition.Acquired last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.last() + 1 == a.first() && last.deliveryCount() == a.deliveryCount()) {
                out.set(out.size() - 1, new SharePartition.Acquired(last.first(), a.last(), a.deliveryCount()));
            } else {
                out.add(a);
            }
        }
        return out;
    }

    private static boolean covered(TreeMap<Long, Batch> batches, SharePartition.Acquired a) {
        var floor = batches.floorEntry(a.first());
        return floor != null && floor.getValue().last() >= a.last();
    }

    private static int count(List<SharePartition.Acquired> runs) {
        int n = 0;
        for (SharePartition.Acquired a : runs) {
            n += (int) (a.last() - a.first() + 1);
        }
        return n;
    }

    /** The batches from the one holding {@code offset}, below the high watermark; none when nothing is there. */
    private static List<Batch> read(Partition partition, long offset) {
        ReadResult r = partition.read(offset, READ_BYTES);
        if (!(r instanceof ReadResult.Batches found)) {
            return List.of();
        }
        Slice slice = found.slice();
        ByteBuf buf = Unpooled.buffer(slice.length());
        try {
            buf.writeBytes(slice.channel(), slice.position(), slice.length());
            List<Batch> out = new ArrayList<>();
            for (RecordBatch b : RecordBatches.split(buf)) {
                ByteBuf view = b.buffer();
                byte[] bytes = new byte[view.readableBytes()];
                view.getBytes(view.readerIndex(), bytes);
                out.add(new Batch(b.baseOffset(), b.lastOffset(), b.isControl(), b.isTransactional(), b.producerId(), bytes));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + partition.topicPartition(), e);
        } finally {
            buf.release();
            slice.release();
        }
    }
}
