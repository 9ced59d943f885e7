package dev.wharf.controller;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic broker configs in ZooKeeper ({@code /config/brokers/<id>} and {@code /config/brokers/<default>},
 * as Kafka's ZooKeeper mode keeps them), in memory and followed by a persistent recursive watch,
 * re-added and followed by a full re-read for every session. Entities are named as the config
 * APIs name them: a broker id, or the empty string for the cluster-wide default.
 *
 * <p>Writes are compare-and-set on the znode version, so two brokers altering the same entity at
 * once cannot lose either change: the loser reads again and reapplies its change.
 *
 * <p>Threads: updates and writes run on {@code wharf-zk-events}, which also tells the listeners;
 * {@link #configs} reads a concurrent map from any thread.
 */
final class BrokerConfigStore implements ZkSession.Listener {
    private static final Logger log = LoggerFactory.getLogger(BrokerConfigStore.class);

    private final ZkSession session;
    private final CuratorFramework zk;
    private final Map<String, Map<String, String>> entities = new ConcurrentHashMap<>();
    private final List<BrokerConfigListener> listeners = new CopyOnWriteArrayList<>();
    private final Watcher watcher;

    BrokerConfigStore(ZkSession session) {
        this.session = session;
        this.zk = session.client();
        this.watcher = event -> {
            String child = ZkData.childOf(ZkData.BROKER_CONFIGS, event.getPath());
            if (child != null) {
                session.execute(() -> reloadOrRetry(entityOf(child)));
            }
        };
    }

    @Override
    public void registered() throws Exception {
        try {
            zk.create().creatingParentsIfNeeded().forPath(ZkData.BROKER_CONFIGS);
        } catch (KeeperException.NodeExistsException e) {
            // already there
        }
        zk.watchers().add().withMode(AddWatchMode.PERSISTENT_RECURSIVE).usingWatcher(watcher).forPath(ZkData.BROKER_CONFIGS);
        // a new session has no watch, and changes made meanwhile were not seen
        Set<String> gone = new HashSet<>(entities.keySet());
        for (String child : zk.getChildren().forPath(ZkData.BROKER_CONFIGS)) {
            gone.remove(entityOf(child));
            reload(entityOf(child));
        }
        for (String entity : gone) {
            reload(entity);
        }
    }

    /** Tells {@code listener} of every entity that has configs now, then of every change; on {@code wharf-zk-events}. */
    void subscribe(BrokerConfigListener listener) {
        listeners.add(listener);
        entities.forEach(listener::brokerConfigsChanged);
    }

    /** An entity's dynamic configs as last seen (empty when it has none). */
    Map<String, String> configs(String entity) {
        return entities.getOrDefault(entity, Map.of());
    }

    /**
     * Replaces an entity's configs with what {@code change} makes of the stored ones, and returns
     * them. {@code change} may throw to refuse; it may run more than once when another broker
     * writes the entity meanwhile.
     */
    Map<String, String> update(String entity, UnaryOperator<Map<String, String>> change) throws Exception {
        String path = ZkData.brokerConfig(znodeOf(entity));
        while (true) {
            Stat stat = new Stat();
            Map<String, String> stored;
            try {
                stored = ZkData.brokerConfig(zk.getData().storingStatIn(stat).forPath(path));
            } catch (KeeperException.NoNodeException e) {
                stat = null;
                stored = Map.of();
            }
            Map<String, String> next = Map.copyOf(change.apply(new HashMap<>(stored)));
            try {
                if (stat == null) {
                    zk.create().creatingParentsIfNeeded().forPath(path, ZkData.brokerConfig(next));
                } else {
                    zk.setData().withVersion(stat.getVersion()).forPath(path, ZkData.brokerConfig(next));
                }
            } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException raced) {
                continue; // another broker wrote it first: apply the change to what it wrote
            }
            remember(entity, next);
            log.info("dynamic broker configs of entity={} now {}", describe(entity), next);
            return next;
        }
    }

    private void reloadOrRetry(String entity) {
        try {
            reload(entity);
        } catch (Exception e) {
            log.warn("cannot read the dynamic configs of entity={}; trying again in 1 s: {}", describe(entity), e.toString());
            session.schedule(() -> reloadOrRetry(entity), 1000);
        }
    }

    private void reload(String entity) throws Exception {
        Map<String, String> now;
        try {
            now = ZkData.brokerConfig(zk.getData().forPath(ZkData.brokerConfig(znodeOf(entity))));
        } catch (KeeperException.NoNodeException e) {
            now = Map.of();
        }
        remember(entity, Map.copyOf(now));
    }

    private void remember(String entity, Map<String, String> now) {
        Map<String, String> old = now.isEmpty() ? entities.remove(entity) : entities.put(entity, now);
        if (!now.equals(old == null ? Map.of() : old)) {
            listeners.forEach(l -> l.brokerConfigsChanged(entity, now));
        }
    }

    private static String entityOf(String child) {
        return child.equals(ZkData.DEFAULT_BROKER_ENTITY) ? "" : child;
    }

    private static String znodeOf(String entity) {
        return entity.isEmpty() ? ZkData.DEFAULT_BROKER_ENTITY : entity;
    }

    private static String describe(String entity) {
        return entity.isEmpty() ? ZkData.DEFAULT_BROKER_ENTITY : entity;
    }
}
