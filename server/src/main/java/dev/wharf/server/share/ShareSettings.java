package dev.wharf.server.share;

import dev.wharf.server.BrokerConfig;
import dev.wharf.server.config.BrokerKeys;
import java.util.Map;
import java.util.function.Function;

/**
 * The settings a share-partition works by: the broker's {@code group.share.*} keys, overridden per
 * group by the group configs ({@code share.record.lock.duration.ms}, {@code share.delivery.count.limit},
 * {@code share.partition.max.record.locks}, {@code share.auto.offset.reset}) within the broker's
 * bounds. A group value that does not parse is ignored. Stateless; any thread.
 */
final class ShareSettings {
    static final String LOCK_DURATION_MS = "share.record.lock.duration.ms";
    static final String DELIVERY_COUNT_LIMIT = "share.delivery.count.limit";
    static final String MAX_RECORD_LOCKS = "share.partition.max.record.locks";
    static final String AUTO_OFFSET_RESET = "share.auto.offset.reset";

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
                10_000);
    }

    /** {@code share.auto.offset.reset}: "latest" (Kafka's default) unless the group says "earliest". */
    boolean autoOffsetResetEarliest(String groupId) {
        return "earliest".equalsIgnoreCase(groupConfigs.apply(groupId).get(AUTO_OFFSET_RESET));
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
