package dev.wharf.server;

import dev.wharf.logstore.LogConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Topic-level config names Kafka accepts. The ones the log store implements take effect on the
 * log; the others are stored and described (so tools that set them keep working) without effect
 * yet.
 */
public final class TopicConfigs {
    /** Keys {@link LogConfig#with} understands. */
    static final Set<String> LOG_KEYS = Set.of("segment.bytes", "segment.ms", "segment.index.bytes",
            "index.interval.bytes", "retention.ms", "retention.bytes", "flush.messages", "flush.ms",
            "file.delete.delay.ms");
    private static final Set<String> STORED_ONLY = Set.of("cleanup.policy", "compression.type", "max.message.bytes",
            "message.timestamp.type", "min.insync.replicas", "unclean.leader.election.enable", "preallocate",
            "min.cleanable.dirty.ratio", "delete.retention.ms", "min.compaction.lag.ms", "max.compaction.lag.ms",
            "message.timestamp.before.max.ms", "message.timestamp.after.max.ms", "message.timestamp.difference.max.ms",
            "message.downconversion.enable", "segment.jitter.ms", "follower.replication.throttled.replicas",
            "leader.replication.throttled.replicas", "local.retention.ms", "local.retention.bytes",
            "remote.storage.enable");

    private TopicConfigs() {}

    /** Every topic config with the value it has when a topic does not override it. */
    public static Map<String, String> defaults(BrokerConfig broker) {
        Map<String, String> d = new java.util.TreeMap<>();
        d.put("retention.ms", Long.toString(broker.retentionMs()));
        d.put("retention.bytes", broker.getString("log.retention.bytes"));
        d.put("segment.bytes", broker.getString("log.segment.bytes"));
        d.put("segment.ms", Long.toString(broker.getLong("log.roll.hours") * 3_600_000L));
        d.put("segment.index.bytes", broker.getString("log.index.size.max.bytes"));
        d.put("index.interval.bytes", broker.getString("log.index.interval.bytes"));
        d.put("flush.messages", broker.getString("log.flush.interval.messages"));
        d.put("flush.ms", Long.toString(broker.logConfig().flushMs()));
        d.put("file.delete.delay.ms", broker.getString("file.delete.delay.ms"));
        d.put("max.message.bytes", broker.getString("message.max.bytes"));
        d.put("cleanup.policy", "delete");
        d.put("compression.type", "producer");
        d.put("message.timestamp.type", broker.getString("log.message.timestamp.type"));
        d.put("min.insync.replicas", "1");
        d.put("unclean.leader.election.enable", "false");
        d.put("preallocate", "false");
        d.put("min.cleanable.dirty.ratio", "0.5");
        d.put("delete.retention.ms", "86400000");
        d.put("min.compaction.lag.ms", "0");
        d.put("max.compaction.lag.ms", Long.toString(Long.MAX_VALUE));
        d.put("message.timestamp.before.max.ms", Long.toString(Long.MAX_VALUE));
        d.put("message.timestamp.after.max.ms", "3600000");
        d.put("message.timestamp.difference.max.ms", Long.toString(Long.MAX_VALUE));
        d.put("message.downconversion.enable", "true");
        d.put("segment.jitter.ms", "0");
        d.put("follower.replication.throttled.replicas", "");
        d.put("leader.replication.throttled.replicas", "");
        d.put("local.retention.ms", "-2");
        d.put("local.retention.bytes", "-2");
        d.put("remote.storage.enable", "false");
        return d;
    }

    /** Checks names and the values the log store interprets; the message names the bad entry. */
    public static void validate(Map<String, String> configs) {
        for (String key : configs.keySet()) {
            if (!LOG_KEYS.contains(key) && !STORED_ONLY.contains(key)) {
                throw new IllegalArgumentException("Unknown topic config name: " + key);
            }
        }
        String timestampType = configs.get("message.timestamp.type");
        if (timestampType != null && !timestampType.equals("CreateTime") && !timestampType.equals("LogAppendTime")) {
            throw new IllegalArgumentException("Invalid value " + timestampType + " for configuration message.timestamp.type");
        }
        LogConfig.DEFAULTS.with(logKeys(configs)); // the values as given, before any policy adjusts them
    }

    private static Map<String, String> logKeys(Map<String, String> configs) {
        Map<String, String> out = new HashMap<>();
        configs.forEach((k, v) -> {
            if (LOG_KEYS.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /**
     * The entries the log store applies. A cleanup.policy without "delete" (compact only) turns
     * time and size retention off, as in Kafka; compaction itself is not implemented yet.
     */
    public static Map<String, String> logOverrides(Map<String, String> configs) {
        Map<String, String> out = logKeys(configs);
        String policy = configs.get("cleanup.policy");
        if (policy != null && !java.util.Arrays.asList(policy.split(",")).contains("delete")) {
            out.put("retention.ms", "-1");
            out.put("retention.bytes", "-1");
        }
        return out;
    }
}
