package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dynamic broker configuration on two brokers, driven by Kafka's own {@code kafka-configs}
 * (ConfigCommand) and Admin client: a cluster-wide default and a per-broker value are stored in
 * ZooKeeper, described with their sources on both brokers, applied without a restart (produce
 * limits, retention of topics that follow the default), kept across a restart, and deleted again;
 * static keys are refused with Kafka's error.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID,
        ApiKeys.DESCRIBE_CONFIGS, ApiKeys.ALTER_CONFIGS, ApiKeys.INCREMENTAL_ALTER_CONFIGS})
class DynamicBrokerConfigIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Cluster cluster;

    private KafkaTool.Result configs(String... args) throws Exception {
        return KafkaTool.configs(cluster.bootstrapServers(), args);
    }

    private KafkaTool.Result configsOk(String... args) throws Exception {
        return KafkaTool.configsOk(cluster.bootstrapServers(), args);
    }

    private ConfigEntry brokerEntry(int broker, String name) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(broker));
        Config config = cluster.admin().describeConfigs(List.of(resource)).all().get().get(resource);
        return config.get(name);
    }

    private boolean brokerHas(int broker, String name, String value, ConfigSource source) throws Exception {
        ConfigEntry e = brokerEntry(broker, name);
        return e != null && value.equals(e.value()) && e.source() == source;
    }

    private static void produce(KafkaProducer<String, String> producer, String topic, int valueBytes) throws Exception {
        producer.send(new ProducerRecord<>(topic, 0, "k", "v".repeat(valueBytes))).get();
    }

    /** AlterConfigs v1 (not in Kafka's 4.x Admin any more) setting broker 2's dynamic configs to exactly one. */
    private static short alterBroker2(KafkaWireClient client, String name, String value, boolean validateOnly)
            throws Exception {
        AlterConfigsResponse response = client.call(ApiKey.ALTER_CONFIGS, (short) 1, new AlterConfigsRequest()
                .setValidateOnly(validateOnly).setResources(List.of(new AlterConfigsRequest.AlterConfigsResource()
                        .setResourceType(ConfigResource.Type.BROKER.id()).setResourceName("2")
                        .setConfigs(List.of(new AlterConfigsRequest.AlterableConfig().setName(name).setValue(value))))));
        return response.responses().get(0).errorCode();
    }

    @Test
    void brokerConfigsChangeLiveSurviveRestartsAndGo() throws Exception {
        try (Cluster started = Cluster.start(dir, 2, Map.of("log.retention.check.interval.ms", "200",
                "log.segment.delete.delay.ms", "0", "log.retention.hours", "720"))) {
            cluster = started;
            Admin admin = cluster.admin();
            admin.createTopics(List.of(new NewTopic("limited", 1, (short) 2),
                    new NewTopic("aging", 1, (short) 2).configs(Map.of("internal.segment.bytes", "1024")))).all().get();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.BATCH_SIZE_CONFIG, "1", ProducerConfig.LINGER_MS_CONFIG, "0"),
                    new StringSerializer(), new StringSerializer())) {
                produce(producer, "limited", 5000);
                long old = System.currentTimeMillis() - 3 * 86_400_000L;
                for (int i = 0; i < 40; i++) {
                    producer.send(new ProducerRecord<>("aging", 0, old + i, "k" + i, "x".repeat(100))).get();
                }

                // a cluster default and a value for broker 1 alone, with kafka-configs
                configsOk("--alter", "--entity-type", "brokers", "--entity-default", "--add-config",
                        "log.retention.ms=86400000,message.max.bytes=2000");
                configsOk("--alter", "--entity-type", "brokers", "--entity-name", "1", "--add-config",
                        "log.retention.ms=172800000");
                String one = configsOk("--describe", "--entity-type", "brokers", "--entity-name", "1").output();
                assertTrue(one.contains("log.retention.ms=172800000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:"
                        + "log.retention.ms=172800000, DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=86400000, "
                        + "STATIC_BROKER_CONFIG:log.retention.hours=720, DEFAULT_CONFIG:log.retention.hours=168}"), one);
                String defaults = configsOk("--describe", "--entity-type", "brokers", "--entity-default").output();
                assertTrue(defaults.contains("Default configs for brokers in the cluster are:"), defaults);
                assertTrue(defaults.contains("message.max.bytes=2000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:"
                        + "message.max.bytes=2000, DEFAULT_CONFIG:message.max.bytes=1048588}"), defaults);

                // each broker describes the value in force for it, with its source
                await().atMost(WAIT).until(() -> brokerHas(1, "log.retention.ms", "172800000", ConfigSource.DYNAMIC_BROKER_CONFIG)
                        && brokerHas(2, "log.retention.ms", "86400000", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG)
                        && brokerHas(2, "message.max.bytes", "2000", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG));
                assertEquals(false, brokerEntry(1, "message.max.bytes").isReadOnly());
                ConfigResource aging = new ConfigResource(ConfigResource.Type.TOPIC, "aging");
                ConfigEntry retention = admin.describeConfigs(List.of(aging)).all().get().get(aging).get("retention.ms");
                assertNotEquals(ConfigSource.DEFAULT_CONFIG, retention.source());

                // live: the smaller limit refuses a record the brokers took before
                ExecutionException tooLarge = assertThrows(ExecutionException.class, () -> produce(producer, "limited", 5000));
                assertInstanceOf(RecordTooLargeException.class, tooLarge.getCause());
                produce(producer, "limited", 100);

                // live: a topic without retention.ms of its own follows the new default; its old segments go
                TopicPartition tp = new TopicPartition("aging", 0);
                try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()),
                        new StringDeserializer(), new StringDeserializer())) {
                    await().atMost(WAIT).until(() -> consumer.beginningOffsets(List.of(tp)).get(tp) > 0);
                }

                // static keys are refused as Kafka refuses them, and bad values name their key
                KafkaTool.Result refused = configs("--alter", "--entity-type", "brokers", "--entity-name", "1",
                        "--add-config", "broker.id=5");
                assertNotEquals(0, refused.exitCode());
                assertTrue(refused.output().contains("Cannot update these configs dynamically: Set(broker.id)"), refused.output());
                ConfigResource brokerOne = new ConfigResource(ConfigResource.Type.BROKER, "1");
                ExecutionException logDirs = assertThrows(ExecutionException.class, () -> admin.incrementalAlterConfigs(Map.of(
                        brokerOne, List.of(new AlterConfigOp(new ConfigEntry("log.dirs", "/elsewhere"), AlterConfigOp.OpType.SET))))
                        .all().get());
                assertInstanceOf(InvalidRequestException.class, logDirs.getCause());
                ExecutionException badValue = assertThrows(ExecutionException.class, () -> admin.incrementalAlterConfigs(Map.of(
                        brokerOne, List.of(new AlterConfigOp(new ConfigEntry("message.max.bytes", "lots"), AlterConfigOp.OpType.SET))))
                        .all().get());
                assertTrue(badValue.getCause().getMessage().contains("message.max.bytes"), badValue.getCause().getMessage());

                // legacy AlterConfigs replaces broker 2's whole set; validateOnly writes nothing
                try (KafkaWireClient two = new KafkaWireClient(cluster.broker(2).bootstrap())) {
                    assertEquals(Errors.NONE.code(), alterBroker2(two, "num.io.threads", "4", true));
                    assertNotEquals(ConfigSource.DYNAMIC_BROKER_CONFIG, brokerEntry(2, "num.io.threads").source());
                    assertEquals(Errors.NONE.code(), alterBroker2(two, "num.io.threads", "4", false));
                    assertEquals(Errors.INVALID_REQUEST.code(), alterBroker2(two, "log.dirs", "/elsewhere", false));
                }
                await().atMost(WAIT).until(() -> brokerHas(2, "num.io.threads", "4", ConfigSource.DYNAMIC_BROKER_CONFIG));

                // a restarted broker reads its dynamic configs back from ZooKeeper
                cluster.broker(2).restart();
                await().atMost(WAIT).until(() -> brokerHas(2, "message.max.bytes", "2000", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG)
                        && brokerHas(2, "num.io.threads", "4", ConfigSource.DYNAMIC_BROKER_CONFIG));

                // deleted, the static value (or the key's default) applies again
                configsOk("--alter", "--entity-type", "brokers", "--entity-default", "--delete-config", "message.max.bytes");
                configsOk("--alter", "--entity-type", "brokers", "--entity-name", "1", "--delete-config", "log.retention.ms");
                await().atMost(WAIT).until(() -> brokerHas(1, "log.retention.ms", "86400000", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG)
                        && brokerHas(1, "message.max.bytes", "1048588", ConfigSource.DEFAULT_CONFIG)
                        && brokerHas(2, "message.max.bytes", "1048588", ConfigSource.DEFAULT_CONFIG));
                produce(producer, "limited", 5000);
                assertTrue(configsOk("--describe", "--entity-type", "brokers", "--entity-name", "1").output()
                        .contains("Dynamic configs for broker 1 are:"));
            }
        }
    }
}
