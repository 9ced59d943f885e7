package dev.wharf.controller;

import java.util.Map;

/**
 * Told about the dynamic broker configs in ZooKeeper, on {@code wharf-zk-events}; must return
 * quickly and never block on ZooKeeper or on the metadata store's writes.
 */
@FunctionalInterface
public interface BrokerConfigListener {
    /**
     * The dynamic configs of an entity are now {@code configs} (empty: none). {@code entity} is a
     * broker id, or the empty string for the cluster-wide default, as the config APIs name them.
     */
    void brokerConfigsChanged(String entity, Map<String, String> configs);
}
