package dev.wharf.controller;

import java.util.List;
import java.util.Optional;

/**
 * Told about changes to the cluster metadata {@link MetadataCache} holds, on the thread that
 * applies them ({@code wharf-zk-events}); a listener must return quickly and never block on
 * ZooKeeper or on the metadata store's writes.
 */
public interface MetadataListener {
    /** A topic was created, changed (partitions, leaders, configs) or, when {@code now} is empty, deleted. */
    default void topicChanged(String name, Optional<TopicInfo> now) {}

    /** The set of registered brokers changed; {@code live} is sorted by id. */
    default void brokersChanged(List<BrokerInfo> live) {}
}
