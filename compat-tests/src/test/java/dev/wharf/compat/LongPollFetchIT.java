package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.testing.KafkaWireClient;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.FetchRequest;
import dev.wharf.wire.message.FetchResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Fetches that wait for data: they end at their max wait when nothing comes, and at once when a record does. */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.METADATA, ApiKeys.INIT_PRODUCER_ID})
class LongPollFetchIT {
    @TempDir
    static Path dir;

    private static RunningBroker broker;
    private static KafkaWireClient client;

    @BeforeAll
    static void start() throws Exception {
        broker = new RunningBroker(dir, Map.of());
        client = new KafkaWireClient(broker.bootstrap());
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    static Stream<Short> fetchVersions() throws IOException {
        return client.advertisedVersions(ApiKey.FETCH, 4).stream(); // v4: the oldest that reads magic v2 batches
    }

    // nothing to read: at every version the answer comes no sooner than the max wait asked for, and empty
    @ParameterizedTest(name = "Fetch v{0}")
    @MethodSource("fetchVersions")
    @Timeout(60)
    void aFetchWithNothingToReadWaitsItsMaxWait(short version) throws Exception {
        String topic = "quiet-v" + version;
        UUID topicId = TopicLeaders.ready(client, topic).topicId(); // Fetch v13+ names topics by id
        FetchRequest fetch = new FetchRequest().setReplicaId(-1).setMaxWaitMs(400).setMinBytes(1).setMaxBytes(1 << 20)
                .setSessionId(0).setSessionEpoch(-1).setTopics(List.of(new FetchRequest.FetchTopic().setTopic(topic)
                        .setTopicId(topicId).setPartitions(List.of(new FetchRequest.FetchPartition().setPartition(0)
                                .setFetchOffset(0).setPartitionMaxBytes(1 << 20)))));

        long start = System.nanoTime();
        FetchResponse response = client.call(ApiKey.FETCH, version, fetch);
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertTrue(waitedMs >= 400, "answered after " + waitedMs + " ms, before the 400 ms max wait");
        assertTrue(waitedMs < 5_000, "answered only after " + waitedMs + " ms");
        FetchResponse.PartitionData partition = response.responses().get(0).partitions().get(0);
        assertEquals(Errors.NONE.code(), partition.errorCode());
        assertEquals(0, partition.records().sizeInBytes());
        assertEquals(0, partition.highWatermark());
    }

    // a consumer waiting up to 25 s gets a record produced meanwhile in far less: the append wakes its fetch
    @Test
    @Timeout(60)
    void aRecordWakesAWaitingConsumer() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(broker.bootstrap()),
                        new ByteArraySerializer(), new ByteArraySerializer());
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(broker.bootstrap()),
                        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            producer.send(new ProducerRecord<>("woken", "first".getBytes())).get(30, TimeUnit.SECONDS); // creates the topic
            TopicPartition partition = new TopicPartition("woken", 0);
            consumer.assign(List.of(partition));
            consumer.seek(partition, 1);
            assertTrue(consumer.poll(Duration.ofMillis(200)).isEmpty()); // its fetch now waits at the end of the log

            CompletableFuture<ConsumerRecords<byte[], byte[]>> polled = CompletableFuture.supplyAsync(
                    () -> consumer.poll(Duration.ofSeconds(20)));
            long start = System.nanoTime();
            producer.send(new ProducerRecord<>("woken", "key".getBytes(), "second".getBytes())).get(30, TimeUnit.SECONDS);
            ConsumerRecords<byte[], byte[]> records = polled.get(25, TimeUnit.SECONDS);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertEquals(1, records.count());
            ConsumerRecord<byte[], byte[]> record = records.iterator().next();
            assertEquals(1, record.offset());
            assertArrayEquals("key".getBytes(), record.key());
            assertArrayEquals("second".getBytes(), record.value());
            assertTrue(tookMs < 10_000, "the record arrived after " + tookMs + " ms, as if the fetch had run to its max wait");
            // its next fetch is waiting now, and closing the fetch session would queue behind it for 25 s
            consumer.close(Duration.ofMillis(100));
        }
    }

    private static Properties producerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return p;
    }

    private static Properties consumerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "25000"); // below the 30 s request timeout
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return p;
    }
}
