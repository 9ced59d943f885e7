package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.testing.KafkaWireClient;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.MetadataRequest;
import dev.wharf.wire.message.MetadataResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several named listeners: each is served, registered, and a client learns the brokers' endpoints
 * of the listener it connected to, as in Kafka.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.METADATA, ApiKeys.INIT_PRODUCER_ID})
class ListenersIT {
    private static final Map<String, String> TWO_LISTENERS = Map.of(
            "listeners", "PLAINTEXT://127.0.0.1:0,INTERNAL://127.0.0.1:0",
            "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT");

    @TempDir
    Path dir;

    // Metadata over each listener names the broker at that listener's address
    @Test
    @Timeout(60)
    void metadataAnswersWithTheEndpointsOfTheListenerAsked() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, TWO_LISTENERS)) {
            String plaintext = broker.bootstrap("PLAINTEXT");
            String internal = broker.bootstrap("INTERNAL");
            assertNotEquals(plaintext, internal);
            for (String bootstrap : List.of(plaintext, internal)) {
                try (KafkaWireClient client = new KafkaWireClient(bootstrap)) {
                    MetadataResponse response = (MetadataResponse) client.call(ApiKey.METADATA, (short) 12,
                            new MetadataRequest().setTopics(List.of()));
                    assertEquals(1, response.brokers().size());
                    MetadataResponse.MetadataResponseBroker b = response.brokers().get(0);
                    assertEquals(bootstrap, b.host() + ":" + b.port());
                }
            }
        }
    }

    // records produced through one listener are consumed through the other, keys, headers and timestamps intact
    @Test
    @Timeout(60)
    void clientsOnDifferentListenersShareTopics() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, TWO_LISTENERS)) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap("INTERNAL"));
            long timestamp = System.currentTimeMillis() - 1000;
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("shared", 0, timestamp + i, bytes("k" + i), bytes("v" + i),
                            List.of(new RecordHeader("via", bytes("internal"))))).get(30, TimeUnit.SECONDS);
                }
            }
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap("PLAINTEXT"));
            try (KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                TopicPartition tp = new TopicPartition("shared", 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (got.size() < 10 && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(500)).forEach(got::add);
                }
                assertEquals(10, got.size());
                for (int i = 0; i < 10; i++) {
                    ConsumerRecord<byte[], byte[]> r = got.get(i);
                    assertEquals(i, r.offset());
                    assertEquals(timestamp + i, r.timestamp());
                    assertArrayEquals(bytes("k" + i), r.key());
                    assertArrayEquals(bytes("v" + i), r.value());
                    assertArrayEquals(bytes("internal"), r.headers().lastHeader("via").value());
                }
            }
        }
    }

    // a TLS listener without a key store stops the start with a message naming the listener and the key
    @Test
    @Timeout(60)
    void aTlsListenerWithoutAKeyStoreIsRefusedAtStart() {
        ExternalBroker.assumeOwnBroker("checks how Wharf refuses a bad listener at start");
        Exception e = assertThrows(IllegalArgumentException.class, () -> new RunningBroker(dir, Map.of(
                "listeners", "PLAINTEXT://127.0.0.1:0,SECURE://127.0.0.1:0",
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SECURE:SSL")));
        assertTrue(e.getMessage().contains("SECURE") && e.getMessage().contains("ssl.keystore.location"), e.getMessage());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
