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

    /** Checks names and the values the log store interprets; the message names the bad entry. */
    public static void validate(Map<String, String> configs) {
        for (String key : configs.keySet()) {
            if (!LOG_KEYS.contains(key) && !STORED_ONLY.contains(key)) {
                throw new IllegalArgumentException("Unknown topic config name: " + key);
            }
        }
        LogConfig.DEFAULTS.with(logOverrides(configs));
    }

    /** The entries the log store applies. */
    public static Map<String, String> logOverrides(Map<String, String> configs) {
        Map<String, String> out = new HashMap<>();
        configs.forEach((k, v) -> {
            if (LOG_KEYS.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }
}
