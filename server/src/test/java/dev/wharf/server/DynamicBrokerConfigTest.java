package dev.wharf.server;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.server.DynamicBrokerConfig.Synonym;
import dev.wharf.server.config.BrokerKeys;
import dev.wharf.server.config.ConfigException;
import dev.wharf.server.config.ConfigSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dynamic overlay: precedence of its layers, Kafka's validation, and who hears of changes. */
class DynamicBrokerConfigTest {
    private static DynamicBrokerConfig broker(Map<String, String> staticConfig) {
        Map<String, String> raw = new java.util.HashMap<>(staticConfig);
        raw.put("broker.id", "1");
        return new DynamicBrokerConfig(BrokerConfig.of(raw));
    }

    // A per-broker value beats the cluster default, which beats server.properties; deleting each
    // layer brings the one below back.
    @Test
    void perBrokerBeatsClusterDefaultBeatsStatic() {
        DynamicBrokerConfig config = broker(Map.of("log.retention.ms", "1000"));
        assertEquals(1000, config.current().retentionMs());
        config.entityChanged("", Map.of("log.retention.ms", "2000"));
        assertEquals(2000, config.current().retentionMs());
        config.entityChanged("1", Map.of("log.retention.ms", "3000"));
        assertEquals(3000, config.current().retentionMs());
        assertEquals(List.of(new Synonym("log.retention.ms", "3000", ConfigSource.DYNAMIC_BROKER_CONFIG),
                new Synonym("log.retention.ms", "2000", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG),
                new Synonym("log.retention.ms", "1000", ConfigSource.STATIC_BROKER_CONFIG),
                new Synonym("log.retention.hours", "168", ConfigSource.DEFAULT_CONFIG)), config.synonyms("log.retention.ms", true));
        assertEquals(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, config.synonyms("log.retention.ms", false).get(0).source());

        config.entityChanged("1", Map.of());
        assertEquals(2000, config.current().retentionMs());
        config.entityChanged("", Map.of());
        assertEquals(1000, config.current().retentionMs());
        assertEquals(1000L, TopicSettings.of(config.current(), Map.of()).get(TopicConfigs.RETENTION_MS));
    }

    // log.retention.ms set dynamically wins over the hours given statically, as at start-up; the
    // hours' own chain does not list the milliseconds.
    @Test
    void unitsResolveOverTheMergedValues() {
        DynamicBrokerConfig config = broker(Map.of("log.retention.hours", "1"));
        config.entityChanged("", Map.of("log.retention.ms", "500"));
        assertEquals(500, config.current().retentionMs());
        assertEquals(List.of(new Synonym("log.retention.hours", "1", ConfigSource.STATIC_BROKER_CONFIG),
                new Synonym("log.retention.hours", "168", ConfigSource.DEFAULT_CONFIG)), config.synonyms("log.retention.hours", true));
    }

    // Another broker's entity is not ours; values that could not have been set through the APIs are skipped.
    @Test
    void appliesOnlyItsOwnEntityAndValidValues() {
        DynamicBrokerConfig config = broker(Map.of());
        config.entityChanged("2", Map.of("message.max.bytes", "100"));
        assertEquals(1048588, config.get(BrokerKeys.MESSAGE_MAX_BYTES));
        config.entityChanged("1", Map.of("message.max.bytes", "lots", "broker.id", "7", "log.segment.bytes", "2097152",
                "custom.plugin.key", "x"));
        assertEquals(1048588, config.get(BrokerKeys.MESSAGE_MAX_BYTES));
        assertEquals(1, config.current().brokerId());
        assertEquals(2097152, config.get(BrokerKeys.LOG_SEGMENT_BYTES));
        assertEquals(Map.of("log.segment.bytes", "2097152", "custom.plugin.key", "x"), config.configs("1"));
    }

    // Listeners hear each real change once, with the configuration before and after.
    @Test
    void listenersHearChanges() {
        DynamicBrokerConfig config = broker(Map.of());
        List<String> heard = new ArrayList<>();
        config.onChange((before, now) -> heard.add(before.get(BrokerKeys.NUM_IO_THREADS) + "->" + now.get(BrokerKeys.NUM_IO_THREADS)));
        config.entityChanged("", Map.of("num.io.threads", "4"));
        config.entityChanged("", Map.of("num.io.threads", "4"));
        config.entityChanged("1", Map.of("num.io.threads", "2"));
        assertEquals(List.of("8->4", "4->2"), heard);
    }

    // The replication throttles default to unlimited and follow dynamic values.
    @Test
    void throttleRates() {
        DynamicBrokerConfig config = broker(Map.of());
        assertEquals(Long.MAX_VALUE, config.leaderThrottleRate());
        assertEquals(Long.MAX_VALUE, config.followerThrottleRate());
        config.entityChanged("", Map.of("leader.replication.throttled.rate", "1000", "follower.replication.throttled.rate", "2000"));
        assertEquals(1000, config.leaderThrottleRate());
        assertEquals(2000, config.followerThrottleRate());
    }

    // Kafka's checks and words: static keys (Wharf's and those it ignores) are refused together,
    // then each value by its key; names Kafka does not know are accepted.
    @Test
    void validatesAsKafka() {
        ConfigException refused = assertThrows(ConfigException.class,
                () -> DynamicBrokerConfig.validate(Map.of("log.dirs", "/x", "broker.id", "3", "log.retention.ms", "5")));
        assertEquals("Cannot update these configs dynamically: Set(broker.id, log.dirs)", refused.getMessage());
        assertThrows(ConfigException.class, () -> DynamicBrokerConfig.validate(Map.of("log.retention.hours", "5")));
        assertThrows(ConfigException.class, () -> DynamicBrokerConfig.validate(Map.of("log.cleaner.enable", "false")));
        ConfigException bad = assertThrows(ConfigException.class,
                () -> DynamicBrokerConfig.validate(Map.of("message.max.bytes", "-5")));
        assertTrue(bad.getMessage().contains("message.max.bytes"), bad.getMessage());
        assertDoesNotThrow(() -> DynamicBrokerConfig.validate(Map.of("log.cleaner.threads", "2", "my.plugin.setting", "x",
                "leader.replication.throttled.rate", "100", "log.cleanup.policy", "compact,delete")));
        assertTrue(DynamicBrokerConfig.isDynamic("min.insync.replicas"));
        assertFalse(DynamicBrokerConfig.isDynamic("my.plugin.setting"));
    }
}
