package dev.wharf.controller;

import java.util.ArrayList;
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
 * ACLs in ZooKeeper, laid out as Kafka's ZooKeeper mode lays them out (one znode per resource
 * pattern, see {@link ZkData}), in memory and followed by a persistent recursive watch on both
 * trees, so an ACL written through any broker reaches every broker. The watch is re-added and
 * everything read again for every session: changes made while a session was lost were not seen.
 *
 * <p>Writes are compare-and-set on the znode version (create when absent, delete when emptied),
 * so two brokers changing one resource's ACLs at once cannot lose either change.
 *
 * <p>Threads: reads, writes and listener calls run on {@code wharf-zk-events}; {@link #acls}
 * copies a concurrent map on any thread.
 */
final class AclStore implements ZkSession.Listener {
    private static final Logger log = LoggerFactory.getLogger(AclStore.class);

    private final ZkSession session;
    private final CuratorFramework zk;
    private final Map<AclResource, List<StoredAcl>> acls = new ConcurrentHashMap<>();
    private final List<AclListener> listeners = new CopyOnWriteArrayList<>();
    private final Watcher watcher;

    AclStore(ZkSession session) {
        this.session = session;
        this.zk = session.client();
        this.watcher = event -> {
            AclResource resource = event.getPath() == null ? null : ZkData.aclResourceOf(event.getPath());
            if (resource != null) {
                session.execute(() -> reloadOrRetry(resource));
            }
        };
    }

    @Override
    public void registered() throws Exception {
        Map<AclResource, List<StoredAcl>> seen = new HashMap<>();
        for (String root : List.of(ZkData.LITERAL_ACLS, ZkData.PREFIXED_ACLS)) {
            try {
                zk.create().creatingParentsIfNeeded().forPath(root);
            } catch (KeeperException.NodeExistsException e) {
                // already there
            }
            zk.watchers().add().withMode(AddWatchMode.PERSISTENT_RECURSIVE).usingWatcher(watcher).forPath(root);
            for (String type : zk.getChildren().forPath(root)) {
                for (String name : children(root + "/" + type)) {
                    AclResource r = new AclResource(root.equals(ZkData.PREFIXED_ACLS), type, ZkData.desanitize(name));
                    List<StoredAcl> now = read(r);
                    if (!now.isEmpty()) {
                        seen.put(r, now);
                    }
                }
            }
        }
        Map<AclResource, List<StoredAcl>> changes = new HashMap<>();
        Set<AclResource> gone = new HashSet<>(acls.keySet());
        gone.removeAll(seen.keySet());
        gone.forEach(r -> changes.put(r, List.of()));
        seen.forEach((r, now) -> {
            if (!now.equals(acls.get(r))) {
                changes.put(r, now);
            }
        });
        remember(changes);
    }

    /** Tells {@code listener} of every resource that has ACLs now (in one call), then of every change; on {@code wharf-zk-events}. */
    void subscribe(AclListener listener) {
        listeners.add(listener);
        if (!acls.isEmpty()) {
            listener.aclsChanged(Map.copyOf(acls));
        }
    }

    /** Every resource's ACLs as last seen. */
    Map<AclResource, List<StoredAcl>> acls() {
        return Map.copyOf(acls);
    }

    /**
     * Replaces a resource's ACLs with what {@code change} makes of the stored ones (an empty list
     * deletes the znode) and returns them. {@code change} may run more than once when another
     * broker writes the resource meanwhile; its last run is the one written.
     */
    List<StoredAcl> update(AclResource resource, UnaryOperator<List<StoredAcl>> change) throws Exception {
        String path = ZkData.acls(resource);
        while (true) {
            Stat stat = new Stat();
            List<StoredAcl> stored;
            try {
                stored = ZkData.acls(zk.getData().storingStatIn(stat).forPath(path));
            } catch (KeeperException.NoNodeException e) {
                stat = null;
                stored = List.of();
            }
            List<StoredAcl> next = List.copyOf(change.apply(new ArrayList<>(stored)));
            try {
                if (stat == null && !next.isEmpty()) {
                    zk.create().creatingParentsIfNeeded().forPath(path, ZkData.acls(next));
                } else if (stat != null && next.isEmpty()) {
                    zk.delete().withVersion(stat.getVersion()).forPath(path);
                } else if (stat != null && !next.equals(stored)) {
                    zk.setData().withVersion(stat.getVersion()).forPath(path, ZkData.acls(next));
                }
            } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException
                    | KeeperException.NoNodeException raced) {
                continue; // another broker wrote it first: apply the change to what it wrote
            }
            remember(Map.of(resource, next));
            if (!next.equals(stored)) {
                log.info("ACLs of resource={} now {}", resource, next);
            }
            return next;
        }
    }

    private List<String> children(String path) throws Exception {
        try {
            return zk.getChildren().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
    }

    private List<StoredAcl> read(AclResource resource) throws Exception {
        try {
            return ZkData.acls(zk.getData().forPath(ZkData.acls(resource)));
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
    }

    private void reloadOrRetry(AclResource resource) {
        try {
            remember(Map.of(resource, read(resource)));
        } catch (Exception e) {
            log.warn("cannot read the ACLs of resource={}; trying again in 1 s: {}", resource, e.toString());
            session.schedule(() -> reloadOrRetry(resource), 1000);
        }
    }

    /** Keeps what changed and tells the listeners of it (only of what differs from memory). */
    private void remember(Map<AclResource, List<StoredAcl>> candidates) {
        Map<AclResource, List<StoredAcl>> changes = new HashMap<>();
        candidates.forEach((r, now) -> {
            List<StoredAcl> old = now.isEmpty() ? acls.remove(r) : acls.put(r, now);
            if (!now.equals(old == null ? List.of() : old)) {
                changes.put(r, now);
            }
        });
        if (!changes.isEmpty()) {
            Map<AclResource, List<StoredAcl>> told = Map.copyOf(changes);
            listeners.forEach(l -> l.aclsChanged(told));
        }
    }
}
