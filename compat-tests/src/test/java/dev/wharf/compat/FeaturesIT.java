package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.testing.KafkaWireClient;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ApiVersionsRequest;
import dev.wharf.wire.message.ApiVersionsResponse;
import dev.wharf.wire.message.ConsumerGroupHeartbeatRequest;
import dev.wharf.wire.message.ConsumerGroupHeartbeatResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.InvalidUpdateVersionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finalized features (KIP-584) as Kafka's Admin and {@code kafka-features} see them: the group
 * protocols' features finalized by default, UpdateFeatures changing levels (checked like Kafka's
 * controller), and the APIs a feature gates refused (though still advertised, as Kafka 4.4 does)
 * when it is disabled.
 */
@Exercises({ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH,
        ApiKeys.FIND_COORDINATOR, ApiKeys.JOIN_GROUP, ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.SYNC_GROUP,
        ApiKeys.API_VERSIONS, ApiKeys.UPDATE_FEATURES, ApiKeys.CONSUMER_GROUP_HEARTBEAT,
        ApiKeys.CONSUMER_GROUP_DESCRIBE, ApiKeys.STREAMS_GROUP_HEARTBEAT})
class FeaturesIT {
    @TempDir
    static Path dir;
    private static RunningBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = new RunningBroker(dir, Map.of());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static FeatureMetadata features() throws Exception {
        return admin.describeFeatures().featureMetadata().get();
    }

    private static short finalized(FeatureMetadata m, String feature) {
        var level = m.finalizedFeatures().get(feature);
        return level == null ? 0 : level.maxVersionLevel();
    }

    private static short heartbeatError() throws Exception {
        try (KafkaWireClient wire = new KafkaWireClient(broker.bootstrap())) {
            ConsumerGroupHeartbeatResponse r = wire.call(ApiKey.CONSUMER_GROUP_HEARTBEAT, (short) 1,
                    new ConsumerGroupHeartbeatRequest().setGroupId("features-it").setMemberId("features-it-member-id-01")
                            .setMemberEpoch(0).setRebalanceTimeoutMs(30_000).setSubscribedTopicNames(List.of("gated-topic"))
                            .setTopicPartitions(List.of()));
            return r.errorCode();
        }
    }

    private static boolean advertised(ApiKey api) throws Exception {
        try (KafkaWireClient wire = new KafkaWireClient(broker.bootstrap())) {
            ApiVersionsResponse r = wire.call(ApiKey.API_VERSIONS, (short) 3,
                    new ApiVersionsRequest().setClientSoftwareName("features-it").setClientSoftwareVersion("1"));
            return r.apiKeys().stream().anyMatch(v -> v.apiKey() == api.id);
        }
    }

    // Out of the box, as on a new Kafka 4.4 cluster: every feature supported from 0, each finalized at its highest level.
    @Test
    void defaultsAsAdminSeesThem() throws Exception {
        FeatureMetadata m = features();
        Map<String, Integer> highest = Map.of("group.version", 1, "share.version", 2, "streams.version", 1,
                "transaction.version", 2);
        highest.forEach((f, level) -> {
            assertEquals(0, m.supportedFeatures().get(f).minVersion(), f);
            assertEquals(level.intValue(), m.supportedFeatures().get(f).maxVersion(), f);
            assertEquals(level.intValue(), finalized(m, f), f);
        });
        assertTrue(m.finalizedFeaturesEpoch().isPresent());
    }

    // kafka-features describe lists each feature with its supported range and finalized level.
    @Test
    void kafkaFeaturesDescribe() throws Exception {
        KafkaTool.Result r = KafkaTool.run("org.apache.kafka.tools.FeatureCommand", null,
                "--bootstrap-server", broker.bootstrap(), "describe");
        assertEquals(0, r.exitCode(), r.output());
        String line = r.output().lines().filter(l -> l.contains("Feature: transaction.version")).findFirst().orElseThrow();
        assertTrue(line.contains("SupportedMinVersion: 0") && line.contains("SupportedMaxVersion: 2")
                && line.contains("FinalizedVersionLevel: 2"), r.output());
        assertTrue(r.output().contains("Feature: group.version"), r.output());
    }

    // Invalid updates are refused with INVALID_UPDATE_VERSION and change no level. (The epoch is not compared:
    // KRaft's is the metadata log's offset, which moves on its own; Wharf's moves with changes only.)
    @Test
    void invalidUpdatesAreRefused() throws Exception {
        FeatureMetadata before = features();
        ExecutionException beyond = assertThrows(ExecutionException.class, () -> admin.updateFeatures(
                Map.of("transaction.version", new FeatureUpdate((short) 3, FeatureUpdate.UpgradeType.UPGRADE)),
                new UpdateFeaturesOptions()).all().get());
        assertInstanceOf(InvalidUpdateVersionException.class, beyond.getCause());
        ExecutionException unknown = assertThrows(ExecutionException.class, () -> admin.updateFeatures(
                Map.of("no.such.version", new FeatureUpdate((short) 1, FeatureUpdate.UpgradeType.UPGRADE)),
                new UpdateFeaturesOptions()).all().get());
        assertInstanceOf(InvalidUpdateVersionException.class, unknown.getCause());
        ExecutionException downgradeAsUpgrade = assertThrows(ExecutionException.class, () -> admin.updateFeatures(
                Map.of("transaction.version", new FeatureUpdate((short) 1, FeatureUpdate.UpgradeType.UPGRADE)),
                new UpdateFeaturesOptions()).all().get());
        assertInstanceOf(InvalidUpdateVersionException.class, downgradeAsUpgrade.getCause());
        FeatureMetadata m = features();
        assertTrue(m.finalizedFeaturesEpoch().orElseThrow() >= before.finalizedFeaturesEpoch().orElseThrow());
        for (String f : new String[] {"group.version", "share.version", "streams.version", "transaction.version"}) {
            assertEquals(finalized(before, f), finalized(m, f), f);
        }
        assertEquals(2, finalized(m, "transaction.version"));
    }

    // Disabling group.version refuses ConsumerGroupHeartbeat with UNSUPPORTED_VERSION, though ApiVersions still lists it
    // (as Kafka 4.4); upgrading serves it again. Each change bumps the epoch.
    @Test
    void disablingAFeatureRefusesItsApis() throws Exception {
        long before = features().finalizedFeaturesEpoch().orElseThrow();
        admin.updateFeatures(Map.of("group.version", new FeatureUpdate((short) 0, FeatureUpdate.UpgradeType.SAFE_DOWNGRADE)),
                new UpdateFeaturesOptions()).all().get();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> finalized(features(), "group.version") == 0);
        FeatureMetadata off = features();
        assertNull(off.finalizedFeatures().get("group.version"));
        assertTrue(off.finalizedFeaturesEpoch().orElseThrow() > before);
        assertTrue(advertised(ApiKey.CONSUMER_GROUP_HEARTBEAT));
        assertEquals(Errors.UNSUPPORTED_VERSION.code(), heartbeatError());
        assertTrue(advertised(ApiKey.JOIN_GROUP));
        // the Java consumer of the new protocol finds it missing, as against a Kafka without it
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(), ConsumerConfig.GROUP_ID_CONFIG, "gated",
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("gated-topic"));
            assertThrows(UnsupportedVersionException.class, () -> {
                for (int i = 0; i < 100; i++) {
                    consumer.poll(Duration.ofMillis(100));
                }
            });
        }

        admin.updateFeatures(Map.of("group.version", new FeatureUpdate((short) 1, FeatureUpdate.UpgradeType.UPGRADE)),
                new UpdateFeaturesOptions()).all().get();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> finalized(features(), "group.version") == 1);
        assertTrue(features().finalizedFeaturesEpoch().orElseThrow() > off.finalizedFeaturesEpoch().orElseThrow());
        assertTrue(advertised(ApiKey.CONSUMER_GROUP_HEARTBEAT));
        assertTrue(advertised(ApiKey.CONSUMER_GROUP_DESCRIBE));
        assertEquals(Errors.NONE.code(), heartbeatError());
    }
}
