package dev.wharf.wire.records;

import dev.wharf.wire.protocol.MalformedMessageException;
import dev.wharf.wire.protocol.MessageReader;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.zip.CRC32C;

/**
 * A view of one record batch in the magic v2 format, over exactly the batch's bytes of a buffer.
 * Nothing is copied; header setters write into the underlying buffer.
 *
 * <pre>
 *  offset  size  field
 *       0     8  baseOffset
 *       8     4  batchLength             bytes that follow this field
 *      12     4  partitionLeaderEpoch
 *      16     1  magic                   2
 *      17     4  crc                     CRC-32C of bytes 21..end
 *      21     2  attributes              bits 0-2 compression, 3 timestamp type,
 *                                        4 transactional, 5 control, 6 delete horizon
 *      23     4  lastOffsetDelta
 *      27     8  baseTimestamp           first timestamp
 *      35     8  maxTimestamp
 *      43     8  producerId
 *      51     2  producerEpoch
 *      53     4  baseSequence
 *      57     4  recordCount
 *      61     -  records                 compressed as a whole when a codec is set
 * </pre>
 *
 * Because the CRC starts at the attributes, the broker can assign offsets and leader epochs in
 * place without recomputing it. Each record is: varint length, int8 attributes, varlong
 * timestamp delta, varint offset delta, varint key length (-1 null) and key, varint value length
 * and value, varint header count and headers (varint key length, UTF-8 key, varint value length
 * (-1 null), value). Not thread-safe.
 */
public final class RecordBatch {
    public static final int BASE_OFFSET_OFFSET = 0;
    public static final int LENGTH_OFFSET = 8;
    public static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
    public static final int MAGIC_OFFSET = 16;
    public static final int CRC_OFFSET = 17;
    public static final int ATTRIBUTES_OFFSET = 21;
    public static final int LAST_OFFSET_DELTA_OFFSET = 23;
    public static final int BASE_TIMESTAMP_OFFSET = 27;
    public static final int MAX_TIMESTAMP_OFFSET = 35;
    public static final int PRODUCER_ID_OFFSET = 43;
    public static final int PRODUCER_EPOCH_OFFSET = 51;
    public static final int BASE_SEQUENCE_OFFSET = 53;
    public static final int RECORD_COUNT_OFFSET = 57;
    public static final int RECORDS_OFFSET = 61;
    /** Bytes before the records. */
    public static final int HEADER_SIZE = RECORDS_OFFSET;
    /** Bytes not counted by batchLength: base offset and the length field itself. */
    public static final int LOG_OVERHEAD = 12;
    public static final byte MAGIC = 2;

    static final int COMPRESSION_MASK = 0x07;
    static final int TIMESTAMP_TYPE_MASK = 0x08;
    static final int TRANSACTIONAL_FLAG = 0x10;
    static final int CONTROL_FLAG = 0x20;
    static final int DELETE_HORIZON_FLAG = 0x40;

    /** Decompressed record data larger than this is treated as corrupt (a decompression bomb). */
    public static final int DEFAULT_MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

    private final ByteBuf buf;
    private final int base;

    private RecordBatch(ByteBuf buf) {
        this.buf = buf;
        this.base = buf.readerIndex();
    }

    /**
     * Wraps one batch: the buffer's readable bytes must be exactly one magic v2 batch. The header
     * is checked for consistency; the CRC is checked by {@link #ensureValid()}.
     */
    public static RecordBatch wrap(ByteBuf batch) {
        int size = batch.readableBytes();
        if (size < HEADER_SIZE) {
            throw new CorruptRecordException("record batch of " + size + " bytes is shorter than its "
                    + HEADER_SIZE + "-byte header");
        }
        RecordBatch b = new RecordBatch(batch);
        byte magic = b.magic();
        if (magic != MAGIC) {
            throw new CorruptRecordException("unsupported record batch magic " + magic + " (only v2 is supported)");
        }
        if (b.batchLength() + LOG_OVERHEAD != size) {
            throw new CorruptRecordException("record batch length field says " + b.batchLength() + " but "
                    + (size - LOG_OVERHEAD) + " bytes follow it");
        }
        if (b.recordCount() < 0) {
            throw new CorruptRecordException("negative record count " + b.recordCount());
        }
        return b;
    }

    public ByteBuf buffer() {
        return buf;
    }

    public int sizeInBytes() {
        return buf.readableBytes();
    }

    public long baseOffset() {
        return buf.getLong(base + BASE_OFFSET_OFFSET);
    }

    /** Assigns offsets in place; the CRC does not cover this field. */
    public void setBaseOffset(long offset) {
        buf.setLong(base + BASE_OFFSET_OFFSET, offset);
    }

    public int batchLength() {
        return buf.getInt(base + LENGTH_OFFSET);
    }

    public int partitionLeaderEpoch() {
        return buf.getInt(base + PARTITION_LEADER_EPOCH_OFFSET);
    }

    /** Stamps the leader epoch in place; the CRC does not cover this field. */
    public void setPartitionLeaderEpoch(int epoch) {
        buf.setInt(base + PARTITION_LEADER_EPOCH_OFFSET, epoch);
    }

    public byte magic() {
        return buf.getByte(base + MAGIC_OFFSET);
    }

    /** The stored CRC-32C, unsigned. */
    public long crc() {
        return buf.getUnsignedInt(base + CRC_OFFSET);
    }

    /** CRC-32C of everything from the attributes to the end of the batch. */
    public long computeCrc() {
        return crc32c(buf, base + ATTRIBUTES_OFFSET, sizeInBytes() - ATTRIBUTES_OFFSET);
    }

    static long crc32c(ByteBuf b, int index, int length) {
        CRC32C crc = new CRC32C();
        if (b.nioBufferCount() == 1) {
            crc.update(b.nioBuffer(index, length));
        } else {
            byte[] chunk = new byte[Math.min(length, 8192)];
            for (int done = 0; done < length; ) {
                int n = Math.min(chunk.length, length - done);
                b.getBytes(index + done, chunk, 0, n);
                crc.update(chunk, 0, n);
                done += n;
            }
        }
        return crc.getValue();
    }

    public boolean isValid() {
        return crc() == computeCrc();
    }

    public void ensureValid() {
        long stored = crc();
        long computed = computeCrc();
        if (stored != computed) {
            throw new CorruptRecordException(String.format(
                    "record batch at offset %d is corrupt: stored CRC %08x, computed %08x", baseOffset(), stored, computed));
        }
    }

    /**
     * Stamps the batch with the broker's append time (message.timestamp.type=LogAppendTime): sets
     * the timestamp-type attribute and the max timestamp, then recomputes the CRC, which covers both.
     */
    public void setLogAppendTime(long timestamp) {
        buf.setShort(base + ATTRIBUTES_OFFSET, attributes() | TIMESTAMP_TYPE_MASK);
        buf.setLong(base + MAX_TIMESTAMP_OFFSET, timestamp);
        buf.setInt(base + CRC_OFFSET, (int) computeCrc());
    }

    public short attributes() {
        return buf.getShort(base + ATTRIBUTES_OFFSET);
    }

    public CompressionType compression() {
        return CompressionType.forId(attributes() & COMPRESSION_MASK);
    }

    public TimestampType timestampType() {
        return (attributes() & TIMESTAMP_TYPE_MASK) == 0 ? TimestampType.CREATE_TIME : TimestampType.LOG_APPEND_TIME;
    }

    /**
     * Whether the first batch of a record set is transactional, read from its attributes without
     * parsing it (false when the set is too short to hold a batch header); for the produce path,
     * which looks closer only at transactional batches.
     */
    public static boolean startsTransactional(ByteBuf records) {
        return records.readableBytes() >= HEADER_SIZE
                && (records.getShort(records.readerIndex() + ATTRIBUTES_OFFSET) & TRANSACTIONAL_FLAG) != 0;
    }

    public boolean isTransactional() {
        return (attributes() & TRANSACTIONAL_FLAG) != 0;
    }

    public boolean isControl() {
        return (attributes() & CONTROL_FLAG) != 0;
    }

    public boolean hasDeleteHorizon() {
        return (attributes() & DELETE_HORIZON_FLAG) != 0;
    }

    /** The delete horizon (KIP-534) when bit 6 is set: the base timestamp then holds it. */
    public OptionalLong deleteHorizonMs() {
        return hasDeleteHorizon() ? OptionalLong.of(baseTimestamp()) : OptionalLong.empty();
    }

    public int lastOffsetDelta() {
        return buf.getInt(base + LAST_OFFSET_DELTA_OFFSET);
    }

    public long lastOffset() {
        return baseOffset() + lastOffsetDelta();
    }

    /** Offset following this batch. */
    public long nextOffset() {
        return lastOffset() + 1;
    }

    public long baseTimestamp() {
        return buf.getLong(base + BASE_TIMESTAMP_OFFSET);
    }

    public long maxTimestamp() {
        return buf.getLong(base + MAX_TIMESTAMP_OFFSET);
    }

    public long producerId() {
        return buf.getLong(base + PRODUCER_ID_OFFSET);
    }

    public short producerEpoch() {
        return buf.getShort(base + PRODUCER_EPOCH_OFFSET);
    }

    public int baseSequence() {
        return buf.getInt(base + BASE_SEQUENCE_OFFSET);
    }

    public int recordCount() {
        return buf.getInt(base + RECORD_COUNT_OFFSET);
    }

    /** All records, decoded (decompressing when needed, up to the default size cap). */
    public List<Record> records() {
        return records(DEFAULT_MAX_DECOMPRESSED_BYTES);
    }

    public List<Record> records(int maxDecompressedBytes) {
        List<Record> out = new ArrayList<>(Math.min(recordCount(), sizeInBytes()));
        for (Iterator<Record> it = iterator(maxDecompressedBytes); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    /**
     * Iterates the records lazily. For uncompressed batches keys and values are slices of this
     * batch; compressed batches are decompressed once, up to {@code maxDecompressedBytes}.
     */
    public Iterator<Record> iterator(int maxDecompressedBytes) {
        ByteBuf data = buf.slice(base + RECORDS_OFFSET, sizeInBytes() - RECORDS_OFFSET);
        CompressionType compression = compression();
        if (compression != CompressionType.NONE) {
            data = compression.decompress(data, maxDecompressedBytes);
        }
        return new RecordIterator(data);
    }

    private final class RecordIterator implements Iterator<Record> {
        private final ByteBuf data;
        private final MessageReader reader;
        private final int count = recordCount();
        private final long baseOffset = baseOffset();
        private final long baseTimestamp = baseTimestamp();
        private final boolean logAppendTime = timestampType() == TimestampType.LOG_APPEND_TIME;
        private final long maxTimestamp = maxTimestamp();
        private int read;

        RecordIterator(ByteBuf data) {
            this.data = data;
            this.reader = new MessageReader(data);
        }

        @Override
        public boolean hasNext() {
            return read < count;
        }

        @Override
        public Record next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            read++;
            try {
                Record record = readRecord();
                if (read == count && data.isReadable()) {
                    throw new CorruptRecordException(data.readableBytes() + " bytes follow the last of " + count
                            + " records in batch at offset " + baseOffset);
                }
                return record;
            } catch (MalformedMessageException e) {
                throw new CorruptRecordException("record " + (read - 1) + " of batch at offset " + baseOffset
                        + " is malformed: " + e.getMessage(), e);
            }
        }

        private Record readRecord() {
            int length = reader.readVarint();
            if (length < 0 || length > data.readableBytes()) {
                throw reader.error("record length " + length + " with " + data.readableBytes() + " bytes left");
            }
            int end = data.readerIndex() + length;
            reader.readByte(); // record attributes: unused in v2
            long timestampDelta = reader.readVarlong();
            int offsetDelta = reader.readVarint();
            ByteBuf key = slice(reader.readVarint(), "key");
            ByteBuf value = slice(reader.readVarint(), "value");
            int headerCount = reader.readVarint();
            if (headerCount < 0 || headerCount > data.readableBytes()) {
                throw reader.error("header count " + headerCount);
            }
            List<Header> headers = headerCount == 0 ? Collections.emptyList() : new ArrayList<>(headerCount);
            for (int i = 0; i < headerCount; i++) {
                ByteBuf k = slice(reader.readVarint(), "header key");
                if (k == null) {
                    throw reader.error("null header key");
                }
                String headerKey = k.toString(java.nio.charset.StandardCharsets.UTF_8);
                ByteBuf v = slice(reader.readVarint(), "header value");
                byte[] headerValue = null;
                if (v != null) {
                    headerValue = new byte[v.readableBytes()];
                    v.getBytes(v.readerIndex(), headerValue);
                }
                headers.add(new Header(headerKey, headerValue));
            }
            if (data.readerIndex() != end) {
                throw reader.error("record declared " + length + " bytes but used " + (length + data.readerIndex() - end));
            }
            long timestamp = logAppendTime ? maxTimestamp : baseTimestamp + timestampDelta;
            return new Record(baseOffset + offsetDelta, timestamp, key, value, headers);
        }

        private ByteBuf slice(int len, String what) {
            if (len == -1) {
                return null;
            }
            if (len < 0 || len > data.readableBytes()) {
                throw reader.error(what + " length " + len + " with " + data.readableBytes() + " bytes left");
            }
            return data.readSlice(len);
        }
    }

    @Override
    public String toString() {
        return "RecordBatch(baseOffset=" + baseOffset() + ", lastOffset=" + lastOffset() + ", records=" + recordCount()
                + ", compression=" + compression().displayName + ", bytes=" + sizeInBytes() + ")";
    }
}
