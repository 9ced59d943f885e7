package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The official Java client (4.4.0) produces to and consumes from a running Wharf broker. */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID})
class ProduceConsumeIT {
    private static final int RECORDS = 300;

    @TempDir
    Path dir;

    private RunningBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = new RunningBroker(dir, Map.of());
    }

    @AfterEach
    void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    // Every record comes back, in order per partition, with key, value, header and timestamp,
    // for each acks setting and compression codec; offsets are dense from 0.
    @ParameterizedTest(name = "acks={0} compression={1}")
    @CsvSource({"all,none", "1,gzip", "all,snappy", "1,lz4", "all,zstd", "0,none"})
    void everyRecordComesBack(String acks, String compression) throws Exception {
        String topic = "orders-" + compression + "-" + acks;
        try (org.apache.kafka.clients.admin.Admin admin = GroupClients.admin(broker.bootstrap())) {
            GroupClients.createTopic(admin, topic, 3);
        }
        try (dev.wharf.testing.KafkaWireClient c = new dev.wharf.testing.KafkaWireClient(broker.bootstrap())) {
            TopicLeaders.ready(c, topic); // acks=0 records sent before the leader is ready would be lost
        }
        long baseTimestamp = 1_700_000_000_000L;
        Map<Integer, List<Integer>> sentPerPartition = new HashMap<>();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, acks);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        if (acks.equals("0")) {
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false"); // idempotence needs acks=all
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, baseTimestamp + i,
                        ("key-" + i).getBytes(StandardCharsets.UTF_8), ("value-" + i).getBytes(StandardCharsets.UTF_8));
                r.headers().add(new RecordHeader("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
                sent.add(producer.send(r));
            }
            producer.flush();
            for (int i = 0; i < RECORDS; i++) {
                RecordMetadata md = sent.get(i).get();
                sentPerPartition.computeIfAbsent(md.partition(), k -> new ArrayList<>()).add(i);
                if (!acks.equals("0")) {
                    assertEquals(sentPerPartition.get(md.partition()).size() - 1, md.offset());
                }
            }
        }

        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(info -> tps.add(new TopicPartition(topic, info.partition())));
            assertEquals(3, tps.size());
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<Integer, List<ConsumerRecord<byte[], byte[]>>> received = new HashMap<>();
            int[] count = {0};
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    received.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(r);
                    count[0]++;
                }
                return count[0] >= RECORDS;
            });
            assertEquals(RECORDS, count[0]);
            for (Map.Entry<Integer, List<Integer>> e : sentPerPartition.entrySet()) {
                List<ConsumerRecord<byte[], byte[]>> got = received.get(e.getKey());
                assertEquals(e.getValue().size(), got.size(), "partition " + e.getKey());
                for (int j = 0; j < got.size(); j++) {
                    int i = e.getValue().get(j);
                    ConsumerRecord<byte[], byte[]> r = got.get(j);
                    assertEquals(j, r.offset());
                    assertEquals(baseTimestamp + i, r.timestamp());
                    assertArrayEquals(("key-" + i).getBytes(StandardCharsets.UTF_8), r.key());
                    assertArrayEquals(("value-" + i).getBytes(StandardCharsets.UTF_8), r.value());
                    assertArrayEquals(Integer.toString(i).getBytes(StandardCharsets.UTF_8), r.headers().lastHeader("seq").value());
                }
            }
        }
    }
}
