package dev.wharf.controller;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster metadata in memory: the cluster id, the live brokers and the topics with their
 * partitions and configs. It follows ZooKeeper with persistent recursive watches on
 * {@code /brokers/ids}, {@code /brokers/topics} and {@code /config/topics}, re-added and followed by
 * a full re-read for every session; topic changes are gathered for 50 ms, then each changed topic
 * is read again: only its changed partition states when its assignment is the one last read whole
 * (a topic of 1,000 partitions is not read whole for every ISR change), all of it otherwise. The
 * controller's own writes are applied directly ({@link #remember}, {@link #forget}).
 *
 * <p>Threads: all updates run on {@code wharf-zk-events} (watchers only queue work there), which
 * also tells the {@link MetadataListener}s; reads come from any thread and see concurrent maps and
 * an immutable broker list. Every listener hears every change in the order of the changes, also
 * of a change made by a listener while it is being told of another ({@link #tell}).
 */
final class MetadataCache implements ZkSession.Listener {
    private static final Logger log = LoggerFactory.getLogger(MetadataCache.class);
    private static final long TOPIC_REFRESH_DELAY_MS = 50;
    /** Reads of a topic given up when its assignment changed during each (then tried again later). */
    private static final int MAX_CONSISTENT_READS = 20;

    private final ZkSession session;
    private final CuratorFramework zk;
    private final Map<String, TopicInfo> topics = new ConcurrentHashMap<>();
    private final Map<UUID, TopicInfo> topicsById = new ConcurrentHashMap<>();
    private final List<MetadataListener> listeners = new CopyOnWriteArrayList<>();
    private final ChangedTopics changedTopics = new ChangedTopics();
    /** The assignment (topic znode) version each cached topic was read whole with, as its mzxid. */
    private final Map<String, Long> assignmentZxids = new ConcurrentHashMap<>();
    /** Changes the listeners are still to hear of, oldest first; on {@code wharf-zk-events} only. */
    private final java.util.ArrayDeque<java.util.function.Consumer<MetadataListener>> untold = new java.util.ArrayDeque<>();
    private boolean telling;
    private volatile List<BrokerInfo> brokers = List.of();
    /** Each live broker's epoch: the zxid that created its registration, new for every start or new session. */
    private volatile Map<Integer, Long> brokerEpochs = Map.of();
    private volatile String clusterId;
    /** Brokers announcing a controlled shutdown (their ephemeral node under {@link ZkData#CONTROLLED_SHUTDOWN}). */
    private volatile Set<Integer> shuttingDown = Set.of();
    /** Each broker's replicas in failed log dirs (its ephemeral node under {@link ZkData#OFFLINE_REPLICAS}), topic to partitions. */
    private volatile Map<Integer, Map<String, List<Integer>>> offlineReplicas = Map.of();
    private final Watcher topicWatcher;
    private final Watcher brokerWatcher;
    private final Watcher shutdownWatcher;

    MetadataCache(ZkSession session) {
        this.session = session;
        this.zk = session.client();
        this.topicWatcher = event -> {
            String name = topicOf(event.getPath());
            if (name != null) {
                int partition = ZkData.statePartition(name, event.getPath());
                session.execute(() -> topicChanged(name, partition));
            }
        };
        this.brokerWatcher = event -> {
            if (ZkData.childOf(ZkData.BROKER_IDS, event.getPath()) != null) {
                session.execute(this::reloadBrokersOrRetry);
            }
        };
        this.shutdownWatcher = event -> {
            if (ZkData.childOf(ZkData.CONTROLLED_SHUTDOWN, event.getPath()) != null
                    || ZkData.childOf(ZkData.OFFLINE_REPLICAS, event.getPath()) != null) {
                session.execute(this::reloadShuttingDownOrRetry);
            }
        };
    }

    void subscribe(MetadataListener listener) {
        listeners.add(listener);
    }

    @Override
    public void registered() throws Exception {
        for (String tree : List.of(ZkData.TOPICS, ZkData.TOPIC_CONFIGS, ZkData.BROKER_IDS, ZkData.CONTROLLED_SHUTDOWN,
                ZkData.OFFLINE_REPLICAS)) {
            ensurePath(tree);
        }
        zk.watchers().add().withMode(AddWatchMode.PERSISTENT_RECURSIVE).usingWatcher(brokerWatcher).forPath(ZkData.BROKER_IDS);
        zk.watchers().add().withMode(AddWatchMode.PERSISTENT_RECURSIVE).usingWatcher(shutdownWatcher)
                .forPath(ZkData.CONTROLLED_SHUTDOWN);
        zk.watchers().add().withMode(AddWatchMode.PERSISTENT_RECURSIVE).usingWatcher(shutdownWatcher)
                .forPath(ZkData.OFFLINE_REPLICAS);
        for (String tree : List.of(ZkData.TOPICS, ZkData.TOPIC_CONFIGS)) {
            zk.watchers().add().withMode(AddWatchMode.PERSISTENT_RECURSIVE).usingWatcher(topicWatcher).forPath(tree);
        }
        // a new session has no watches, and changes made meanwhile were not seen
        reloadBrokers();
        reloadShuttingDown();
        reloadTopics();
    }

    /** Reads the cluster id, creating it when this is the cluster's first broker. */
    void loadOrCreateClusterId() throws Exception {
        try {
            zk.create().creatingParentsIfNeeded().forPath(ZkData.CLUSTER_ID, ZkData.clusterId(KafkaIds.toText(KafkaIds.random())));
        } catch (KeeperException.NodeExistsException e) {
            // another broker or an earlier run created it
        }
        clusterId = ZkData.clusterId(zk.getData().forPath(ZkData.CLUSTER_ID));
    }

    String clusterId() {
        return clusterId;
    }

    /** The registered brokers, sorted by id, as last seen in ZooKeeper (also while it cannot be reached). */
    List<BrokerInfo> liveBrokers() {
        return brokers;
    }

    /** Each live broker's epoch (a restarted broker, or one with a new session, has a new one). */
    Map<Integer, Long> brokerEpochs() {
        return brokerEpochs;
    }

    Map<String, TopicInfo> topics() {
        return Map.copyOf(topics);
    }

    Optional<TopicInfo> topic(String name) {
        return Optional.ofNullable(topics.get(name));
    }

    Optional<TopicInfo> topic(UUID id) {
        return Optional.ofNullable(topicsById.get(id));
    }

    /** The brokers shutting down under control: still registered, but no longer to lead or be in sync. */
    Set<Integer> shuttingDown() {
        return shuttingDown;
    }

    private void reloadShuttingDownOrRetry() {
        try {
            reloadShuttingDown();
        } catch (Exception e) {
            log.warn("cannot read the brokers shutting down; trying again in 1 s: {}", e.toString());
            session.schedule(this::reloadShuttingDownOrRetry, 1000);
        }
    }

    /** The brokers holding {@code topic}'s {@code partition} in a failed log dir: not live for it. */
    Set<Integer> offlineReplicas(String topic, int partition) {
        Set<Integer> out = new HashSet<>();
        offlineReplicas.forEach((broker, byTopic) -> {
            if (byTopic.getOrDefault(topic, List.of()).contains(partition)) {
                out.add(broker);
            }
        });
        return out;
    }

    private void reloadShuttingDown() throws Exception {
        Map<Integer, Map<String, List<Integer>>> failed = new java.util.HashMap<>();
        for (String id : zk.getChildren().forPath(ZkData.OFFLINE_REPLICAS)) {
            try {
                failed.put(Integer.parseInt(id), ZkData.offlineReplicas(zk.getData().forPath(ZkData.OFFLINE_REPLICAS + "/" + id)));
            } catch (NumberFormatException | KeeperException.NoNodeException e) {
                // not a broker's, or gone meanwhile
            }
        }
        boolean offlineChanged = !failed.equals(offlineReplicas);
        if (offlineChanged) {
            offlineReplicas = Map.copyOf(failed);
            log.info("replicas in failed log dirs={}", failed);
        }
        Set<Integer> now = new HashSet<>();
        for (String id : zk.getChildren().forPath(ZkData.CONTROLLED_SHUTDOWN)) {
            try {
                now.add(Integer.parseInt(id));
            } catch (NumberFormatException e) {
                // not a broker's: ignored
            }
        }
        if (!now.equals(shuttingDown) || offlineChanged) {
            if (!now.equals(shuttingDown)) {
                log.info("brokers shutting down={}", new java.util.TreeSet<>(now));
            }
            shuttingDown = Set.copyOf(now);
            List<BrokerInfo> live = brokers;
            tell(l -> l.brokersChanged(live));
        }
    }

    private void reloadBrokersOrRetry() {
        try {
            reloadBrokers();
        } catch (Exception e) {
            log.warn("cannot read the registered brokers; trying again in 1 s: {}", e.toString());
            session.schedule(this::reloadBrokersOrRetry, 1000);
        }
    }

    private void reloadBrokers() throws Exception {
        List<BrokerInfo> out = new ArrayList<>();
        Map<Integer, Long> epochs = new java.util.HashMap<>();
        for (String id : zk.getChildren().forPath(ZkData.BROKER_IDS)) {
            try {
                int brokerId = Integer.parseInt(id);
                Stat stat = new Stat();
                out.add(ZkData.brokerRegistration(brokerId, zk.getData().storingStatIn(stat).forPath(ZkData.broker(brokerId))));
                epochs.put(brokerId, stat.getCzxid());
            } catch (KeeperException.NoNodeException gone) {
                // its session ended meanwhile
            }
        }
        out.sort(Comparator.comparingInt(BrokerInfo::id));
        List<BrokerInfo> live = List.copyOf(out);
        if (!live.equals(brokers) || !epochs.equals(brokerEpochs)) {
            brokers = live;
            brokerEpochs = Map.copyOf(epochs);
            log.info("live brokers={}", live);
            tell(l -> l.brokersChanged(live));
        }
    }

    /** Queues a topic for the next refresh: {@code partition}'s state alone, or (-1) the whole topic. */
    private void topicChanged(String name, int partition) {
        if (changedTopics.add(name, partition)) {
            session.schedule(this::refreshChangedTopics, TOPIC_REFRESH_DELAY_MS);
        }
    }

    private void refreshChangedTopics() {
        changedTopics.drain().forEach((name, partitions) -> {
            try {
                if (zk.checkExists().forPath(ZkData.topic(name)) == null) {
                    forget(name);
                } else {
                    remember(partitions == ChangedTopics.WHOLE ? readTopic(name) : readPartitions(name, partitions));
                }
            } catch (Exception e) {
                log.warn("cannot read changed topic={}; trying again: {}", name, e.toString());
                topicChanged(name, -1);
            }
        });
    }

    /**
     * The cached topic with the states of {@code changed} read again, when its assignment is still
     * the one it was read whole with (before and after those reads); else the whole topic.
     */
    private TopicInfo readPartitions(String name, Set<Integer> changed) throws Exception {
        TopicInfo cached = topics.get(name);
        Long zxid = assignmentZxids.get(name);
        Stat before = zk.checkExists().forPath(ZkData.topic(name));
        if (cached == null || zxid == null || before == null || before.getMzxid() != zxid) {
            return readTopic(name);
        }
        List<TopicInfo.PartitionInfo> partitions = new ArrayList<>(cached.partitions());
        for (int p : changed) {
            if (p < partitions.size()) {
                partitions.set(p, readPartition(name, partitions.get(p)));
            }
        }
        Stat after = zk.checkExists().forPath(ZkData.topic(name));
        if (after == null || after.getMzxid() != zxid) {
            return readTopic(name);
        }
        return new TopicInfo(name, cached.id(), List.copyOf(partitions), cached.configs());
    }

    private void reloadTopics() throws Exception {
        Set<String> gone = new HashSet<>(topics.keySet());
        for (String name : zk.getChildren().forPath(ZkData.TOPICS)) {
            try {
                remember(readTopic(name));
                gone.remove(name);
            } catch (KeeperException.NoNodeException deletedMeanwhile) {
                // forgotten below
            }
        }
        gone.forEach(this::forget);
    }

    private TopicInfo readTopic(String name) throws Exception {
        return consistently(name, (assignment, mzxid) -> {
            List<TopicInfo.PartitionInfo> partitions = PartitionStateReads.read(zk, name, ZkData.replicaAssignment(assignment));
            Map<String, String> configs;
            try {
                configs = ZkData.topicConfig(zk.getData().forPath(ZkData.topicConfig(name)));
            } catch (KeeperException.NoNodeException e) {
                configs = Map.of();
            }
            assignmentZxids.put(name, mzxid); // a retried read puts the one that held
            return new TopicInfo(name, ZkData.topicId(assignment), List.copyOf(partitions), Map.copyOf(configs));
        });
    }

    /** One partition as it is in ZooKeeper now: its replicas (and reassignment), then its state. */
    TopicInfo.PartitionInfo readPartition(String topic, int partition) throws Exception {
        return consistently(topic, (assignment, mzxid) -> {
            List<TopicInfo.PartitionInfo> assigned = ZkData.replicaAssignment(assignment);
            if (partition >= assigned.size()) {
                throw new KeeperException.NoNodeException(ZkData.partitionState(topic, partition));
            }
            return readPartition(topic, assigned.get(partition));
        });
    }

    /** What is read from a topic's assignment (the topic znode's data) and the znodes it leads to. */
    private interface AssignmentRead<T> {
        T read(byte[] assignment, long mzxid) throws Exception;
    }

    /**
     * Reads a topic's assignment and then, with {@code read}, its partition states, again and again
     * while the assignment changed meanwhile, so that the replicas and the states come from one
     * moment. The controller changes a partition's replicas and its state in one multi-op (each
     * step of a reassignment); the assignment read just before such a write and the state just
     * after made a partition of the old replicas in the new leader epoch, which a broker kept (its
     * replicas change only with the epoch): a leader that did not know its new follower, whose
     * reassignment then never finished, or one that took the replica it had just lost back into
     * its ISR. Partition states also change alone (ISR changes, elections): any of them goes with
     * the assignment it was read with.
     */
    private <T> T consistently(String topic, AssignmentRead<T> read) throws Exception {
        String path = ZkData.topic(topic);
        for (int attempt = 1; ; attempt++) {
            Stat before = new Stat();
            byte[] assignment = zk.getData().storingStatIn(before).forPath(path);
            T result = read.read(assignment, before.getMzxid());
            Stat after = zk.checkExists().forPath(path);
            if (after == null) {
                throw new KeeperException.NoNodeException(path);
            }
            if (after.getMzxid() == before.getMzxid()) {
                return result;
            }
            if (attempt == MAX_CONSISTENT_READS) {
                throw new IllegalStateException("the assignment of topic " + topic + " changed during each of "
                        + attempt + " reads");
            }
        }
    }

    /**
     * One partition's state as it is in ZooKeeper now, its znode version as the partition epoch;
     * its replicas (and reassignment) as {@code assigned} has them.
     */
    TopicInfo.PartitionInfo readPartition(String topic, TopicInfo.PartitionInfo assigned) throws Exception {
        Stat stat = new Stat();
        byte[] state = zk.getData().storingStatIn(stat).forPath(ZkData.partitionState(topic, assigned.partition()));
        return ZkData.partitionState(assigned, state, stat.getVersion());
    }

    /**
     * Records one partition's new state written by this broker, unless the cache already holds a
     * newer one (a watch may have delivered it first); on {@code wharf-zk-events} only.
     */
    void rememberPartition(String topic, TopicInfo.PartitionInfo p) {
        TopicInfo t = topics.get(topic);
        if (t != null && p.partition() < t.partitions().size()
                && t.partitions().get(p.partition()).partitionEpoch() < p.partitionEpoch()) {
            remember(t.withPartition(p));
        }
    }

    /** Records a topic as it now is in ZooKeeper; on {@code wharf-zk-events} only. */
    void remember(TopicInfo t) {
        TopicInfo old = topics.put(t.name(), t);
        if (old != null && !old.id().equals(t.id())) {
            topicsById.remove(old.id()); // deleted and re-created elsewhere
        }
        topicsById.put(t.id(), t);
        if (!Objects.equals(old, t)) {
            tell(l -> l.topicChanged(t.name(), Optional.of(t)));
        }
    }

    /** Drops a topic deleted in ZooKeeper; on {@code wharf-zk-events} only. */
    void forget(String name) {
        TopicInfo removed = topics.remove(name);
        assignmentZxids.remove(name);
        if (removed != null) {
            topicsById.remove(removed.id());
            tell(l -> l.topicChanged(name, Optional.empty()));
        }
    }

    /**
     * Tells every listener of a change, in the order the changes were made. A listener may make a
     * change itself while it is told of another (the controller's {@link Reassignments} completes a
     * move as soon as it hears that the new replicas are in sync, and records what it wrote at once):
     * that change waits until every listener has heard of the one before, rather than reaching the
     * listeners after this one first. Otherwise they would hear the older state last and keep it:
     * a replica manager that had just deleted a replica moved away from its broker opened it again,
     * with an empty log, as leader of an epoch already over. On {@code wharf-zk-events} only.
     */
    private void tell(java.util.function.Consumer<MetadataListener> change) {
        untold.add(change);
        if (telling) {
            return; // told below, by the call telling the change before it
        }
        telling = true;
        try {
            for (java.util.function.Consumer<MetadataListener> next; (next = untold.poll()) != null; ) {
                listeners.forEach(next);
            }
        } finally {
            telling = false;
        }
    }

    private static String topicOf(String path) {
        String name = ZkData.childOf(ZkData.TOPICS, path);
        return name != null ? name : ZkData.childOf(ZkData.TOPIC_CONFIGS, path);
    }

    private void ensurePath(String path) throws Exception {
        try {
            zk.create().creatingParentsIfNeeded().forPath(path);
        } catch (KeeperException.NodeExistsException e) {
            // already there
        }
    }
}
