package dev.wharf.server.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code BrokerTopicMetrics} meters: for all topics, and for each topic hosted here, made when
 * its first partition opens and removed when its last one goes (a deleted topic leaves no MBean).
 * Thread-safe: partitions open and go on {@code wharf-zk-events}, or on the thread that takes a
 * failed log dir offline.
 */
public final class BrokerTopicMetrics {
    private final MetricsRegistry registry;
    private final TopicMeters all;
    private final Map<String, Hosted> topics = new ConcurrentHashMap<>();

    private record Hosted(TopicMeters meters, int partitions) {}

    public BrokerTopicMetrics(MetricsRegistry registry) {
        this.registry = registry;
        this.all = new TopicMeters(registry, null, null);
    }

    public TopicMeters allTopics() {
        return all;
    }

    /** The topic's meters, for a partition of it that opened here. */
    public TopicMeters opened(String topic) {
        return topics.compute(topic, (t, h) -> h == null ? new Hosted(new TopicMeters(registry, t, all), 1)
                : new Hosted(h.meters, h.partitions + 1)).meters;
    }

    /** A partition of the topic went from this broker; with the last one, its meters go. */
    public void closed(String topic) {
        Hosted left = topics.computeIfPresent(topic, (t, h) -> h.partitions <= 1 ? null : new Hosted(h.meters, h.partitions - 1));
        if (left == null) {
            registry.remove(n -> n.type().equals("BrokerTopicMetrics") && n.tags().size() == 2
                    && n.tags().get(1).equals(topic));
        }
    }
}
