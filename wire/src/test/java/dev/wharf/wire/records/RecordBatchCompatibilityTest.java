package dev.wharf.wire.records;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Record batches built by kafka-clients read correctly in Wharf, and the other way round. */
class RecordBatchCompatibilityTest {
    private static final long PRODUCER_ID = 4242L;
    private static final short PRODUCER_EPOCH = 7;
    private static final int BASE_SEQUENCE = 100;

    /** What a test record holds, independent of either implementation. */
    private record Sample(long timestamp, byte[] key, byte[] value, List<Header> headers) {}

    private static List<Sample> samples(int n, long seed) {
        Random r = new Random(seed);
        List<Sample> out = new ArrayList<>();
        long ts = 1_700_000_000_000L;
        for (int i = 0; i < n; i++) {
            byte[] key = i % 5 == 1 ? null : ("key-" + i).getBytes(StandardCharsets.UTF_8);
            byte[] value;
            if (i % 7 == 3) {
                value = null;
            } else {
                value = new byte[r.nextInt(i % 3 == 0 ? 3000 : 40)];
                r.nextBytes(value);
            }
            List<Header> headers = new ArrayList<>();
            for (int h = 0; h < i % 3; h++) {
                headers.add(new Header("h" + h + "-ü", h == 1 ? null : ("v" + i).getBytes(StandardCharsets.UTF_8)));
            }
            out.add(new Sample(ts + r.nextInt(5000) - 1000, key, value, headers));
        }
        return out;
    }

    private static Compression kafkaCompression(CompressionType c) {
        return switch (c) {
            case NONE -> Compression.NONE;
            case GZIP -> Compression.gzip().build();
            case SNAPPY -> Compression.snappy().build();
            case LZ4 -> Compression.lz4().build();
            case ZSTD -> Compression.zstd().build();
        };
    }

    private static ByteBuffer kafkaBatch(CompressionType c, List<Sample> samples, long baseOffset, boolean transactional) {
        MemoryRecordsBuilder b = MemoryRecords.builder(ByteBuffer.allocate(1024), (byte) 2, kafkaCompression(c),
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, baseOffset, -1L, PRODUCER_ID, PRODUCER_EPOCH,
                BASE_SEQUENCE, transactional, 9);
        long offset = baseOffset;
        for (Sample s : samples) {
            org.apache.kafka.common.header.Header[] hs = s.headers().stream()
                    .map(h -> new RecordHeader(h.key(), h.value()))
                    .toArray(org.apache.kafka.common.header.Header[]::new);
            b.appendWithOffset(offset++, s.timestamp(), s.key(), s.value(), hs);
        }
        return b.build().buffer();
    }

    private static byte[] bytes(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    // Kafka's batches (every codec, headers, null keys and values) decode to the same records in Wharf.
    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void kafkaBuiltBatchesDecodeInWharf(CompressionType compression) {
        List<Sample> samples = samples(50, compression.id);
        ByteBuffer kafka = kafkaBatch(compression, samples, 1000L, true);
        RecordBatch batch = RecordBatch.wrap(Unpooled.wrappedBuffer(kafka));
        batch.ensureValid();
        assertEquals(1000L, batch.baseOffset());
        assertEquals(1049L, batch.lastOffset());
        assertEquals(9, batch.partitionLeaderEpoch());
        assertEquals(compression, batch.compression());
        assertEquals(TimestampType.CREATE_TIME, batch.timestampType());
        assertTrue(batch.isTransactional());
        assertFalse(batch.isControl());
        assertEquals(PRODUCER_ID, batch.producerId());
        assertEquals(PRODUCER_EPOCH, batch.producerEpoch());
        assertEquals(BASE_SEQUENCE, batch.baseSequence());
        assertEquals(50, batch.recordCount());
        assertEquals(samples.get(0).timestamp(), batch.baseTimestamp());
        assertEquals(samples.stream().mapToLong(Sample::timestamp).max().orElseThrow(), batch.maxTimestamp());
        MutableRecordBatch kafkaView = MemoryRecords.readableRecords(kafka.duplicate()).batches().iterator().next();
        assertEquals(kafkaView.checksum(), batch.crc());

        List<Record> records = batch.records();
        assertEquals(samples.size(), records.size());
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            Record r = records.get(i);
            assertEquals(1000L + i, r.offset());
            assertEquals(s.timestamp(), r.timestamp());
            assertArrayEquals(s.key(), r.keyBytes());
            assertArrayEquals(s.value(), r.valueBytes());
            assertEquals(s.headers(), r.headers());
        }
    }

    // Wharf's batches pass kafka-clients' CRC check and decode to the same records there.
    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void wharfBuiltBatchesDecodeInKafka(CompressionType compression) {
        List<Sample> samples = samples(40, 100 + compression.id);
        RecordBatchBuilder builder = new RecordBatchBuilder(compression)
                .baseOffset(77L)
                .partitionLeaderEpoch(3)
                .producer(PRODUCER_ID, PRODUCER_EPOCH, BASE_SEQUENCE)
                .transactional(true);
        for (Sample s : samples) {
            builder.append(s.timestamp(), s.key(), s.value(), s.headers());
        }
        ByteBuf built = builder.build();
        ByteBuffer nio = built.nioBuffer();
        MutableRecordBatch kafka = MemoryRecords.readableRecords(nio).batches().iterator().next();
        kafka.ensureValid();
        assertEquals(77L, kafka.baseOffset());
        assertEquals(77L + 39, kafka.lastOffset());
        assertEquals(3, kafka.partitionLeaderEpoch());
        assertEquals(compression.id, kafka.compressionType().id);
        assertTrue(kafka.isTransactional());
        assertEquals(PRODUCER_ID, kafka.producerId());
        assertEquals(PRODUCER_EPOCH, kafka.producerEpoch());
        assertEquals(BASE_SEQUENCE, kafka.baseSequence());
        assertEquals(samples.stream().mapToLong(Sample::timestamp).max().orElseThrow(), kafka.maxTimestamp());
        int i = 0;
        for (org.apache.kafka.common.record.internal.Record r : kafka) {
            Sample s = samples.get(i);
            assertEquals(77L + i, r.offset());
            assertEquals(s.timestamp(), r.timestamp());
            assertArrayEquals(s.key(), bytes(r.key()));
            assertArrayEquals(s.value(), bytes(r.value()));
            List<Header> headers = new ArrayList<>();
            for (org.apache.kafka.common.header.Header h : r.headers()) {
                headers.add(new Header(h.key(), h.value()));
            }
            assertEquals(s.headers(), headers);
            i++;
        }
        assertEquals(samples.size(), i);
    }

    // Transaction markers written by Kafka are understood by Wharf, and the reverse.
    @Test
    void controlBatchesInterchange() {
        MemoryRecords kafkaMarker = MemoryRecords.withEndTransactionMarker(500L, 1_700_000_000_000L, 4, PRODUCER_ID,
                PRODUCER_EPOCH, new EndTransactionMarker(ControlRecordType.COMMIT, 12));
        RecordBatch batch = RecordBatch.wrap(Unpooled.wrappedBuffer(kafkaMarker.buffer()));
        batch.ensureValid();
        assertTrue(batch.isControl());
        assertTrue(batch.isTransactional());
        assertEquals(500L, batch.baseOffset());
        assertEquals(new ControlRecord(ControlRecord.Type.COMMIT, 12), ControlRecord.parse(batch.records().get(0)));

        ByteBuf ours = new ControlRecord(ControlRecord.Type.ABORT, 33).toBatch(PRODUCER_ID, PRODUCER_EPOCH, 1234L);
        MutableRecordBatch kafka = MemoryRecords.readableRecords(ours.nioBuffer()).batches().iterator().next();
        kafka.ensureValid();
        assertTrue(kafka.isControlBatch());
        assertTrue(kafka.isTransactional());
        EndTransactionMarker marker = EndTransactionMarker.deserialize(kafka.iterator().next());
        assertEquals(ControlRecordType.ABORT, marker.controlType());
        assertEquals(33, marker.coordinatorEpoch());
    }

    // With LogAppendTime every record reports the batch's max timestamp, as in Kafka.
    @Test
    void logAppendTimeAppliesToEveryRecord() {
        MemoryRecordsBuilder b = MemoryRecords.builder(ByteBuffer.allocate(256), (byte) 2, Compression.NONE,
                org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME, 0L, 999L, -1L, (short) -1, -1, false, 0);
        b.append(5L, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
        b.append(6L, null, "w".getBytes(StandardCharsets.UTF_8));
        RecordBatch batch = RecordBatch.wrap(Unpooled.wrappedBuffer(b.build().buffer()));
        assertEquals(TimestampType.LOG_APPEND_TIME, batch.timestampType());
        for (Record r : batch.records()) {
            assertEquals(999L, r.timestamp());
        }
    }

    // The broker assigns offsets and leader epochs in place; the CRC stays valid for both readers.
    @Test
    void rewritingBaseOffsetAndLeaderEpochKeepsCrcValid() {
        ByteBuffer kafka = kafkaBatch(CompressionType.LZ4, samples(5, 9), 0L, false);
        ByteBuf buf = Unpooled.wrappedBuffer(kafka);
        RecordBatch batch = RecordBatch.wrap(buf);
        long crc = batch.crc();
        batch.setBaseOffset(123_456_789L);
        batch.setPartitionLeaderEpoch(17);
        assertEquals(crc, batch.crc());
        batch.ensureValid();
        MutableRecordBatch view = MemoryRecords.readableRecords(buf.nioBuffer()).batches().iterator().next();
        view.ensureValid();
        assertEquals(123_456_789L, view.baseOffset());
        assertEquals(17, view.partitionLeaderEpoch());
        assertEquals(123_456_789L + 4, batch.records().get(4).offset());
    }

    // Stamping LogAppendTime rewrites the type bit and max timestamp with a fresh CRC the Java client accepts.
    @Test
    void logAppendTimeStampKeepsTheBatchValid() {
        ByteBuf buf = new RecordBatchBuilder(CompressionType.GZIP).append(10L, null, "a".getBytes(StandardCharsets.UTF_8), List.of())
                .append(20L, null, "b".getBytes(StandardCharsets.UTF_8), List.of()).build();
        RecordBatch batch = RecordBatch.wrap(buf);
        batch.setLogAppendTime(5555L);
        batch.ensureValid();
        MutableRecordBatch kafka = MemoryRecords.readableRecords(buf.nioBuffer()).batches().iterator().next();
        kafka.ensureValid();
        assertEquals(org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME, kafka.timestampType());
        assertEquals(5555L, kafka.maxTimestamp());
        for (org.apache.kafka.common.record.internal.Record r : kafka) {
            assertEquals(5555L, r.timestamp());
        }
    }

    // A flipped bit anywhere the CRC covers is detected with a typed exception.
    @Test
    void crcMismatchIsDetected() {
        ByteBuffer kafka = kafkaBatch(CompressionType.NONE, samples(3, 1), 0L, false);
        ByteBuf buf = Unpooled.wrappedBuffer(kafka);
        buf.setByte(buf.readableBytes() - 2, buf.getByte(buf.readableBytes() - 2) ^ 0x10);
        RecordBatch batch = RecordBatch.wrap(buf);
        assertFalse(batch.isValid());
        CorruptRecordException e = assertThrows(CorruptRecordException.class, batch::ensureValid);
        assertTrue(e.getMessage().contains("CRC"), e.getMessage());
    }

    // A record set of several batches splits at batch boundaries; a torn tail is rejected.
    @Test
    void splitsRecordSetsIntoBatches() {
        ByteBuf first = Unpooled.wrappedBuffer(kafkaBatch(CompressionType.NONE, samples(3, 2), 0L, false));
        ByteBuf second = Unpooled.wrappedBuffer(kafkaBatch(CompressionType.ZSTD, samples(4, 3), 3L, false));
        ByteBuf both = Unpooled.wrappedBuffer(first, second);
        List<RecordBatch> batches = RecordBatches.split(both);
        assertEquals(2, batches.size());
        assertEquals(0L, batches.get(0).baseOffset());
        assertEquals(3L, batches.get(1).baseOffset());
        assertEquals(6L, batches.get(1).lastOffset());
        batches.forEach(RecordBatch::ensureValid);
        assertNull(batches.get(0).records().get(1).key());
        ByteBuf torn = both.slice(0, both.readableBytes() - 1);
        assertThrows(CorruptRecordException.class, () -> RecordBatches.split(torn));
    }
}
