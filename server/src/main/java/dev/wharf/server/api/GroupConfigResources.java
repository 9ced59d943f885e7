package dev.wharf.server.api;

import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.BrokerConfig;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.config.BrokerKeys;
import dev.wharf.server.config.ConfigSource;
import dev.wharf.wire.message.IncrementalAlterConfigsRequest;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Group config resources (resource type 32, Kafka's GROUP): per-group settings kept in ZooKeeper
 * ({@code /config/groups/<id>}), set with IncrementalAlterConfigs (SET and DELETE) and shown by
 * DescribeConfigs. The keys known so far are the share-group ones (KIP-932); a name not known is
 * INVALID_CONFIG, as Kafka answers, and so is a value outside the broker's bounds. Stateless.
 */
final class GroupConfigResources {
    static final byte GROUP = 32;

    /** A group config key: its default (from the broker's config) and how a value is checked (null: fine). */
    private record Key(Function<BrokerConfig, String> defaultValue, Function<BrokerConfig, Function<String, String>> check) {}

    private static final Map<String, Key> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("share.record.lock.duration.ms", new Key(c -> c.get(BrokerKeys.GROUP_SHARE_RECORD_LOCK_DURATION_MS).toString(),
                c -> v -> intBetween(v, c.get(BrokerKeys.GROUP_SHARE_MIN_RECORD_LOCK_DURATION_MS),
                        c.get(BrokerKeys.GROUP_SHARE_MAX_RECORD_LOCK_DURATION_MS))));
        KEYS.put("share.delivery.count.limit", new Key(c -> c.get(BrokerKeys.GROUP_SHARE_DELIVERY_COUNT_LIMIT).toString(),
                c -> v -> intBetween(v, 2, 10)));
        KEYS.put("share.partition.max.record.locks", new Key(
                c -> c.get(BrokerKeys.GROUP_SHARE_PARTITION_MAX_RECORD_LOCKS).toString(), c -> v -> intBetween(v, 100, 4000)));
        KEYS.put("share.auto.offset.reset", new Key(c -> "latest", c -> GroupConfigResources::offsetReset));
        KEYS.put("share.isolation.level", new Key(c -> "read_uncommitted", c -> v -> v.equals("read_committed")
                || v.equals("read_uncommitted") ? null : "must be read_committed or read_uncommitted"));
        KEYS.put("share.session.timeout.ms", new Key(c -> c.get(BrokerKeys.GROUP_SHARE_SESSION_TIMEOUT_MS).toString(),
                c -> v -> intBetween(v, c.get(BrokerKeys.GROUP_SHARE_MIN_SESSION_TIMEOUT_MS),
                        c.get(BrokerKeys.GROUP_SHARE_MAX_SESSION_TIMEOUT_MS))));
        KEYS.put("share.heartbeat.interval.ms", new Key(c -> c.get(BrokerKeys.GROUP_SHARE_HEARTBEAT_INTERVAL_MS).toString(),
                c -> v -> intBetween(v, c.get(BrokerKeys.GROUP_SHARE_MIN_HEARTBEAT_INTERVAL_MS),
                        c.get(BrokerKeys.GROUP_SHARE_MAX_HEARTBEAT_INTERVAL_MS))));
    }

    private GroupConfigResources() {}

    /** Applies SET and DELETE to the group's configs; the error (and message) to answer, NONE when stored. */
    static IncrementalAlterOutcome alter(ZkMetadataStore metadata, BrokerConfig config, String groupId,
            List<IncrementalAlterConfigsRequest.AlterableConfig> ops, boolean validateOnly) {
        if (groupId == null || groupId.isEmpty()) {
            return new IncrementalAlterOutcome(ErrorCode.INVALID_REQUEST, "Group id can't be empty.");
        }
        for (IncrementalAlterConfigsRequest.AlterableConfig op : ops) {
            Key key = KEYS.get(op.name());
            if (key == null) {
                return new IncrementalAlterOutcome(ErrorCode.INVALID_CONFIG, "Unknown group config name: " + op.name());
            }
            if (op.configOperation() == 0) {
                String problem = op.value() == null ? "Null value not supported for: " + op.name()
                        : key.check().apply(config).apply(op.value());
                if (problem != null) {
                    return new IncrementalAlterOutcome(ErrorCode.INVALID_CONFIG, "Invalid value " + op.value()
                            + " for configuration " + op.name() + ": " + problem);
                }
            } else if (op.configOperation() != 1) {
                return new IncrementalAlterOutcome(ErrorCode.INVALID_REQUEST, "Only SET and DELETE apply to group configs");
            }
        }
        if (validateOnly) {
            return new IncrementalAlterOutcome(ErrorCode.NONE, null);
        }
        try {
            metadata.updateGroupConfigs(groupId, stored -> {
                for (IncrementalAlterConfigsRequest.AlterableConfig op : ops) {
                    if (op.configOperation() == 0) {
                        stored.put(op.name(), op.value());
                    } else {
                        stored.remove(op.name());
                    }
                }
                return stored;
            });
            return new IncrementalAlterOutcome(ErrorCode.NONE, null);
        } catch (Exception e) {
            return new IncrementalAlterOutcome(ErrorCode.forException(e), ErrorCode.messageFor(e));
        }
    }

    /** What an alteration of one resource came to. */
    record IncrementalAlterOutcome(ErrorCode error, String message) {}

    /** Every known group key: the group's value, or the default the broker gives it. */
    static List<ConfigResources.Entry> describe(ZkMetadataStore metadata, BrokerConfig config, String groupId) {
        Map<String, String> set = metadata.groupConfigs(groupId);
        List<ConfigResources.Entry> out = new ArrayList<>();
        KEYS.forEach((name, key) -> {
            String value = set.get(name);
            ConfigSource source = value != null ? ConfigSource.DYNAMIC_GROUP_CONFIG : ConfigSource.DEFAULT_CONFIG;
            String shown = value != null ? value : key.defaultValue().apply(config);
            out.add(new ConfigResources.Entry(name, shown, source, false,
                    List.of(new dev.wharf.server.DynamicBrokerConfig.Synonym(name, shown, source))));
        });
        return out;
    }

    private static String intBetween(String v, int min, int max) {
        try {
            int n = Integer.parseInt(v.trim());
            return n < min || n > max ? "must be between " + min + " and " + max : null;
        } catch (NumberFormatException e) {
            return "not a number";
        }
    }

    /** Kafka's share.auto.offset.reset values: latest, earliest, or by_duration:&lt;ISO-8601 duration, not negative&gt;. */
    private static String offsetReset(String v) {
        String lower = v.trim().toLowerCase(java.util.Locale.ROOT);
        if (lower.equals("latest") || lower.equals("earliest")) {
            return null;
        }
        if (lower.startsWith("by_duration:")) {
            try {
                return Duration.parse(v.trim().substring("by_duration:".length())).isNegative()
                        ? "the duration must not be negative" : null;
            } catch (DateTimeParseException e) {
                return "not an ISO-8601 duration";
            }
        }
        return "must be latest, earliest or by_duration:<duration>";
    }
}
