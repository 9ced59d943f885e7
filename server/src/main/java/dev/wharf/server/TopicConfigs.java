package dev.wharf.server;

import dev.wharf.logstore.LogConfig;
import java.util.HashMap;
import java.util.List;
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
        d.put("file.delete.delay.ms", broker.getString("log.segment.delete.delay.ms"));
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
        oneOf(configs, "message.timestamp.type", Set.of("CreateTime", "LogAppendTime"));
        oneOf(configs, "compression.type", Set.of("producer", "uncompressed", "gzip", "snappy", "lz4", "zstd"));
        for (String b : List.of("unclean.leader.election.enable", "preallocate", "message.downconversion.enable",
                "remote.storage.enable")) {
            oneOf(configs, b, Set.of("true", "false"));
        }
        String policy = configs.get("cleanup.policy");
        if (policy != null) {
            for (String p : policy.split(",")) {
                if (!p.isBlank() && !p.trim().equals("delete") && !p.trim().equals("compact")) {
                    throw invalid("cleanup.policy", policy);
                }
            }
        }
        // stored-only numbers are read by the broker (max.message.bytes on every produce), so they
        // must parse and be in range when they are set, not fail later
        atLeast(configs, "max.message.bytes", 0, Integer.MAX_VALUE);
        atLeast(configs, "min.insync.replicas", 1, Integer.MAX_VALUE);
        for (String ms : List.of("message.timestamp.before.max.ms", "message.timestamp.after.max.ms",
                "message.timestamp.difference.max.ms", "delete.retention.ms", "min.compaction.lag.ms",
                "segment.jitter.ms")) {
            atLeast(configs, ms, 0, Long.MAX_VALUE);
        }
        atLeast(configs, "max.compaction.lag.ms", 1, Long.MAX_VALUE);
        atLeast(configs, "local.retention.ms", -2, Long.MAX_VALUE);
        atLeast(configs, "local.retention.bytes", -2, Long.MAX_VALUE);
        String ratio = configs.get("min.cleanable.dirty.ratio");
        if (ratio != null) {
            try {
                double r = Double.parseDouble(ratio);
                if (!(r >= 0 && r <= 1)) {
                    throw invalid("min.cleanable.dirty.ratio", ratio);
                }
            } catch (NumberFormatException e) {
                throw invalid("min.cleanable.dirty.ratio", ratio);
            }
        }
        LogConfig.DEFAULTS.with(logKeys(configs)); // the values as given, before any policy adjusts them
    }

    private static void oneOf(Map<String, String> configs, String key, Set<String> allowed) {
        String v = configs.get(key);
        if (v != null && !allowed.contains(v)) {
            throw invalid(key, v);
        }
    }

    private static void atLeast(Map<String, String> configs, String key, long min, long max) {
        String v = configs.get(key);
        if (v == null) {
            return;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > max) {
                throw invalid(key, v);
            }
        } catch (NumberFormatException e) {
            throw invalid(key, v);
        }
    }

    private static IllegalArgumentException invalid(String key, String value) {
        return new IllegalArgumentException("Invalid value " + value + " for configuration " + key);
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
