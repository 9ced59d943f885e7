package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A clean stop and start of the broker keeps every record, every topic and its id. */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.METADATA, ApiKeys.CREATE_TOPICS,
        ApiKeys.INIT_PRODUCER_ID, ApiKeys.DESCRIBE_CONFIGS, ApiKeys.DESCRIBE_TOPIC_PARTITIONS})
class RestartIT {
    @TempDir
    Path dir;

    // Records produced before a restart are all consumed after it, from the same offsets; topics keep their ids.
    @Test
    void recordsAndTopicsSurviveARestart() throws Exception {
        ExternalBroker.assumeOwnBroker("restarts its broker and reads its checkpoint file");
        org.apache.kafka.common.Uuid topicId;
        try (RunningBroker broker = new RunningBroker(dir, Map.of());
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            topicId = admin.createTopics(List.of(new NewTopic("ledger", 2, (short) 1)
                    .configs(Map.of("retention.ms", "86400000")))).topicId("ledger").get();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()), new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 200; i++) {
                    producer.send(new ProducerRecord<>("ledger", i % 2, "k" + i, "v" + i)).get();
                }
            }
        }
        // the high watermarks were checkpointed as Kafka does, and the restart starts from them
        List<String> checkpoint = java.nio.file.Files.readAllLines(dir.resolve("logs").resolve("replication-offset-checkpoint"));
        assertEquals("0", checkpoint.get(0));
        assertEquals(true, checkpoint.contains("ledger 0 100") && checkpoint.contains("ledger 1 100"), checkpoint.toString());
        try (RunningBroker broker = new RunningBroker(dir, Map.of());
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
                KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            assertEquals(topicId, admin.describeTopics(List.of("ledger")).allTopicNames().get().get("ledger").topicId());
            ConfigResource ledger = new ConfigResource(ConfigResource.Type.TOPIC, "ledger");
            assertEquals("86400000", admin.describeConfigs(List.of(ledger)).all().get().get(ledger).get("retention.ms").value());
            List<TopicPartition> tps = List.of(new TopicPartition("ledger", 0), new TopicPartition("ledger", 1));
            consumer.assign(tps);
            assertEquals(Map.of(tps.get(0), 100L, tps.get(1), 100L), consumer.endOffsets(tps));
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= 200;
            });
            assertEquals(200, records.size());
            for (ConsumerRecord<String, String> r : records) {
                int i = Integer.parseInt(r.key().substring(1));
                assertEquals(i % 2, r.partition());
                assertEquals(i / 2, r.offset());
                assertEquals("v" + i, r.value());
            }
        }
    }
}
