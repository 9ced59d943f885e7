package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.server.BrokerConfig;
import dev.wharf.server.TopicConfigs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The config resources the config APIs address: topics (type 2) and brokers (type 4), and the
 * entries they describe with Kafka's config sources.
 */
final class ConfigResources {
    static final byte TOPIC = 2;
    static final byte BROKER = 4;
    static final byte DYNAMIC_TOPIC_CONFIG = 1;
    static final byte STATIC_BROKER_CONFIG = 4;
    static final byte DEFAULT_CONFIG = 5;
    static final short INVALID_CONFIG = 40;
    static final short INVALID_REQUEST = 42;

    /** A described config entry. */
    record Entry(String name, String value, byte source, boolean readOnly) {}

    private ConfigResources() {}

    static List<Entry> topic(TopicInfo topic, BrokerConfig broker) {
        List<Entry> out = new ArrayList<>();
        Map<String, String> overrides = topic.configs();
        TopicConfigs.defaults(broker).forEach((name, def) -> out.add(overrides.containsKey(name)
                ? new Entry(name, overrides.get(name), DYNAMIC_TOPIC_CONFIG, false)
                : new Entry(name, def, DEFAULT_CONFIG, false)));
        return out;
    }

    static List<Entry> broker(BrokerConfig broker) {
        List<Entry> out = new ArrayList<>();
        for (String name : List.of("broker.id", "listeners", "log.dirs", "num.partitions", "default.replication.factor",
                "auto.create.topics.enable", "log.retention.hours", "log.retention.bytes", "log.segment.bytes",
                "message.max.bytes", "socket.request.max.bytes", "zookeeper.connect", "connections.max.idle.ms")) {
            out.add(new Entry(name, broker.getString(name), STATIC_BROKER_CONFIG, true));
        }
        return out;
    }
}
