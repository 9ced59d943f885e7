package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces records with keys, headers and timestamps through one set of client properties (a
 * secured listener's) and reads every one back in order through another, checking them whole.
 */
final class RoundTrip {
    private static final long BASE_TS = 1_700_000_000_000L;

    private RoundTrip() {}

    /** Client properties: {@code security} over bootstrap.servers. */
    static Map<String, Object> client(String bootstrap, Map<String, Object> security) {
        Map<String, Object> props = new HashMap<>(security);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return props;
    }

    /** Produces {@code count} records to partition 0 of {@code topic} (acks=all, idempotent), returns their offsets. */
    static List<Long> produce(Map<String, Object> client, String topic, int count) throws Exception {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        List<Long> offsets = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                ProducerRecord<String, String> r = new ProducerRecord<>(topic, 0, BASE_TS + i, "k-" + i, "v-" + i);
                r.headers().add(new RecordHeader("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
                offsets.add(producer.send(r).get(30, TimeUnit.SECONDS).offset());
            }
        }
        return offsets;
    }

    /** Reads partition 0 of {@code topic} from the start and checks the {@code count} records {@link #produce} wrote. */
    static void assertConsumed(Map<String, Object> client, String topic, int count) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.seekToBeginning(List.of(new TopicPartition(topic, 0)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (got.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
            }
        }
        assertEquals(count, got.size(), "records read back from " + topic);
        for (int i = 0; i < count; i++) {
            ConsumerRecord<String, String> r = got.get(i);
            assertEquals(i, r.offset());
            assertEquals("k-" + i, r.key());
            assertEquals("v-" + i, r.value());
            assertEquals(BASE_TS + i, r.timestamp());
            assertArrayEquals(Integer.toString(i).getBytes(StandardCharsets.UTF_8), r.headers().lastHeader("seq").value());
        }
    }
}
