package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.server.BrokerConfig;
import dev.wharf.server.TopicConfigs;
import dev.wharf.server.TopicKey;
import dev.wharf.server.config.BrokerKeys;
import dev.wharf.server.config.ConfigKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The config resources the config APIs address: topics (type 2) and brokers (type 4), and the
 * entries they describe with Kafka's config sources. The entries come from the key definitions
 * ({@link TopicConfigs}, {@link BrokerKeys#DESCRIBED}).
 */
final class ConfigResources {
    static final byte TOPIC = 2;
    static final byte BROKER = 4;
    static final byte DYNAMIC_TOPIC_CONFIG = 1;
    static final byte STATIC_BROKER_CONFIG = 4;
    static final byte DEFAULT_CONFIG = 5;

    /** A described config entry. */
    record Entry(String name, String value, byte source, boolean readOnly) {}

    private ConfigResources() {}

    /** Every topic key, by name: the topic's override, or the broker's default. */
    static List<Entry> topic(TopicInfo topic, BrokerConfig broker) {
        List<Entry> out = new ArrayList<>();
        Map<String, String> overrides = topic.configs();
        for (TopicKey<?> key : TopicConfigs.all()) {
            boolean readOnly = !key.def().dynamic();
            out.add(overrides.containsKey(key.name())
                    ? new Entry(key.name(), overrides.get(key.name()), DYNAMIC_TOPIC_CONFIG, readOnly)
                    : new Entry(key.name(), key.defaultValue(broker), DEFAULT_CONFIG, readOnly));
        }
        return out;
    }

    /**
     * The broker keys worth showing, as given at start-up (Kafka's STATIC_BROKER_CONFIG source,
     * defaults included). All read-only: AlterConfigs for brokers is refused, even for keys that
     * could change live.
     */
    static List<Entry> broker(BrokerConfig broker) {
        List<Entry> out = new ArrayList<>();
        for (ConfigKey<?> key : BrokerKeys.DESCRIBED) {
            out.add(new Entry(key.name(), broker.rawValue(key), STATIC_BROKER_CONFIG, true));
        }
        return out;
    }
}
