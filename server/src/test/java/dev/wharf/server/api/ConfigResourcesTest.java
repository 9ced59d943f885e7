package dev.wharf.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.controller.TopicInfo;
import dev.wharf.server.BrokerConfig;
import dev.wharf.server.DynamicBrokerConfig;
import dev.wharf.server.config.ConfigSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What DescribeConfigs shows for brokers and topics once dynamic broker configs are set. */
class ConfigResourcesTest {
    private static Map<String, ConfigResources.Entry> byName(List<ConfigResources.Entry> entries) {
        return entries.stream().collect(Collectors.toMap(ConfigResources.Entry::name, Function.identity()));
    }

    // A broker shows each key's value now with the layer it comes from; dynamic keys are writable.
    // The cluster default shows only what is set there.
    @Test
    void brokerEntriesCarryTheirSource() {
        DynamicBrokerConfig config = new DynamicBrokerConfig(BrokerConfig.of(Map.of("broker.id", "1", "log.segment.bytes", "2097152")));
        config.entityChanged("", Map.of("log.retention.ms", "2000", "message.max.bytes", "5000"));
        config.entityChanged("1", Map.of("message.max.bytes", "6000"));
        Map<String, ConfigResources.Entry> broker = byName(ConfigResources.broker(config, "1"));
        assertEquals("6000", broker.get("message.max.bytes").value());
        assertEquals(ConfigSource.DYNAMIC_BROKER_CONFIG, broker.get("message.max.bytes").source());
        assertEquals(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, broker.get("log.retention.ms").source());
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG, broker.get("log.segment.bytes").source());
        assertEquals(ConfigSource.DEFAULT_CONFIG, broker.get("num.partitions").source());
        assertFalse(broker.get("message.max.bytes").readOnly());
        assertTrue(broker.get("broker.id").readOnly());
        assertEquals(3, broker.get("message.max.bytes").synonyms().size());

        Map<String, ConfigResources.Entry> defaults = byName(ConfigResources.broker(config, ""));
        assertEquals(Map.of("log.retention.ms", "2000", "message.max.bytes", "5000"),
                defaults.values().stream().collect(Collectors.toMap(ConfigResources.Entry::name, ConfigResources.Entry::value)));
        assertEquals(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, defaults.get("message.max.bytes").source());
    }

    // A topic key without an override takes the broker's value and says where it comes from.
    @Test
    void topicDefaultsNameTheirBrokerSource() {
        DynamicBrokerConfig config = new DynamicBrokerConfig(BrokerConfig.of(Map.of("broker.id", "1", "log.segment.bytes", "2097152")));
        config.entityChanged("", Map.of("log.retention.ms", "2000"));
        TopicInfo topic = new TopicInfo("t", UUID.randomUUID(), List.of(), Map.of("cleanup.policy", "compact"));
        Map<String, ConfigResources.Entry> entries = byName(ConfigResources.topic(topic, config));
        assertEquals("2000", entries.get("retention.ms").value());
        assertEquals(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, entries.get("retention.ms").source());
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG, entries.get("segment.bytes").source());
        assertEquals(ConfigSource.DEFAULT_CONFIG, entries.get("max.message.bytes").source());
        assertEquals(ConfigSource.DYNAMIC_TOPIC_CONFIG, entries.get("cleanup.policy").source());
        assertEquals(ConfigSource.DEFAULT_CONFIG, entries.get("segment.jitter.ms").source());
        assertFalse(entries.containsKey("internal.segment.bytes")); // Kafka's internal key: shown only where set
        TopicInfo small = new TopicInfo("s", UUID.randomUUID(), List.of(), Map.of("internal.segment.bytes", "4096"));
        ConfigResources.Entry internal = byName(ConfigResources.topic(small, config)).get("internal.segment.bytes");
        assertEquals("4096", internal.value());
        assertEquals(ConfigSource.DYNAMIC_TOPIC_CONFIG, internal.source());
    }
}
