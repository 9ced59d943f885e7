package dev.wharf.server;

import dev.wharf.logstore.LogConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * A topic's configuration parsed once, when the topic is opened or its configs change: each key
 * of {@link TopicConfigs} typed, the topic's override or else the broker's default. The log and
 * produce settings derive from it. Immutable.
 */
public final class TopicSettings {
    private final Map<TopicKey<?>, Object> values;

    private TopicSettings(Map<TopicKey<?>, Object> values) {
        this.values = values;
    }

    /** The topic's overrides over the broker's defaults; an invalid value is a ConfigException naming the key. */
    public static TopicSettings of(BrokerConfig broker, Map<String, String> overrides) {
        Map<TopicKey<?>, Object> values = new HashMap<>();
        for (TopicKey<?> key : TopicConfigs.all()) {
            String text = overrides.get(key.name());
            values.put(key, key.def().parse(text != null ? text : key.defaultValue(broker)));
        }
        return new TopicSettings(values);
    }

    /** The key's typed value for this topic. */
    @SuppressWarnings("unchecked")
    public <T> T get(TopicKey<T> key) {
        return (T) values.get(key);
    }

    /**
     * The settings the log store applies. A cleanup.policy without "delete" (compact only) turns
     * time and size retention off, as in Kafka; Wharf has no log cleaner yet.
     */
    public LogConfig logConfig() {
        boolean deletes = get(TopicConfigs.CLEANUP_POLICY).contains("delete");
        return new LogConfig(get(TopicConfigs.SEGMENT_BYTES), get(TopicConfigs.SEGMENT_MS),
                get(TopicConfigs.SEGMENT_INDEX_BYTES), get(TopicConfigs.INDEX_INTERVAL_BYTES),
                deletes ? get(TopicConfigs.RETENTION_MS) : -1, deletes ? get(TopicConfigs.RETENTION_BYTES) : -1,
                get(TopicConfigs.FLUSH_MESSAGES), get(TopicConfigs.FLUSH_MS), get(TopicConfigs.FILE_DELETE_DELAY_MS));
    }
}
