package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetched record data leaves the broker through {@code FileChannel.transferTo}: every byte of the
 * log reaches the consumer from the file, and the bytes that went through heap buffers are only
 * the response headers around the records.
 */
class ZeroCopyFetchIT {
    private static final int RECORDS = 20_000;
    private static final int VALUE_BYTES = 1024;

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void fetchedRecordsAreSentFromTheLogFile() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of())) {
            String topic = "zero-copy";
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            }
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
            p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
            p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(64 * 1024));
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(new ProducerRecord<>(topic, 0, null, value(i)));
                }
                producer.flush();
            }
            long logBytes;
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
                logBytes = admin.describeLogDirs(List.of(0)).allDescriptions().get().values().stream()
                        .flatMap(d -> d.values().stream()).flatMap(d -> d.replicaInfos().entrySet().stream())
                        .filter(e -> e.getKey().topic().equals(topic)).mapToLong(e -> e.getValue().size()).sum();
            }
            assertTrue(logBytes > (long) RECORDS * VALUE_BYTES, "log size " + logBytes);

            long responseBefore = broker.sendStats().responseBytes();
            long fileBefore = broker.sendStats().fileBytes();
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            int consumed = 0;
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer.assign(List.of(new TopicPartition(topic, 0)));
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (consumed < RECORDS && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        assertEquals(consumed, r.offset());
                        assertArrayEquals(value(consumed), r.value());
                        consumed++;
                    }
                }
            }
            assertEquals(RECORDS, consumed);
            long sent = broker.sendStats().responseBytes() - responseBefore;
            long fromFile = broker.sendStats().fileBytes() - fileBefore;
            // every stored byte went out by transferTo (some possibly twice, when a fetch overlaps)
            assertTrue(fromFile >= logBytes, "sent from file " + fromFile + " of a " + logBytes + "-byte log");
            // what went through heap buffers is headers: well under 1% of the record bytes
            long throughHeap = sent - fromFile;
            assertTrue(throughHeap < fromFile / 100, "through heap " + throughHeap + " beside " + fromFile + " from file");
        }
    }

    private static byte[] value(int i) {
        byte[] v = new byte[VALUE_BYTES];
        ByteBuffer.wrap(v).putInt(i).putInt(i * 31);
        v[VALUE_BYTES - 1] = (byte) i;
        return v;
    }
}
