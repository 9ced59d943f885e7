package dev.wharf.logstore;

import dev.wharf.wire.records.CorruptRecordException;
import dev.wharf.wire.records.RecordBatch;
import dev.wharf.wire.records.RecordBatches;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Batches a follower fetched from its leader, checked before {@link PartitionLog#appendAsFollower}
 * stores them as they are. {@link #parse} checks what needs no log state (outside the log's lock):
 * every batch whole, well formed and passing its CRC, offsets increasing without overlap, leader
 * epochs never decreasing. {@link #checkContinues} checks, under the lock, that they continue the
 * log. Nothing is decompressed.
 *
 * <p>A fetch response may end inside a batch (the leader cut it at the size limit): the trailing
 * bytes that do not hold a whole batch are left out. A batch whose length field cannot even hold a
 * header is corrupt, not cut short.
 */
final class FollowerBatches {
    private final ByteBuf bytes;
    private final List<RecordBatch> batches;

    private FollowerBatches(ByteBuf bytes, List<RecordBatch> batches) {
        this.bytes = bytes;
        this.batches = batches;
    }

    /**
     * The whole batches at the start of {@code records}, checked.
     *
     * @throws IllegalArgumentException {@code records} is empty, or its batches go back in offset
     *     or leader epoch (or span more offsets than a segment can index)
     * @throws CorruptRecordException there are bytes but no whole batch, or a batch is malformed or
     *     fails its CRC
     */
    static FollowerBatches parse(ByteBuf records) {
        if (!records.isReadable()) {
            throw new IllegalArgumentException("nothing to append");
        }
        int whole = wholeBatchBytes(records);
        if (whole == 0) {
            throw new CorruptRecordException("no whole record batch in " + records.readableBytes() + " bytes");
        }
        ByteBuf bytes = whole == records.readableBytes() ? records : records.slice(records.readerIndex(), whole);
        List<RecordBatch> batches = RecordBatches.split(bytes);
        long next = Long.MIN_VALUE;
        int epoch = Integer.MIN_VALUE;
        for (RecordBatch b : batches) {
            b.ensureValid();
            if (b.lastOffsetDelta() < 0) {
                throw new CorruptRecordException("batch at offset " + b.baseOffset() + " has a negative last offset delta");
            }
            if (b.baseOffset() < next) {
                throw new IllegalArgumentException("batch at offset " + b.baseOffset() + " overlaps the one before, which ends at "
                        + (next - 1));
            }
            if (b.partitionLeaderEpoch() < epoch) {
                throw new IllegalArgumentException("batch at offset " + b.baseOffset() + " has leader epoch "
                        + b.partitionLeaderEpoch() + " after epoch " + epoch);
            }
            next = b.nextOffset();
            epoch = b.partitionLeaderEpoch();
        }
        if (next - batches.get(0).baseOffset() > Integer.MAX_VALUE) {
            // a leader's fetch answer comes from one segment, which never spans that many
            throw new IllegalArgumentException("fetched batches span more offsets than one segment can index");
        }
        return new FollowerBatches(bytes, batches);
    }

    /** Bytes of the whole batches at the start of {@code records}: they stop where a batch is cut short. */
    private static int wholeBatchBytes(ByteBuf records) {
        int start = records.readerIndex();
        int end = records.writerIndex();
        int pos = start;
        while (end - pos >= RecordBatch.LOG_OVERHEAD) {
            int length = records.getInt(pos + RecordBatch.LENGTH_OFFSET);
            if (length < RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD) {
                throw new CorruptRecordException("batch at byte " + (pos - start) + " has length " + length
                        + ", too short for a batch header");
            }
            if (length > end - pos - RecordBatch.LOG_OVERHEAD) {
                break;
            }
            pos += RecordBatch.LOG_OVERHEAD + length;
        }
        return pos - start;
    }

    /**
     * Checks that the batches continue a log ending at {@code logEndOffset} whose latest leader
     * epoch is {@code latestEpoch}: the first starts at the log end (or later, past a gap left by
     * the leader's compaction) in that epoch or a newer one.
     *
     * @throws IllegalArgumentException they do not (a replication error)
     */
    void checkContinues(long logEndOffset, int latestEpoch) {
        RecordBatch first = batches.get(0);
        if (first.baseOffset() < logEndOffset) {
            throw new IllegalArgumentException("fetched batches start at offset " + first.baseOffset()
                    + ", before the log end " + logEndOffset);
        }
        if (first.partitionLeaderEpoch() < latestEpoch) {
            throw new IllegalArgumentException("fetched batch at offset " + first.baseOffset() + " has leader epoch "
                    + first.partitionLeaderEpoch() + ", older than the log's latest epoch " + latestEpoch);
        }
    }

    /** The whole batches' bytes, to be written as they are. */
    ByteBuf bytes() {
        return bytes;
    }

    /** Views of the batches over {@link #bytes()}, in offset order. */
    List<RecordBatch> batches() {
        return batches;
    }
}
