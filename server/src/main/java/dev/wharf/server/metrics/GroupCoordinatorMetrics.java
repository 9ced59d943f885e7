package dev.wharf.server.metrics;

import dev.wharf.server.group.GroupCoordinator;
import dev.wharf.server.group.GroupOffsets;
import dev.wharf.server.group.GroupType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Kafka's {@code kafka.server:type=group-coordinator-metrics} (Kafka Metrics style, as Kafka 4.4's
 * group coordinator shows them): on the untagged MBean the offset meters as {@code <name>-rate}
 * (per second, over the last minute) and {@code <name>-count}, for offset commits, expirations and
 * deletions, classic groups' completed rebalances ({@code group-completed-rebalance}) and consumer
 * groups' ({@code consumer-group-rebalance}), and {@code offset-count} (offsets committed, a long);
 * {@code group-count} per {@code protocol}; {@code <protocol>-group-count} per {@code state}
 * (spelled as the state, {@code Stable}, as a Kafka 4.4 broker tags them). Counts are taken from
 * the coordinator's groups when read; the meters are marked through {@link GroupOffsets.Counts} as
 * commits, expirations, deletions and rebalances are applied. Thread-safe.
 */
final class GroupCoordinatorMetrics implements GroupOffsets.Counts {
    private static final String TYPE = "group-coordinator-metrics";
    private static final Map<GroupType, List<String>> STATES = Map.of(
            GroupType.CLASSIC, List.of("PreparingRebalance", "CompletingRebalance", "Stable", "Dead", "Empty"),
            GroupType.CONSUMER, List.of("Empty", "Assigning", "Reconciling", "Stable", "Dead"),
            GroupType.SHARE, List.of("Empty", "Stable", "Dead"),
            GroupType.STREAMS, List.of("Empty", "NotReady", "Assigning", "Reconciling", "Stable", "Dead"));

    private final KafkaMeter commits;
    private final KafkaMeter expirations;
    private final KafkaMeter deletions;
    /** Classic groups' rebalances completed (to Stable), and consumer groups' epoch bumps by a heartbeat, as Kafka counts them. */
    private final KafkaMeter classicRebalances;
    private final KafkaMeter consumerRebalances;

    GroupCoordinatorMetrics(MetricsRegistry registry, GroupCoordinator groups, GroupOffsets offsets) {
        commits = new KafkaMeter("offsets");
        expirations = new KafkaMeter("offsets");
        deletions = new KafkaMeter("offsets");
        classicRebalances = new KafkaMeter("rebalances");
        consumerRebalances = new KafkaMeter("rebalances");
        Map<String, Supplier<?>> untagged = new LinkedHashMap<>();
        meter(untagged, "offset-commit", commits);
        meter(untagged, "offset-expiration", expirations);
        meter(untagged, "offset-deletion", deletions);
        untagged.put("offset-count", () -> (long) offsets.count());
        meter(untagged, "group-completed-rebalance", classicRebalances);
        meter(untagged, "consumer-group-rebalance", consumerRebalances);
        registry.attributes(new MetricName("kafka.server", TYPE, null, List.of()), untagged,
                List.of(commits, expirations, deletions, classicRebalances, consumerRebalances));
        for (GroupType type : GroupType.values()) {
            registry.attributes(new MetricName("kafka.server", TYPE, null, List.of("protocol", type.displayName)),
                    Map.of("group-count", () -> (double) groups.list().stream().filter(g -> g.type() == type).count()), List.of());
        }
        Map<String, Map<String, Supplier<Double>>> byState = new LinkedHashMap<>();
        STATES.forEach((type, states) -> {
            for (String state : states) {
                byState.computeIfAbsent(state, s -> new LinkedHashMap<>()).put(
                        type.displayName + "-group-count", () -> (double) groups.list().stream()
                                .filter(g -> g.type() == type && g.state().equals(state)).count());
            }
        });
        byState.forEach((state, attributes) -> registry.attributes(
                new MetricName("kafka.server", TYPE, null, List.of("state", state)), attributes, List.of()));
        offsets.countWith(this);
    }

    private static void meter(Map<String, Supplier<?>> attributes, String name, KafkaMeter meter) {
        attributes.put(name + "-rate", meter::getOneMinuteRate);
        attributes.put(name + "-count", () -> (double) meter.getCount());
    }

    @Override
    public void committed(int offsets) {
        if (MetricsRegistry.RECORDING) {
            commits.mark(offsets);
        }
    }

    @Override
    public void expired(int offsets) {
        if (MetricsRegistry.RECORDING) {
            expirations.mark(offsets);
        }
    }

    @Override
    public void rebalanced(GroupType type) {
        if (!MetricsRegistry.RECORDING) {
            return;
        }
        if (type == GroupType.CLASSIC) {
            classicRebalances.mark();
        } else if (type == GroupType.CONSUMER) {
            consumerRebalances.mark();
        }
    }

    @Override
    public void deleted(int offsets) {
        if (MetricsRegistry.RECORDING) {
            deletions.mark(offsets);
        }
    }
}
