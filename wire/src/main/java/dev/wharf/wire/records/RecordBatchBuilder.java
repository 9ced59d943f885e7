package dev.wharf.wire.records;

import dev.wharf.wire.protocol.MessageWriter;
import dev.wharf.wire.protocol.Sizes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds one magic v2 record batch (see {@link RecordBatch} for the layout). Records get offset
 * deltas 0, 1, 2, ... in append order. Not thread-safe; one builder builds one batch.
 */
public final class RecordBatchBuilder {
    private final CompressionType compression;
    private final ByteBuf records = Unpooled.buffer(256);
    private final MessageWriter writer = new MessageWriter(records);
    private long baseOffset;
    private int partitionLeaderEpoch = -1;
    private TimestampType timestampType = TimestampType.CREATE_TIME;
    private long producerId = -1;
    private short producerEpoch = -1;
    private int baseSequence = -1;
    private boolean transactional;
    private boolean control;
    private int count;
    private long baseTimestamp;
    private long maxTimestamp = -1;
    private int lastOffsetDelta = -1;
    private int endOffsetDelta = -1;
    private boolean deleteHorizon;

    public RecordBatchBuilder(CompressionType compression) {
        this.compression = compression;
    }

    public RecordBatchBuilder baseOffset(long v) {
        this.baseOffset = v;
        return this;
    }

    public RecordBatchBuilder partitionLeaderEpoch(int v) {
        this.partitionLeaderEpoch = v;
        return this;
    }

    public RecordBatchBuilder timestampType(TimestampType v) {
        this.timestampType = v;
        return this;
    }

    /** Idempotent producer identity of the batch: producer id, epoch and first sequence. */
    public RecordBatchBuilder producer(long id, short epoch, int firstSequence) {
        this.producerId = id;
        this.producerEpoch = epoch;
        this.baseSequence = firstSequence;
        return this;
    }

    public RecordBatchBuilder transactional(boolean v) {
        this.transactional = v;
        return this;
    }

    public RecordBatchBuilder control(boolean v) {
        this.control = v;
        return this;
    }

    /**
     * Makes the batch span offset deltas up to {@code delta} even when its last records are gone:
     * the log cleaner keeps a rewritten batch's offsets so its producer's last sequence stays
     * {@code baseSequence + lastOffsetDelta}. At least the delta of the last record appended.
     */
    public RecordBatchBuilder lastOffsetDelta(int delta) {
        this.endOffsetDelta = delta;
        return this;
    }

    /**
     * Marks the batch with a delete horizon (KIP-534, attribute bit 6): its tombstones and
     * transaction markers may be removed once the broker's clock passes {@code horizonMs}. The
     * horizon is stored as the base timestamp; record timestamps keep their values (their deltas
     * may be negative). Set before the first append.
     */
    public RecordBatchBuilder deleteHorizonMs(long horizonMs) {
        if (count > 0) {
            throw new IllegalStateException("the delete horizon is the base timestamp: set it before appending");
        }
        this.deleteHorizon = true;
        this.baseTimestamp = horizonMs;
        return this;
    }

    public int count() {
        return count;
    }

    /** Appends a record at the next offset delta. Key, value and header values may be null. */
    public RecordBatchBuilder append(long timestamp, byte[] key, byte[] value, List<Header> headers) {
        return appendWithOffsetDelta(count, timestamp, key, value, headers);
    }

    /** Appends a record at an explicit offset delta; deltas must increase. */
    public RecordBatchBuilder appendWithOffsetDelta(
            int offsetDelta, long timestamp, byte[] key, byte[] value, List<Header> headers) {
        if (offsetDelta <= lastOffsetDelta) {
            throw new IllegalArgumentException("offset delta " + offsetDelta + " after " + lastOffsetDelta);
        }
        if (count == 0 && !deleteHorizon) {
            baseTimestamp = timestamp;
        }
        long timestampDelta = timestamp - baseTimestamp;
        byte[][] headerKeys = new byte[headers.size()][];
        int bodySize = 1 + Sizes.varlong(timestampDelta) + Sizes.varint(offsetDelta)
                + lengthPrefixed(key) + lengthPrefixed(value) + Sizes.varint(headers.size());
        for (int i = 0; i < headerKeys.length; i++) {
            headerKeys[i] = headers.get(i).key().getBytes(StandardCharsets.UTF_8);
            bodySize += lengthPrefixed(headerKeys[i]) + lengthPrefixed(headers.get(i).value());
        }
        writer.writeVarint(bodySize);
        writer.writeByte((byte) 0);
        writer.writeVarlong(timestampDelta);
        writer.writeVarint(offsetDelta);
        writeLengthPrefixed(key);
        writeLengthPrefixed(value);
        writer.writeVarint(headers.size());
        for (int i = 0; i < headerKeys.length; i++) {
            writeLengthPrefixed(headerKeys[i]);
            writeLengthPrefixed(headers.get(i).value());
        }
        count++;
        lastOffsetDelta = offsetDelta;
        maxTimestamp = Math.max(maxTimestamp, timestamp);
        return this;
    }

    private static int lengthPrefixed(byte[] b) {
        return b == null ? Sizes.varint(-1) : Sizes.varint(b.length) + b.length;
    }

    private void writeLengthPrefixed(byte[] b) {
        if (b == null) {
            writer.writeVarint(-1);
        } else {
            writer.writeVarint(b.length);
            records.writeBytes(b);
        }
    }

    /** The finished batch, CRC included, in a new heap buffer. */
    public ByteBuf build() {
        if (count == 0) {
            throw new IllegalStateException("a record batch needs at least one record");
        }
        ByteBuf out = Unpooled.buffer(RecordBatch.HEADER_SIZE + records.readableBytes() + 64);
        out.writerIndex(RecordBatch.HEADER_SIZE);
        if (compression == CompressionType.NONE) {
            out.writeBytes(records, records.readerIndex(), records.readableBytes());
        } else {
            try (OutputStream z = compression.compressing(new ByteBufOutputStream(out))) {
                records.getBytes(records.readerIndex(), z, records.readableBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (endOffsetDelta >= 0 && endOffsetDelta < lastOffsetDelta) {
            throw new IllegalStateException("last offset delta " + endOffsetDelta + " below record delta " + lastOffsetDelta);
        }
        int attributes = compression.id
                | (timestampType == TimestampType.LOG_APPEND_TIME ? RecordBatch.TIMESTAMP_TYPE_MASK : 0)
                | (transactional ? RecordBatch.TRANSACTIONAL_FLAG : 0)
                | (control ? RecordBatch.CONTROL_FLAG : 0)
                | (deleteHorizon ? RecordBatch.DELETE_HORIZON_FLAG : 0);
        out.setLong(RecordBatch.BASE_OFFSET_OFFSET, baseOffset);
        out.setInt(RecordBatch.LENGTH_OFFSET, out.writerIndex() - RecordBatch.LOG_OVERHEAD);
        out.setInt(RecordBatch.PARTITION_LEADER_EPOCH_OFFSET, partitionLeaderEpoch);
        out.setByte(RecordBatch.MAGIC_OFFSET, RecordBatch.MAGIC);
        out.setShort(RecordBatch.ATTRIBUTES_OFFSET, attributes);
        out.setInt(RecordBatch.LAST_OFFSET_DELTA_OFFSET, Math.max(lastOffsetDelta, endOffsetDelta));
        out.setLong(RecordBatch.BASE_TIMESTAMP_OFFSET, baseTimestamp);
        out.setLong(RecordBatch.MAX_TIMESTAMP_OFFSET, maxTimestamp);
        out.setLong(RecordBatch.PRODUCER_ID_OFFSET, producerId);
        out.setShort(RecordBatch.PRODUCER_EPOCH_OFFSET, producerEpoch);
        out.setInt(RecordBatch.BASE_SEQUENCE_OFFSET, baseSequence);
        out.setInt(RecordBatch.RECORD_COUNT_OFFSET, count);
        long crc = RecordBatch.crc32c(out, RecordBatch.ATTRIBUTES_OFFSET, out.writerIndex() - RecordBatch.ATTRIBUTES_OFFSET);
        out.setInt(RecordBatch.CRC_OFFSET, (int) crc);
        return out;
    }
}
