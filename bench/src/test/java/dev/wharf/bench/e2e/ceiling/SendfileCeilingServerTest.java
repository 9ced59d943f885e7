package dev.wharf.bench.e2e.ceiling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real consumer reads every record of a two-segment partition through the ceiling server, from the start and from the middle. */
class SendfileCeilingServerTest {
    private static final String TOPIC = "t";
    private static final int PER_BATCH = 10;
    private static final int BATCHES_PER_SEGMENT = 300;

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void aConsumerReadsEveryRecordAcrossSegments() throws Exception {
        long records = writeSegment(0) + writeSegment(PER_BATCH * BATCHES_PER_SEGMENT);
        try (SendfileCeilingServer server = SendfileCeilingServer.start(TOPIC, 0, dir)) {
            assertEquals(records, server.records());
            TopicPartition tp = new TopicPartition(TOPIC, 0);
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(server.port())) {
                consumer.assign(List.of(tp));
                assertEquals(Map.of(tp, 0L), consumer.beginningOffsets(List.of(tp)));
                assertEquals(Map.of(tp, records), consumer.endOffsets(List.of(tp)));
                consumer.seekToBeginning(List.of(tp));
                assertEquals(records, readToEnd(consumer, 0, records), () -> "the server's failure: " + server.failure());
                // from inside a batch: the batch is sent whole, the consumer skips what it did not ask for
                consumer.seek(tp, records / 2 + 3);
                assertEquals(records - (records / 2 + 3), readToEnd(consumer, records / 2 + 3, records),
                        () -> "the server's failure: " + server.failure());
            }
            assertNull(server.failure());
        }
    }

    /** Reads until the end offset, checking each record's offset and value; returns how many were read. */
    private static long readToEnd(KafkaConsumer<byte[], byte[]> consumer, long from, long end) {
        long next = from;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (next < end && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                assertEquals(next, r.offset());
                assertArrayEquals(value(next), r.value());
                next++;
            }
        }
        return next - from;
    }

    private long writeSegment(long base) throws IOException {
        Path file = dir.resolve(String.format("%020d.log", base));
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int b = 0; b < BATCHES_PER_SEGMENT; b++) {
                long first = base + (long) b * PER_BATCH;
                SimpleRecord[] batch = new SimpleRecord[PER_BATCH];
                for (int i = 0; i < PER_BATCH; i++) {
                    batch[i] = new SimpleRecord(value(first + i));
                }
                ByteBuffer bytes = MemoryRecords.withRecords(first, Compression.NONE, batch).buffer();
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
            }
        }
        return (long) PER_BATCH * BATCHES_PER_SEGMENT;
    }

    private static byte[] value(long offset) {
        byte[] v = new byte[1000];
        ByteBuffer.wrap(v).putLong(offset);
        return v;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(int port) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "65536");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
