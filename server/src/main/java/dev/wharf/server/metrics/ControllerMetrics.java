package dev.wharf.server.metrics;

import dev.wharf.controller.TopicInfo;
import dev.wharf.controller.ZkMetadataStore;
import java.util.function.ToIntFunction;

/**
 * Kafka's {@code kafka.controller:type=KafkaController} gauges, read from the metadata cache when
 * asked (as in Kafka, only the active controller reports the cluster-wide counts; the others
 * report 0), and {@code ControllerStats}: each leader the controller elects (its decision and
 * write timed, from a broker going or coming, or ElectLeaders), and those elected from outside the
 * ISR. Thread-safe (the cache is; elections are recorded on the ZooKeeper event thread).
 */
final class ControllerMetrics {
    private ControllerMetrics() {
    }

    static void register(MetricsRegistry registry, ZkMetadataStore metadata) {
        KafkaTimer elections = registry.timer(MetricName.of("kafka.controller", "ControllerStats", "LeaderElectionRateAndTimeMs"));
        KafkaMeter unclean = registry.meter(MetricName.of("kafka.controller", "ControllerStats", "UncleanLeaderElectionsPerSec"),
                "elections");
        metadata.onLeaderElection((millis, wasUnclean) -> {
            if (MetricsRegistry.RECORDING) {
                elections.update(millis);
                if (wasUnclean) {
                    unclean.mark();
                }
            }
        });
        registry.gauge(name("ActiveControllerCount"), () -> metadata.isController() ? 1 : 0);
        byController(registry, metadata, "GlobalTopicCount", t -> 1);
        byController(registry, metadata, "GlobalPartitionCount", t -> t.partitions().size());
        byController(registry, metadata, "OfflinePartitionsCount",
                t -> (int) t.partitions().stream().filter(p -> p.leader() < 0).count());
        byController(registry, metadata, "PreferredReplicaImbalanceCount", t -> (int) t.partitions().stream()
                .filter(p -> !p.replicas().isEmpty() && p.leader() != p.replicas().get(0)).count());
    }

    private static MetricName name(String name) {
        return MetricName.of("kafka.controller", "KafkaController", name);
    }

    private static void byController(MetricsRegistry registry, ZkMetadataStore metadata, String name,
            ToIntFunction<TopicInfo> count) {
        registry.gauge(name(name), () -> {
            if (!metadata.isController()) {
                return 0;
            }
            int n = 0;
            for (TopicInfo t : metadata.topics().values()) {
                n += count.applyAsInt(t);
            }
            return n;
        });
    }
}
