package dev.wharf.server;

import dev.wharf.logstore.CompactionConfig;
import dev.wharf.logstore.LogConfig;
import java.util.HashMap;
import java.util.List;
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
            if (text == null && key.internal()) {
                continue; // not set: no value
            }
            values.put(key, key.def().parse(text != null ? text : key.defaultValue(broker)));
        }
        return new TopicSettings(values);
    }

    /** The key's typed value for this topic; null for an internal key the topic does not set. */
    @SuppressWarnings("unchecked")
    public <T> T get(TopicKey<T> key) {
        return (T) values.get(key);
    }

    /**
     * The settings the log store applies. A cleanup.policy without "delete" (compact only) turns
     * time and size retention off, as in Kafka; with "compact" the log cleaner keeps the latest
     * record per key.
     */
    public LogConfig logConfig() {
        List<String> policy = get(TopicConfigs.CLEANUP_POLICY);
        boolean deletes = policy.contains("delete");
        CompactionConfig compaction = new CompactionConfig(policy.contains("compact"), deletes,
                get(TopicConfigs.MIN_CLEANABLE_DIRTY_RATIO), get(TopicConfigs.DELETE_RETENTION_MS),
                get(TopicConfigs.MIN_COMPACTION_LAG_MS), get(TopicConfigs.MAX_COMPACTION_LAG_MS));
        return new LogConfig(segmentBytes(), get(TopicConfigs.SEGMENT_MS),
                get(TopicConfigs.SEGMENT_INDEX_BYTES), get(TopicConfigs.INDEX_INTERVAL_BYTES),
                deletes ? get(TopicConfigs.RETENTION_MS) : -1, deletes ? get(TopicConfigs.RETENTION_BYTES) : -1,
                get(TopicConfigs.FLUSH_MESSAGES), get(TopicConfigs.FLUSH_MS), get(TopicConfigs.FILE_DELETE_DELAY_MS),
                compaction);
    }

    /** The segment size: internal.segment.bytes when set (it replaces segment.bytes, as in Kafka), else segment.bytes. */
    public int segmentBytes() {
        Integer internalSegmentBytes = get(TopicConfigs.INTERNAL_SEGMENT_BYTES);
        return internalSegmentBytes != null ? internalSegmentBytes : get(TopicConfigs.SEGMENT_BYTES);
    }
}
