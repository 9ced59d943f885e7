package dev.wharf.server.share;

import dev.wharf.server.BrokerConfig;
import dev.wharf.server.config.BrokerKeys;
import java.util.Map;
import java.util.function.Function;

/**
 * The settings a share-partition works by: the broker's {@code group.share.*} keys, overridden per
 * group by the group configs ({@code share.record.lock.duration.ms}, {@code share.delivery.count.limit},
 * {@code share.partition.max.record.locks}, {@code share.auto.offset.reset}, {@code share.isolation.level}) within the broker's
 * bounds. A group value that does not parse is ignored. Stateless; any thread.
 */
final class ShareSettings {
    static final String LOCK_DURATION_MS = "share.record.lock.duration.ms";
    static final String DELIVERY_COUNT_LIMIT = "share.delivery.count.limit";
    static final String MAX_RECORD_LOCKS = "share.partition.max.record.locks";
    static final String AUTO_OFFSET_RESET = "share.auto.offset.reset";
    static final String ISOLATION_LEVEL = "share.isolation.level";

    private final BrokerConfig config;
    private final Function<String, Map<String, String>> groupConfigs;

    ShareSettings(BrokerConfig config, Function<String, Map<String, String>> groupConfigs) {
        this.config = config;
        this.groupConfigs = groupConfigs;
    }

    int lockDurationMs(String groupId) {
        return bounded(groupId, LOCK_DURATION_MS, config.get(BrokerKeys.GROUP_SHARE_RECORD_LOCK_DURATION_MS),
                config.get(BrokerKeys.GROUP_SHARE_MIN_RECORD_LOCK_DURATION_MS),
                config.get(BrokerKeys.GROUP_SHARE_MAX_RECORD_LOCK_DURATION_MS));
    }

    int deliveryLimit(String groupId) {
        return bounded(groupId, DELIVERY_COUNT_LIMIT, config.get(BrokerKeys.GROUP_SHARE_DELIVERY_COUNT_LIMIT), 2, 10);
    }

    int maxRecordLocks(String groupId) {
        return bounded(groupId, MAX_RECORD_LOCKS, config.get(BrokerKeys.GROUP_SHARE_PARTITION_MAX_RECORD_LOCKS), 100,
                4000);
    }

    /**
     * Where a share-partition without stored state starts, as {@code share.auto.offset.reset} says:
     * "latest" (Kafka's default: the high watermark), "earliest" (the log start), or
     * "by_duration:&lt;ISO-8601&gt;" (the first record at or after that long ago; the high watermark if none).
     */
    long initialOffset(String groupId, dev.wharf.server.replica.Partition partition, long nowMs) {
        String v = groupConfigs.apply(groupId).getOrDefault(AUTO_OFFSET_RESET, "latest").trim();
        if (v.equalsIgnoreCase("earliest")) {
            return partition.logStartOffset();
        }
        if (v.toLowerCase(java.util.Locale.ROOT).startsWith("by_duration:")) {
            try {
                long since = nowMs - java.time.Duration.parse(v.substring("by_duration:".length())).toMillis();
                return partition.offsetForTimestamp(since).map(t -> t.offset()).orElse(partition.highWatermark());
            } catch (RuntimeException | java.io.IOException e) {
                return partition.highWatermark();
            }
        }
        return partition.highWatermark();
    }

    /** {@code share.isolation.level}: read_uncommitted (Kafka's default) unless the group says read_committed. */
    boolean readCommitted(String groupId) {
        return "read_committed".equalsIgnoreCase(groupConfigs.apply(groupId).get(ISOLATION_LEVEL));
    }

    private int bounded(String groupId, String name, int brokerValue, int min, int max) {
        String v = groupConfigs.apply(groupId).get(name);
        if (v == null) {
            return brokerValue;
        }
        try {
            int n = Integer.parseInt(v.trim());
            return n < min || n > max ? brokerValue : n;
        } catch (NumberFormatException e) {
            return brokerValue;
        }
    }
}
