package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wharf.testing.KafkaWireClient;
import dev.wharf.wire.message.AlterConfigsRequest;
import dev.wharf.wire.message.AlterConfigsResponse;
import dev.wharf.wire.message.ApiKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Topic configs through the AdminClient: described with their sources, altered, and applied to the live log. */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID,
        ApiKeys.DESCRIBE_CONFIGS, ApiKeys.ALTER_CONFIGS, ApiKeys.INCREMENTAL_ALTER_CONFIGS})
class ConfigsIT {
    @TempDir
    Path dir;

    // Overrides show as dynamic topic configs, defaults as defaults; alterations persist and take effect.
    @Test
    void describeAndAlterTopicConfigs() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of("log.retention.check.interval.ms", "100",
                "log.segment.delete.delay.ms", "0"));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            // 1 KiB segments (so retention has whole segments to delete) through Kafka's internal testing
            // key: segment.bytes may not be below 1 MiB
            admin.createTopics(List.of(new NewTopic("shrinking", 1, (short) 1).configs(Map.of(
                    "internal.segment.bytes", "1024", "segment.bytes", "2097152", "cleanup.policy", "delete")))).all().get();
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "shrinking");
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertEquals("2097152", config.get("segment.bytes").value());
            assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, config.get("segment.bytes").source());
            assertEquals("1024", config.get("internal.segment.bytes").value());
            assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, config.get("internal.segment.bytes").source());
            assertEquals("604800000", config.get("retention.ms").value());
            assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, config.get("retention.ms").source());

            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(), ProducerConfig.BATCH_SIZE_CONFIG, "1"),
                    new StringSerializer(), new StringSerializer())) {
                long old = System.currentTimeMillis() - 86_400_000L;
                for (int i = 0; i < 60; i++) {
                    producer.send(new ProducerRecord<>("shrinking", 0, old + i, "k" + i, "x".repeat(100))).get();
                }
            }
            admin.incrementalAlterConfigs(Map.of(resource, List.of(
                    new AlterConfigOp(new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("cleanup.policy", ""), AlterConfigOp.OpType.DELETE)))).all().get();
            Config altered = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertEquals("1000", altered.get("retention.ms").value());
            assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, altered.get("cleanup.policy").source());

            // the new retention applies to the live log: old segments go, the log start moves
            TopicPartition tp = new TopicPartition("shrinking", 0);
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()), new StringDeserializer(), new StringDeserializer())) {
                await().atMost(Duration.ofSeconds(30)).until(() -> consumer.beginningOffsets(List.of(tp)).get(tp) > 0);
                assertEquals(60L, consumer.endOffsets(List.of(tp)).get(tp));
            }

            // the older whole-set AlterConfigs (gone from the 4.x AdminClient, still sent by older
            // tools) replaces every override
            try (KafkaWireClient c = new KafkaWireClient(broker.bootstrap())) {
                AlterConfigsResponse r = (AlterConfigsResponse) c.call(ApiKey.ALTER_CONFIGS, (short) 2, new AlterConfigsRequest()
                        .setResources(List.of(new AlterConfigsRequest.AlterConfigsResource().setResourceType((byte) 2)
                                .setResourceName("shrinking").setConfigs(List.of(new AlterConfigsRequest.AlterableConfig()
                                        .setName("retention.ms").setValue("7200000"))))));
                assertEquals(Errors.NONE.code(), r.responses().get(0).errorCode());
            }
            Config replaced = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertEquals("7200000", replaced.get("retention.ms").value());
            assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, replaced.get("segment.bytes").source());
            assertEquals(null, replaced.get("internal.segment.bytes")); // unset: not described

            // compact-only topics are not deleted by time or size and, as in Kafka, refuse records without a key
            admin.incrementalAlterConfigs(Map.of(resource, List.of(
                    new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.SET)))).all().get();
            assertEquals("compact", admin.describeConfigs(List.of(resource)).all().get().get(resource).get("cleanup.policy").value());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()), new StringSerializer(), new StringSerializer())) {
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> { // the config reaches the partition
                    ExecutionException keyless = assertThrows(ExecutionException.class,
                            () -> producer.send(new ProducerRecord<>("shrinking", null, "no key")).get());
                    assertInstanceOf(InvalidRecordException.class, keyless.getCause());
                });
                producer.send(new ProducerRecord<>("shrinking", "key", "keyed")).get();
            }

            ExecutionException bad = assertThrows(ExecutionException.class, () -> admin.incrementalAlterConfigs(Map.of(
                    resource, List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "soon"), AlterConfigOp.OpType.SET))))
                    .all().get());
            assertInstanceOf(InvalidConfigurationException.class, bad.getCause());
            // configs the broker reads on the produce path are checked when set, not when used
            for (ConfigEntry wrong : List.of(new ConfigEntry("max.message.bytes", "big"),
                    new ConfigEntry("message.timestamp.after.max.ms", "-5"), new ConfigEntry("cleanup.policy", "shred"),
                    new ConfigEntry("compression.type", "rar"))) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> admin.incrementalAlterConfigs(Map.of(
                        resource, List.of(new AlterConfigOp(wrong, AlterConfigOp.OpType.SET)))).all().get());
                assertInstanceOf(InvalidConfigurationException.class, e.getCause(), wrong.name());
            }
            assertEquals("compact", admin.describeConfigs(List.of(resource)).all().get().get(resource).get("cleanup.policy").value());
        }
    }
}
