package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A real broker with its schema registry on on a loopback port, a client of that registry, and a
 * reader of the broker's topics for checking what clients wrote. Made and closed on a test thread.
 */
final class RegistryBroker implements AutoCloseable {
    final RunningBroker broker;
    final String base;
    final RegistryClient registry;

    private RegistryBroker(RunningBroker broker, String base) {
        this.broker = broker;
        this.base = base;
        this.registry = new RegistryClient(base);
    }

    /** A broker whose registry listens on {@code port} (a restarted one takes the same), its topic with one replica. */
    static RegistryBroker start(Path dir, int port) throws Exception {
        ExternalBroker.assumeOwnBroker("starts the broker's schema registry listener");
        String base = "http://127.0.0.1:" + port;
        return new RegistryBroker(new RunningBroker(dir, Map.of("schema.registry.listeners", base,
                "schema.registry.topic.replication.factor", "1")), base);
    }

    /** The first {@code count} records of partition 0 of {@code topic}, read by the Java consumer within 30 s. */
    List<ConsumerRecord<String, byte[]>> consume(String topic, int count) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrap(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        assertEquals(count, out.size(), "records of " + topic);
        return out;
    }

    @Override
    public void close() throws Exception {
        broker.close();
    }
}
