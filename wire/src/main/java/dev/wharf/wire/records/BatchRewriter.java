package dev.wharf.wire.records;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.OptionalLong;

/**
 * Rewrites a stored batch keeping some of its records, as the log cleaner does. Everything a
 * client, a follower or a producer-state rebuild reads from the header stays as it was: base
 * offset and last offset delta (so the last sequence stays derivable), producer id, epoch and
 * base sequence, the transactional and control flags, the leader epoch, the timestamp type and
 * the codec. Records keep their offsets and timestamps.
 */
public final class BatchRewriter {
    private BatchRewriter() {}

    /**
     * A batch of {@code kept} (records of {@code original}, in order, at least one). When
     * {@code newHorizonMs} is present and the original has no delete horizon yet, the rewrite
     * carries that one (KIP-534); an original horizon is always kept.
     */
    public static ByteBuf retained(RecordBatch original, List<Record> kept, OptionalLong newHorizonMs) {
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("no record kept: use empty()");
        }
        long base = original.baseOffset();
        RecordBatchBuilder b = new RecordBatchBuilder(original.compression())
                .baseOffset(base)
                .partitionLeaderEpoch(original.partitionLeaderEpoch())
                .timestampType(original.timestampType())
                .producer(original.producerId(), original.producerEpoch(), original.baseSequence())
                .transactional(original.isTransactional())
                .control(original.isControl())
                .lastOffsetDelta(original.lastOffsetDelta());
        OptionalLong horizon = original.hasDeleteHorizon() ? original.deleteHorizonMs() : newHorizonMs;
        if (horizon.isPresent()) {
            b.deleteHorizonMs(horizon.getAsLong());
        }
        for (Record r : kept) {
            b.appendWithOffsetDelta(Math.toIntExact(r.offset() - base), r.timestamp(), r.keyBytes(), r.valueBytes(),
                    r.headers());
        }
        return b.build();
    }

    /**
     * The header of {@code original} with no records: a batch the cleaner keeps only for its
     * offsets and producer fields (the last batch of an active producer, or of a cleaned
     * segment). Its timestamps are the original's max timestamp; it is never compressed.
     */
    public static ByteBuf empty(RecordBatch original) {
        ByteBuf out = Unpooled.buffer(RecordBatch.HEADER_SIZE, RecordBatch.HEADER_SIZE);
        out.writerIndex(RecordBatch.HEADER_SIZE);
        int attributes = original.attributes()
                & (RecordBatch.TIMESTAMP_TYPE_MASK | RecordBatch.TRANSACTIONAL_FLAG | RecordBatch.CONTROL_FLAG);
        out.setLong(RecordBatch.BASE_OFFSET_OFFSET, original.baseOffset());
        out.setInt(RecordBatch.LENGTH_OFFSET, RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD);
        out.setInt(RecordBatch.PARTITION_LEADER_EPOCH_OFFSET, original.partitionLeaderEpoch());
        out.setByte(RecordBatch.MAGIC_OFFSET, RecordBatch.MAGIC);
        out.setShort(RecordBatch.ATTRIBUTES_OFFSET, attributes);
        out.setInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, original.lastOffsetDelta());
        out.setLong(RecordBatch.BASE_TIMESTAMP_OFFSET, original.maxTimestamp());
        out.setLong(RecordBatch.MAX_TIMESTAMP_OFFSET, original.maxTimestamp());
        out.setLong(RecordBatch.PRODUCER_ID_OFFSET, original.producerId());
        out.setShort(RecordBatch.PRODUCER_EPOCH_OFFSET, original.producerEpoch());
        out.setInt(RecordBatch.BASE_SEQUENCE_OFFSET, original.baseSequence());
        out.setInt(RecordBatch.RECORD_COUNT_OFFSET, 0);
        out.setInt(RecordBatch.CRC_OFFSET, (int) RecordBatch.crc32c(out, RecordBatch.ATTRIBUTES_OFFSET,
                RecordBatch.HEADER_SIZE - RecordBatch.ATTRIBUTES_OFFSET));
        return out;
    }
}
