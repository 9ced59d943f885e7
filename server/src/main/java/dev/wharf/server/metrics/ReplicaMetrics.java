package dev.wharf.server.metrics;

import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.purgatory.DelayedOperationPurgatory;
import dev.wharf.server.replica.Partition;
import dev.wharf.server.replica.PartitionWaiters;
import dev.wharf.server.replica.HostingListener;
import dev.wharf.server.replica.ReplicaManager;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The metrics of the replicas hosted here: Kafka's {@code kafka.server:type=ReplicaManager} gauges
 * and ISR meters, {@code DelayedOperationPurgatory} sizes (Wharf's consumer and follower fetch
 * waits are Kafka's {@code Fetch} purgatory, its acks=all waits the {@code Produce} one), and each
 * hosted partition's {@code kafka.log:type=Log} gauges, registered when it opens here and removed
 * when it goes. Gauges are computed when read; the replica manager tells this class of partitions
 * opening and going on the thread that does it. Thread-safe.
 */
final class ReplicaMetrics implements HostingListener {
    private static final String[] LOG_GAUGES = {"Size", "LogEndOffset", "LogStartOffset", "NumLogSegments"};

    private final MetricsRegistry registry;
    private final BrokerTopicMetrics topics;
    private final ReplicaManager replicas;
    private final ZkMetadataStore metadata;
    final KafkaMeter isrShrinks;
    final KafkaMeter isrExpands;

    ReplicaMetrics(MetricsRegistry registry, BrokerTopicMetrics topics, ReplicaManager replicas, ZkMetadataStore metadata) {
        this.registry = registry;
        this.topics = topics;
        this.replicas = replicas;
        this.metadata = metadata;
        isrShrinks = registry.meter(name("IsrShrinksPerSec"), "shrinks");
        isrExpands = registry.meter(name("IsrExpandsPerSec"), "expands");
        gauge("UnderReplicatedPartitions", p -> p.isLeader() && p.inSyncReplicas().size() < replicaCount(p) ? 1 : 0);
        gauge("UnderMinIsrPartitionCount", p -> p.isLeader() && p.inSyncReplicas().size() < p.minInsyncReplicas() ? 1 : 0);
        gauge("AtMinIsrPartitionCount", p -> p.isLeader() && p.inSyncReplicas().size() == p.minInsyncReplicas() ? 1 : 0);
        gauge("PartitionCount", p -> 1);
        gauge("LeaderCount", p -> p.isLeader() ? 1 : 0);
        registry.gauge(name("OfflineReplicaCount"), replicas::offlineReplicas);
        PartitionWaiters waiters = replicas.waiters();
        purgatory("Fetch", waiters.fetches(), waiters.followerFetches());
        purgatory("Produce", waiters.replication());
        replicas.onHosting(this);
    }

    private static MetricName name(String name) {
        return MetricName.of("kafka.server", "ReplicaManager", name);
    }

    private void gauge(String name, ToIntFunction<Partition> counts) {
        registry.gauge(name(name), () -> {
            int n = 0;
            for (Partition p : replicas.hostedPartitions()) {
                n += counts.applyAsInt(p);
            }
            return n;
        });
    }

    @SafeVarargs
    private void purgatory(String operation, DelayedOperationPurgatory<TopicPartition>... purgatories) {
        List<DelayedOperationPurgatory<TopicPartition>> all = List.of(purgatories);
        registry.gauge(MetricName.of("kafka.server", "DelayedOperationPurgatory", "PurgatorySize", "delayedOperation", operation),
                () -> all.stream().mapToInt(DelayedOperationPurgatory::watched).sum());
        registry.gauge(MetricName.of("kafka.server", "DelayedOperationPurgatory", "NumDelayedOperations", "delayedOperation",
                operation), () -> all.stream().mapToInt(DelayedOperationPurgatory::pending).sum());
    }

    private int replicaCount(Partition p) {
        TopicPartition tp = p.topicPartition();
        return metadata.topic(tp.topic()).filter(t -> t.id().equals(p.topicId()))
                .map(t -> t.partitions().stream().filter(i -> i.partition() == tp.partition()).findFirst()
                        .map(i -> i.replicas().size()).orElse(0))
                .orElse(0);
    }

    private static MetricName logName(String name, TopicPartition tp) {
        return MetricName.of("kafka.log", "Log", name, "topic", tp.topic(), "partition", Integer.toString(tp.partition()));
    }

    @Override
    public TopicMeters opened(Partition p) {
        TopicPartition tp = p.topicPartition();
        registry.gauge(logName("Size", tp), p::size);
        registry.gauge(logName("LogEndOffset", tp), p::logEndOffset);
        registry.gauge(logName("LogStartOffset", tp), p::logStartOffset);
        registry.gauge(logName("NumLogSegments", tp), () -> p.log().segmentCount());
        return topics.opened(tp.topic());
    }

    @Override
    public void closed(Partition p) {
        TopicPartition tp = p.topicPartition();
        for (String name : LOG_GAUGES) {
            registry.remove(logName(name, tp));
        }
        topics.closed(tp.topic());
    }

    @Override
    public void isrChanged(int before, int after) {
        if (after < before) {
            isrShrinks.mark();
        } else if (after > before) {
            isrExpands.mark();
        }
    }
}
