package dev.wharf.wire.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Batches the log cleaner rewrites keep every header field clients and producer state rely on. */
class BatchRewriterTest {
    private static final long BASE = 1000;
    private static final long T0 = 1_700_000_000_000L;

    private static RecordBatch original(CompressionType codec, TimestampType type) {
        RecordBatchBuilder b = new RecordBatchBuilder(codec).baseOffset(BASE).partitionLeaderEpoch(9)
                .timestampType(type).producer(77, (short) 3, 40).transactional(true);
        for (int i = 0; i < 5; i++) {
            b.append(T0 + 10 * i, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    i == 3 ? null : ("v" + i).getBytes(StandardCharsets.UTF_8),
                    List.of(new Header("h", new byte[] {(byte) i})));
        }
        ByteBuf buf = b.build();
        if (type == TimestampType.LOG_APPEND_TIME) {
            RecordBatch.wrap(buf).setLogAppendTime(T0 + 999);
        }
        return RecordBatch.wrap(buf);
    }

    private static MutableRecordBatch kafkaView(ByteBuf bytes) {
        byte[] a = new byte[bytes.readableBytes()];
        bytes.getBytes(bytes.readerIndex(), a);
        MutableRecordBatch batch = MemoryRecords.readableRecords(java.nio.ByteBuffer.wrap(a)).batches().iterator().next();
        batch.ensureValid();
        return batch;
    }

    /** A rewrite keeping records 1 and 3 keeps offsets, last offset delta, producer fields, codec and timestamps. */
    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void keptRecordsKeepTheirOffsetsAndTheHeaderKeepsItsFields(CompressionType codec) {
        RecordBatch o = original(codec, TimestampType.CREATE_TIME);
        List<Record> all = o.records();
        ByteBuf out = BatchRewriter.retained(o, List.of(all.get(1), all.get(3)), OptionalLong.empty());

        MutableRecordBatch k = kafkaView(out);
        assertEquals(BASE, k.baseOffset());
        assertEquals(BASE + 4, k.lastOffset());
        assertEquals(77, k.producerId());
        assertEquals(3, k.producerEpoch());
        assertEquals(40, k.baseSequence());
        assertEquals(44, k.lastSequence());
        assertEquals(9, k.partitionLeaderEpoch());
        assertTrue(k.isTransactional());
        assertFalse(k.isControlBatch());
        assertEquals(codec.id, k.compressionType().id);
        assertFalse(k.deleteHorizonMs().isPresent());
        List<org.apache.kafka.common.record.internal.Record> records = new java.util.ArrayList<>();
        k.forEach(records::add);
        assertEquals(2, records.size());
        assertEquals(BASE + 1, records.get(0).offset());
        assertEquals(T0 + 10, records.get(0).timestamp());
        assertEquals(BASE + 3, records.get(1).offset());
        assertEquals(T0 + 30, records.get(1).timestamp());
        assertFalse(records.get(1).hasValue());
        assertEquals(T0 + 30, k.maxTimestamp());
    }

    /** A delete horizon sets bit 6 and the base timestamp, and record timestamps stay what they were (KIP-534). */
    @Test
    void aDeleteHorizonLeavesRecordTimestampsUnchanged() {
        RecordBatch o = original(CompressionType.LZ4, TimestampType.CREATE_TIME);
        List<Record> all = o.records();
        long horizon = T0 + 86_400_000L;
        ByteBuf out = BatchRewriter.retained(o, List.of(all.get(2), all.get(3)), OptionalLong.of(horizon));

        MutableRecordBatch k = kafkaView(out);
        assertEquals(horizon, k.deleteHorizonMs().getAsLong());
        List<org.apache.kafka.common.record.internal.Record> records = new java.util.ArrayList<>();
        k.forEach(records::add);
        assertEquals(T0 + 20, records.get(0).timestamp());
        assertEquals(T0 + 30, records.get(1).timestamp());
        RecordBatch again = RecordBatch.wrap(out);
        assertEquals(horizon, again.deleteHorizonMs().getAsLong());
        assertEquals(T0 + 30, again.records().get(1).timestamp());

        // a second rewrite keeps the first horizon rather than moving it
        ByteBuf twice = BatchRewriter.retained(again, List.of(again.records().get(1)), OptionalLong.of(horizon + 5));
        assertEquals(horizon, kafkaView(twice).deleteHorizonMs().getAsLong());
    }

    /** A LogAppendTime batch keeps its type and append time. */
    @Test
    void logAppendTimeIsKept() {
        RecordBatch o = original(CompressionType.NONE, TimestampType.LOG_APPEND_TIME);
        ByteBuf out = BatchRewriter.retained(o, List.of(o.records().get(0)), OptionalLong.empty());
        MutableRecordBatch k = kafkaView(out);
        assertEquals(org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME, k.timestampType());
        assertEquals(T0 + 999, k.maxTimestamp());
    }

    /** An empty batch is a valid 61-byte header with count 0, the original offsets and producer fields. */
    @Test
    void anEmptyBatchKeepsOffsetsAndProducer() {
        RecordBatch o = original(CompressionType.ZSTD, TimestampType.CREATE_TIME);
        ByteBuf out = BatchRewriter.empty(o);
        assertEquals(RecordBatch.HEADER_SIZE, out.readableBytes());
        MutableRecordBatch k = kafkaView(out);
        assertEquals(BASE, k.baseOffset());
        assertEquals(BASE + 4, k.lastOffset());
        assertEquals(44, k.lastSequence());
        assertTrue(k.isTransactional());
        assertEquals(0, k.countOrNull());
        assertNull(k.iterator().hasNext() ? "a record" : null);
        RecordBatch w = RecordBatch.wrap(out);
        assertTrue(w.isValid());
        assertEquals(0, w.records().size());
    }
}
