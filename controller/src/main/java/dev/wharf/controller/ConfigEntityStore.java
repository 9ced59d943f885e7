package dev.wharf.controller;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dynamic configs of one kind of config entity, kept in ZooKeeper below one root as Kafka's
 * ZooKeeper mode keeps them ({@code {"version":1,"config":{...}}} per entity znode; see
 * {@link ZkData}), in memory and followed by a persistent recursive watch on the root, re-added
 * and followed by a full re-read for every session. Which znodes are entities and what they are
 * called is the {@link Layout}'s business: brokers ({@code /config/brokers/<id>}), users and
 * client ids ({@code /config/users/<u>[/clients/<c>]}, {@code /config/clients/<c>}).
 *
 * <p>Writes are compare-and-set on the znode version, so two brokers altering the same entity at
 * once cannot lose either change: the loser reads again and reapplies its change. An entity whose
 * configs become empty keeps its znode with an empty config (as Kafka does; it may have children).
 *
 * <p>Threads: updates and writes run on {@code wharf-zk-events}, which also tells the listeners;
 * {@link #configs} and {@link #all} read a concurrent map from any thread.
 */
final class ConfigEntityStore<E> implements ZkSession.Listener {
    private static final Logger log = LoggerFactory.getLogger(ConfigEntityStore.class);

    /** Where the entities of one kind live below their root. */
    interface Layout<E> {
        /** The znode below which every entity lives. */
        String root();

        /** The znode of an entity. */
        String path(E entity);

        /** The entity whose znode {@code path} is, or null when it is none (the root, a {@code clients} folder). */
        E entityAt(String path);
    }

    private final ZkSession session;
    private final CuratorFramework zk;
    private final Layout<E> layout;
    private final Map<E, Map<String, String>> entities = new ConcurrentHashMap<>();
    private final List<BiConsumer<E, Map<String, String>>> listeners = new CopyOnWriteArrayList<>();
    private final Watcher watcher;

    ConfigEntityStore(ZkSession session, Layout<E> layout) {
        this.session = session;
        this.zk = session.client();
        this.layout = layout;
        this.watcher = event -> {
            E entity = event.getPath() == null ? null : layout.entityAt(event.getPath());
            if (entity != null) {
                session.execute(() -> reloadOrRetry(entity));
            }
        };
    }

    @Override
    public void registered() throws Exception {
        try {
            zk.create().creatingParentsIfNeeded().forPath(layout.root());
        } catch (KeeperException.NodeExistsException e) {
            // already there
        }
        zk.watchers().add().withMode(AddWatchMode.PERSISTENT_RECURSIVE).usingWatcher(watcher).forPath(layout.root());
        // a new session has no watch, and changes made meanwhile were not seen
        Set<E> gone = new HashSet<>(entities.keySet());
        for (String path : descendants(layout.root())) {
            E entity = layout.entityAt(path);
            if (entity != null) {
                gone.remove(entity);
                reload(entity);
            }
        }
        for (E entity : gone) {
            reload(entity);
        }
    }

    /** Tells {@code listener} of every entity that has configs now, then of every change; on {@code wharf-zk-events}. */
    void subscribe(BiConsumer<E, Map<String, String>> listener) {
        listeners.add(listener);
        entities.forEach(listener);
    }

    /** An entity's dynamic configs as last seen (empty when it has none). */
    Map<String, String> configs(E entity) {
        return entities.getOrDefault(entity, Map.of());
    }

    /** Every entity with configs, as last seen. */
    Map<E, Map<String, String>> all() {
        return Map.copyOf(entities);
    }

    /**
     * Replaces an entity's configs with what {@code change} makes of the stored ones, and returns
     * them. {@code change} may throw to refuse; it may run more than once when another broker
     * writes the entity meanwhile.
     */
    Map<String, String> update(E entity, UnaryOperator<Map<String, String>> change) throws Exception {
        String path = layout.path(entity);
        while (true) {
            Stat stat = new Stat();
            Map<String, String> stored;
            try {
                stored = ZkData.entityConfig(zk.getData().storingStatIn(stat).forPath(path));
            } catch (KeeperException.NoNodeException e) {
                stat = null;
                stored = Map.of();
            }
            Map<String, String> next = Map.copyOf(change.apply(new HashMap<>(stored)));
            try {
                if (stat == null) {
                    zk.create().creatingParentsIfNeeded().forPath(path, ZkData.entityConfig(next));
                } else {
                    zk.setData().withVersion(stat.getVersion()).forPath(path, ZkData.entityConfig(next));
                }
            } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException raced) {
                continue; // another broker wrote it first: apply the change to what it wrote
            }
            remember(entity, next);
            log.info("dynamic configs of entity={} now keys={}", path, next.keySet());
            return next;
        }
    }

    private List<String> descendants(String path) throws Exception {
        List<String> out = new ArrayList<>();
        for (String child : zk.getChildren().forPath(path)) {
            String childPath = path + "/" + child;
            out.add(childPath);
            out.addAll(descendants(childPath));
        }
        return out;
    }

    private void reloadOrRetry(E entity) {
        try {
            reload(entity);
        } catch (Exception e) {
            log.warn("cannot read the dynamic configs of entity={}; trying again in 1 s: {}", layout.path(entity), e.toString());
            session.schedule(() -> reloadOrRetry(entity), 1000);
        }
    }

    private void reload(E entity) throws Exception {
        Map<String, String> now;
        try {
            now = ZkData.entityConfig(zk.getData().forPath(layout.path(entity)));
        } catch (KeeperException.NoNodeException e) {
            now = Map.of();
        }
        remember(entity, Map.copyOf(now));
    }

    private void remember(E entity, Map<String, String> now) {
        Map<String, String> old = now.isEmpty() ? entities.remove(entity) : entities.put(entity, now);
        if (!now.equals(old == null ? Map.of() : old)) {
            listeners.forEach(l -> l.accept(entity, now));
        }
    }
}
