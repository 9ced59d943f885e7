package dev.wharf.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster metadata in ZooKeeper (paths and encodings in {@link ZkPaths}): the cluster id, this
 * broker's registration, controller election, and topics with their ids, partition assignments,
 * leaders, leader epochs, ISRs and configs.
 *
 * <p>Every metadata write by the controller is a multi-op that first checks the znode version of
 * {@code /controller_epoch} seen when it was elected, so a controller that lost its seat cannot
 * write. Topic metadata is cached in memory, loaded at start and updated by this broker's writes.
 * Connection states: SUSPENDED keeps serving from the cache; LOST followed by RECONNECTED means a
 * new session, so the broker registers again and re-runs the election. Thread-safe; writes are
 * serialized.
 */
public final class ZkMetadataStore implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(ZkMetadataStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CuratorFramework zk;
    private final BrokerInfo self;
    private final Map<String, TopicInfo> topics = new ConcurrentHashMap<>();
    private final Map<UUID, TopicInfo> topicsById = new ConcurrentHashMap<>();
    private final Set<String> changedTopics = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean refreshScheduled = new AtomicBoolean();
    private volatile String clusterId;
    private volatile boolean controller;
    private volatile int controllerEpoch;
    private volatile int controllerEpochZkVersion = -1;
    private volatile List<BrokerInfo> lastLiveBrokers = List.of();
    private final java.util.Set<String> ensuredPaths = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private final java.util.concurrent.ScheduledExecutorService retries =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "wharf-zk-retry");
                t.setDaemon(true);
                return t;
            });

    public ZkMetadataStore(String connect, int sessionTimeoutMs, BrokerInfo self) {
        this.self = self;
        this.zk = CuratorFrameworkFactory.newClient(connect, sessionTimeoutMs, 15_000, new ExponentialBackoffRetry(100, 10));
    }

    /**
     * Loads and initialises the ZooKeeper client's classes ahead of {@link #start()}, so a broker
     * can do it while other start-up steps run: the client's configuration class initialises the
     * JDK's default TLS context (reading its trust store) even when TLS is not used.
     */
    public static void loadClientClasses() {
        new org.apache.zookeeper.client.ZKClientConfig();
        CuratorFrameworkFactory.builder();
    }

    /** Connects, makes sure the cluster id exists, registers this broker, runs the election, loads topics. */
    public void start() throws Exception {
        zk.getConnectionStateListenable().addListener((client, state) -> {
            if (state == ConnectionState.SUSPENDED) {
                log.warn("ZooKeeper connection suspended; serving cached metadata");
            } else if (state == ConnectionState.LOST) {
                log.error("ZooKeeper session lost");
                controller = false;
            } else if (state == ConnectionState.RECONNECTED) {
                reRegister();
            }
        });
        zk.start();
        if (!zk.blockUntilConnected(30, TimeUnit.SECONDS)) {
            throw new IOException("cannot connect to ZooKeeper");
        }
        clusterId = loadOrCreateClusterId();
        registerAndElect();
        watchTopics();
        loadTopics();
    }

    /**
     * Registers again after a reconnect; retried every second while it fails and the connection
     * holds (a broker that is not registered is invisible to clients), until the store closes.
     */
    private void reRegister() {
        if (closed || !zk.getZookeeperClient().isConnected()) {
            return; // the next RECONNECTED tries again
        }
        try {
            registerAndElect();
            // a new session has no watches, and changes made meanwhile were not seen
            watchTopics();
            reloadTopics();
            log.info("registered again after reconnecting to ZooKeeper broker={}", self.id());
        } catch (Exception e) {
            log.error("re-registration after reconnect failed; retrying in 1 s", e);
            try {
                retries.schedule(this::reRegister, 1, TimeUnit.SECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // closed meanwhile
            }
        }
    }

    private String loadOrCreateClusterId() throws Exception {
        try {
            ObjectNode node = JSON.createObjectNode().put("version", "1").put("id", KafkaIds.toText(KafkaIds.random()));
            zk.create().creatingParentsIfNeeded().forPath(ZkPaths.CLUSTER_ID, bytes(node));
        } catch (KeeperException.NodeExistsException e) {
            // another broker or an earlier run created it
        }
        return read(ZkPaths.CLUSTER_ID).get("id").asText();
    }

    private synchronized void registerAndElect() throws Exception {
        ObjectNode reg = JSON.createObjectNode()
                .put("version", 5).put("host", self.host()).put("port", self.port())
                .put("timestamp", Long.toString(System.currentTimeMillis()));
        reg.putArray("endpoints").add("PLAINTEXT://" + self.host() + ":" + self.port());
        createEphemeralReplacingOurStale(ZkPaths.broker(self.id()), reg);
        elect();
    }

    /**
     * Creates an ephemeral node. A node left by an earlier session of this same broker (a crash
     * before its session expired) is replaced rather than waited out.
     */
    private void createEphemeralReplacingOurStale(String path, ObjectNode data) throws Exception {
        long session = zk.getZookeeperClient().getZooKeeper().getSessionId();
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                zk.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, bytes(data));
                return;
            } catch (KeeperException.NodeExistsException e) {
                Stat stat = zk.checkExists().forPath(path);
                if (stat == null) {
                    continue;
                }
                if (stat.getEphemeralOwner() == session) {
                    zk.setData().forPath(path, bytes(data));
                    return;
                }
                log.warn("replacing node={} left by an earlier session of broker={}", path, self.id());
                try {
                    zk.delete().withVersion(stat.getVersion()).forPath(path);
                } catch (KeeperException.NoNodeException | KeeperException.BadVersionException ignored) {
                    // raced with its expiry; try again
                }
            }
        }
        throw new IOException("cannot create " + path);
    }

    /** Becomes controller if no live broker is, incrementing the controller epoch (fenced by its znode version). */
    private void elect() throws Exception {
        Optional<JsonNode> current = tryRead(ZkPaths.CONTROLLER);
        if (current.isPresent() && current.get().get("brokerid").asInt() != self.id()) {
            controller = false;
            return;
        }
        ObjectNode node = JSON.createObjectNode().put("version", 1).put("brokerid", self.id())
                .put("timestamp", Long.toString(System.currentTimeMillis()));
        createEphemeralReplacingOurStale(ZkPaths.CONTROLLER, node);
        Stat stat = new Stat();
        int epoch;
        try {
            epoch = Integer.parseInt(new String(zk.getData().storingStatIn(stat).forPath(ZkPaths.CONTROLLER_EPOCH),
                    StandardCharsets.UTF_8).trim());
            stat = zk.setData().withVersion(stat.getVersion()).forPath(ZkPaths.CONTROLLER_EPOCH,
                    Integer.toString(epoch + 1).getBytes(StandardCharsets.UTF_8));
        } catch (KeeperException.NoNodeException e) {
            epoch = 0;
            zk.create().forPath(ZkPaths.CONTROLLER_EPOCH, "1".getBytes(StandardCharsets.UTF_8));
            stat = zk.checkExists().forPath(ZkPaths.CONTROLLER_EPOCH);
        }
        controllerEpoch = epoch + 1;
        controllerEpochZkVersion = stat.getVersion();
        controller = true;
        log.info("elected controller broker={} epoch={}", self.id(), controllerEpoch);
    }

    /**
     * Follows topic changes made by other brokers (creation, new partitions, leaders, configs,
     * deletion) with persistent recursive watches on the topic and topic-config trees. Changes are
     * gathered for 50 ms, then each changed topic is read again.
     */
    private void watchTopics() throws Exception {
        ensurePath(ZkPaths.TOPICS);
        ensurePath(ZkPaths.TOPIC_CONFIGS);
        Watcher changed = event -> {
            String name = topicOf(event.getPath());
            if (name != null) {
                scheduleRefresh(name);
            }
        };
        for (String tree : List.of(ZkPaths.TOPICS, ZkPaths.TOPIC_CONFIGS)) {
            zk.watchers().add().withMode(AddWatchMode.PERSISTENT_RECURSIVE).usingWatcher(changed).forPath(tree);
        }
    }

    /** The topic a node under the topic or topic-config tree belongs to, or null. */
    private static String topicOf(String path) {
        for (String tree : List.of(ZkPaths.TOPICS + "/", ZkPaths.TOPIC_CONFIGS + "/")) {
            if (path != null && path.startsWith(tree)) {
                String rest = path.substring(tree.length());
                int slash = rest.indexOf('/');
                return slash < 0 ? rest : rest.substring(0, slash);
            }
        }
        return null;
    }

    private void scheduleRefresh(String name) {
        changedTopics.add(name);
        if (refreshScheduled.compareAndSet(false, true)) {
            try {
                retries.schedule(this::refreshChangedTopics, 50, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // closed meanwhile
            }
        }
    }

    /** Reads the changed topics again; synchronized with this broker's own writes, so the newest wins. */
    private synchronized void refreshChangedTopics() {
        refreshScheduled.set(false);
        List<String> names = new ArrayList<>(changedTopics);
        changedTopics.removeAll(names);
        for (String name : names) {
            try {
                if (zk.checkExists().forPath(ZkPaths.topic(name)) == null) {
                    forget(name);
                } else {
                    remember(readTopic(name));
                }
            } catch (Exception e) {
                log.warn("cannot read changed topic={}; trying again: {}", name, e.toString());
                scheduleRefresh(name);
            }
        }
    }

    private synchronized void reloadTopics() throws Exception {
        Set<String> known = new HashSet<>(topics.keySet());
        loadTopics();
        known.removeAll(zk.getChildren().forPath(ZkPaths.TOPICS));
        known.forEach(this::forget);
    }

    private void loadTopics() throws Exception {
        if (zk.checkExists().forPath(ZkPaths.TOPICS) == null) {
            return;
        }
        for (String name : zk.getChildren().forPath(ZkPaths.TOPICS)) {
            try {
                remember(readTopic(name));
            } catch (KeeperException.NoNodeException deletedMeanwhile) {
                forget(name);
            }
        }
    }

    private TopicInfo readTopic(String name) throws Exception {
        JsonNode t = read(ZkPaths.topic(name));
        UUID id = KafkaIds.fromText(t.get("topic_id").asText());
        List<TopicInfo.PartitionInfo> partitions = new ArrayList<>();
        JsonNode assignment = t.get("partitions");
        for (int p = 0; p < assignment.size(); p++) {
            List<Integer> replicas = ints(assignment.get(Integer.toString(p)));
            JsonNode state = read(ZkPaths.partitionState(name, p));
            partitions.add(new TopicInfo.PartitionInfo(p, replicas, state.get("leader").asInt(),
                    state.get("leader_epoch").asInt(), ints(state.get("isr"))));
        }
        Map<String, String> configs = new LinkedHashMap<>();
        tryRead(ZkPaths.topicConfig(name)).ifPresent(c -> c.get("config").fields()
                .forEachRemaining(e -> configs.put(e.getKey(), e.getValue().asText())));
        return new TopicInfo(name, id, List.copyOf(partitions), Map.copyOf(configs));
    }

    public String clusterId() {
        return clusterId;
    }

    public boolean isController() {
        return controller;
    }

    /** The current ZooKeeper handle, so tests can expire its session. */
    org.apache.zookeeper.ZooKeeper zooKeeperForTests() throws Exception {
        return zk.getZookeeperClient().getZooKeeper();
    }

    public int controllerEpoch() {
        return controllerEpoch;
    }

    /** The controller's broker id, or -1 when there is none. */
    public int controllerId() {
        try {
            return tryRead(ZkPaths.CONTROLLER).map(n -> n.get("brokerid").asInt()).orElse(-1);
        } catch (Exception e) {
            return controller ? self.id() : -1;
        }
    }

    /**
     * The registered brokers. While ZooKeeper cannot be reached the last list read is served
     * (clients keep their bootstrap working through a ZooKeeper blip), or the failure when there is none.
     */
    public List<BrokerInfo> liveBrokers() throws Exception {
        try {
            List<BrokerInfo> out = new ArrayList<>();
            for (String id : zk.getChildren().forPath(ZkPaths.BROKER_IDS)) {
                tryRead(ZkPaths.broker(Integer.parseInt(id))).ifPresent(n ->
                        out.add(new BrokerInfo(Integer.parseInt(id), n.get("host").asText(), n.get("port").asInt())));
            }
            lastLiveBrokers = List.copyOf(out);
            return out;
        } catch (Exception e) {
            if (lastLiveBrokers.isEmpty()) {
                throw e;
            }
            log.warn("cannot list brokers in ZooKeeper, serving the last known list: {}", e.toString());
            return lastLiveBrokers;
        }
    }

    public Map<String, TopicInfo> topics() {
        return Map.copyOf(topics);
    }

    public Optional<TopicInfo> topic(String name) {
        return Optional.ofNullable(topics.get(name));
    }

    /** A topic by id (Fetch and Produce from v13 name topics by id only). */
    public Optional<TopicInfo> topic(UUID id) {
        return Optional.ofNullable(topicsById.get(id));
    }

    private void remember(TopicInfo t) {
        TopicInfo old = topics.put(t.name(), t);
        if (old != null && !old.id().equals(t.id())) {
            topicsById.remove(old.id()); // deleted and re-created elsewhere
        }
        topicsById.put(t.id(), t);
    }

    private void forget(String name) {
        TopicInfo removed = topics.remove(name);
        if (removed != null) {
            topicsById.remove(removed.id());
        }
    }

    /**
     * Creates a topic: a new id, replicas assigned round-robin over live brokers, each partition led
     * by its first replica at leader epoch 0 with all replicas in sync. One fenced multi-op.
     */
    public synchronized TopicInfo createTopic(String name, int partitions, int replicationFactor, Map<String, String> configs)
            throws Exception {
        if (topics.containsKey(name)) {
            throw new TopicExistsException(name);
        }
        List<BrokerInfo> brokers = liveBrokers();
        brokers.sort((a, b) -> Integer.compare(a.id(), b.id()));
        if (replicationFactor < 1 || replicationFactor > brokers.size()) {
            throw new IllegalArgumentException("Replication factor: " + replicationFactor + " larger than available brokers: "
                    + brokers.size() + ".");
        }
        UUID id = KafkaIds.random();
        ObjectNode topicNode = JSON.createObjectNode().put("version", 3).put("topic_id", KafkaIds.toText(id));
        ObjectNode assignment = topicNode.putObject("partitions");
        topicNode.putObject("adding_replicas");
        topicNode.putObject("removing_replicas");
        List<TopicInfo.PartitionInfo> infos = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            List<Integer> replicas = new ArrayList<>();
            for (int r = 0; r < replicationFactor; r++) {
                replicas.add(brokers.get((p + r) % brokers.size()).id());
            }
            replicas.forEach(assignment.putArray(Integer.toString(p))::add);
            infos.add(new TopicInfo.PartitionInfo(p, List.copyOf(replicas), replicas.get(0), 0, List.copyOf(replicas)));
        }
        List<CuratorOp> ops = new ArrayList<>();
        ops.add(fence());
        ops.add(zk.transactionOp().create().forPath(ZkPaths.topic(name), bytes(topicNode)));
        ops.add(zk.transactionOp().create().forPath(ZkPaths.partitions(name)));
        for (TopicInfo.PartitionInfo p : infos) {
            ops.add(zk.transactionOp().create().forPath(ZkPaths.partition(name, p.partition())));
            ops.add(zk.transactionOp().create().forPath(ZkPaths.partitionState(name, p.partition()), bytes(state(p))));
        }
        ensurePath(ZkPaths.TOPIC_CONFIGS);
        ensurePath(ZkPaths.TOPICS);
        ops.add(zk.transactionOp().create().forPath(ZkPaths.topicConfig(name), bytes(configNode(configs))));
        try {
            zk.transaction().forOperations(ops);
        } catch (KeeperException.NodeExistsException e) {
            throw new TopicExistsException(name); // created meanwhile, by another broker or request
        }
        TopicInfo info = new TopicInfo(name, id, List.copyOf(infos), Map.copyOf(configs));
        remember(info);
        log.info("created topic={} id={} partitions={} replicationFactor={}", name, KafkaIds.toText(id), partitions,
                replicationFactor);
        return info;
    }

    /**
     * Grows a topic to {@code count} partitions (never shrinks): new partitions are assigned and
     * led like those of a new topic; the assignment and the new partition states are one fenced
     * multi-op.
     */
    public synchronized TopicInfo addPartitions(String name, int count) throws Exception {
        TopicInfo t = topic(name).orElseThrow(() -> new IllegalArgumentException("unknown topic " + name));
        if (count <= t.partitions().size()) {
            throw new IllegalArgumentException("Topic currently has " + t.partitions().size()
                    + " partitions, which is higher than the requested " + count + ".");
        }
        List<BrokerInfo> brokers = liveBrokers();
        brokers.sort((a, b) -> Integer.compare(a.id(), b.id()));
        int rf = t.partitions().get(0).replicas().size();
        if (rf > brokers.size()) {
            throw new IllegalArgumentException("not enough live brokers for replication factor " + rf);
        }
        List<TopicInfo.PartitionInfo> all = new ArrayList<>(t.partitions());
        for (int p = t.partitions().size(); p < count; p++) {
            List<Integer> replicas = new ArrayList<>();
            for (int r = 0; r < rf; r++) {
                replicas.add(brokers.get((p + r) % brokers.size()).id());
            }
            all.add(new TopicInfo.PartitionInfo(p, List.copyOf(replicas), replicas.get(0), 0, List.copyOf(replicas)));
        }
        ObjectNode topicNode = (ObjectNode) read(ZkPaths.topic(name));
        ObjectNode assignment = topicNode.putObject("partitions");
        for (TopicInfo.PartitionInfo p : all) {
            p.replicas().forEach(assignment.putArray(Integer.toString(p.partition()))::add);
        }
        List<CuratorOp> ops = new ArrayList<>();
        ops.add(fence());
        ops.add(zk.transactionOp().setData().forPath(ZkPaths.topic(name), bytes(topicNode)));
        for (TopicInfo.PartitionInfo p : all.subList(t.partitions().size(), all.size())) {
            ops.add(zk.transactionOp().create().forPath(ZkPaths.partition(name, p.partition())));
            ops.add(zk.transactionOp().create().forPath(ZkPaths.partitionState(name, p.partition()), bytes(state(p))));
        }
        zk.transaction().forOperations(ops);
        TopicInfo updated = new TopicInfo(name, t.id(), List.copyOf(all), t.configs());
        remember(updated);
        log.info("topic={} now has partitions={}", name, count);
        return updated;
    }

    /** Replaces a topic's config overrides. */
    public synchronized TopicInfo setTopicConfigs(String name, Map<String, String> configs) throws Exception {
        TopicInfo t = topic(name).orElseThrow(() -> new IllegalArgumentException("unknown topic " + name));
        zk.transaction().forOperations(fence(),
                zk.transactionOp().setData().forPath(ZkPaths.topicConfig(name), bytes(configNode(configs))));
        TopicInfo updated = new TopicInfo(name, t.id(), t.partitions(), Map.copyOf(configs));
        remember(updated);
        return updated;
    }

    /** Deletes a topic's metadata (the broker deletes its logs). */
    public synchronized void deleteTopic(String name) throws Exception {
        if (!topics.containsKey(name)) {
            throw new IllegalArgumentException("unknown topic " + name);
        }
        List<CuratorOp> ops = new ArrayList<>();
        ops.add(fence());
        TopicInfo t = topics.get(name);
        for (TopicInfo.PartitionInfo p : t.partitions()) {
            ops.add(zk.transactionOp().delete().forPath(ZkPaths.partitionState(name, p.partition())));
            ops.add(zk.transactionOp().delete().forPath(ZkPaths.partition(name, p.partition())));
        }
        ops.add(zk.transactionOp().delete().forPath(ZkPaths.partitions(name)));
        ops.add(zk.transactionOp().delete().forPath(ZkPaths.topic(name)));
        ops.add(zk.transactionOp().delete().forPath(ZkPaths.topicConfig(name)));
        zk.transaction().forOperations(ops);
        forget(name);
        log.info("deleted topic={}", name);
    }

    private static final int PRODUCER_ID_BLOCK_SIZE = 1000;
    private long nextProducerId;
    private long producerIdBlockEnd = -1;

    /**
     * A producer id no other broker and no earlier run has handed out: ids come in blocks of 1000
     * claimed in ZooKeeper with a version check, so they stay unique across brokers and restarts.
     */
    public synchronized long nextProducerId() throws Exception {
        while (nextProducerId > producerIdBlockEnd) {
            Stat stat = new Stat();
            long start;
            try {
                JsonNode last = JSON.readTree(zk.getData().storingStatIn(stat).forPath(ZkPaths.PRODUCER_ID_BLOCK));
                start = Long.parseLong(last.get("block_end").asText()) + 1;
            } catch (KeeperException.NoNodeException e) {
                stat = null;
                start = 0;
            }
            ObjectNode block = JSON.createObjectNode().put("version", 1).put("broker", self.id())
                    .put("block_start", Long.toString(start))
                    .put("block_end", Long.toString(start + PRODUCER_ID_BLOCK_SIZE - 1));
            try {
                if (stat == null) {
                    zk.create().forPath(ZkPaths.PRODUCER_ID_BLOCK, bytes(block));
                } else {
                    zk.setData().withVersion(stat.getVersion()).forPath(ZkPaths.PRODUCER_ID_BLOCK, bytes(block));
                }
                nextProducerId = start;
                producerIdBlockEnd = start + PRODUCER_ID_BLOCK_SIZE - 1;
            } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException e) {
                // another broker claimed a block meanwhile: read again
            }
        }
        return nextProducerId++;
    }

    /** The op that makes a multi-op fail unless this broker is still the controller it was elected as. */
    private CuratorOp fence() throws Exception {
        if (!controller) {
            throw new IllegalStateException("broker " + self.id() + " is not the controller");
        }
        return zk.transactionOp().check().withVersion(controllerEpochZkVersion).forPath(ZkPaths.CONTROLLER_EPOCH);
    }

    /** Creates a container path once; later calls cost no ZooKeeper round trip (nothing deletes them). */
    private void ensurePath(String path) throws Exception {
        if (ensuredPaths.contains(path)) {
            return;
        }
        try {
            zk.create().creatingParentsIfNeeded().forPath(path);
        } catch (KeeperException.NodeExistsException e) {
            // already there
        }
        ensuredPaths.add(path);
    }

    private ObjectNode state(TopicInfo.PartitionInfo p) {
        ObjectNode s = JSON.createObjectNode().put("controller_epoch", controllerEpoch).put("leader", p.leader())
                .put("version", 1).put("leader_epoch", p.leaderEpoch());
        p.isr().forEach(s.putArray("isr")::add);
        return s;
    }

    private static ObjectNode configNode(Map<String, String> configs) {
        ObjectNode n = JSON.createObjectNode().put("version", 1);
        ObjectNode c = n.putObject("config");
        configs.forEach(c::put);
        return n;
    }

    private JsonNode read(String path) throws Exception {
        return JSON.readTree(zk.getData().forPath(path));
    }

    private Optional<JsonNode> tryRead(String path) throws Exception {
        try {
            return Optional.of(read(path));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asInt()));
        return List.copyOf(out);
    }

    private static byte[] bytes(JsonNode node) throws IOException {
        return JSON.writeValueAsBytes(node);
    }

    @Override
    public void close() {
        closed = true;
        retries.shutdownNow();
        zk.close();
    }
}
