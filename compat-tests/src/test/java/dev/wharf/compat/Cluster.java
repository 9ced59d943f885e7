package dev.wharf.compat;

import static org.awaitility.Awaitility.await;

import dev.wharf.controller.EmbeddedZooKeeper;
import dev.wharf.testing.KafkaWireClient;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.MetadataRequest;
import dev.wharf.wire.message.MetadataResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A Wharf cluster on loopback: a real ZooKeeper server in this JVM and {@code size} brokers, each its
 * own process ({@link BrokerProcess}) with ids 1..size. Brokers 1-3 start from the shipped
 * {@code config/cluster/broker-N.properties}, so those files are tested too; the fixture overrides
 * what must differ on a test machine (free ports, temporary directories) and makes failure detection
 * fast ({@link #SESSION_TIMEOUT_MS}).
 * <p>
 * {@link #close()} stops everything it started: paused brokers are resumed first, every broker gets
 * SIGTERM and, 30 s later, SIGKILL. Used from one test thread at a time; the {@link #admin()} client
 * may be shared.
 */
final class Cluster implements AutoCloseable {
    /** Brokers' ZooKeeper session timeout: a broker silent this long loses its registration. */
    static final int SESSION_TIMEOUT_MS = 6000;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final EmbeddedZooKeeper zookeeper;
    private final Map<Integer, BrokerProcess> brokers = new LinkedHashMap<>();
    private Admin admin;

    private Cluster(EmbeddedZooKeeper zookeeper) {
        this.zookeeper = zookeeper;
    }

    /**
     * Starts ZooKeeper, then all brokers at once, and waits until every broker is registered.
     * {@code overrides} apply to every broker, after the fixture's own settings.
     */
    static Cluster start(Path dir, int size, Map<String, String> overrides) throws IOException {
        return start(dir, size, overrides, id -> Map.of());
    }

    /** The same, with {@code perBroker} settings for each broker id on top (a rack each, say). */
    static Cluster start(Path dir, int size, Map<String, String> overrides,
            java.util.function.IntFunction<Map<String, String>> perBroker) throws IOException {
        ExternalBroker.assumeOwnBroker("runs a cluster of " + size + " Wharf broker processes");
        Cluster cluster = new Cluster(new EmbeddedZooKeeper(dir.resolve("zookeeper"), 0));
        try {
            Map<String, String> settings = new HashMap<>(Map.of(
                    "zookeeper.session.timeout.ms", Integer.toString(SESSION_TIMEOUT_MS),
                    "default.replication.factor", Integer.toString(Math.min(3, size)),
                    "offsets.topic.replication.factor", Integer.toString(Math.min(3, size)),
                    "min.insync.replicas", Integer.toString(Math.min(2, size)),
                    "offsets.topic.num.partitions", "3",
                    "transaction.state.log.replication.factor", Integer.toString(Math.min(3, size)),
                    "transaction.state.log.min.isr", Integer.toString(Math.min(2, size)),
                    "transaction.state.log.num.partitions", "3",
                    "group.initial.rebalance.delay.ms", "0"));
            settings.putAll(overrides);
            Path configs = Path.of(System.getProperty("wharf.config.dir", "../config")).resolve("cluster");
            for (int id = 1; id <= size; id++) {
                Path file = configs.resolve("broker-" + id + ".properties");
                Map<String, String> own = new HashMap<>(settings);
                own.putAll(perBroker.apply(id));
                BrokerProcess b = BrokerProcess.clusterMember(dir.resolve("broker-" + id), id, cluster.zookeeperConnect(),
                        Files.exists(file) ? Optional.of(file) : Optional.empty(), own);
                cluster.brokers.put(id, b);
                b.launch();
            }
            for (BrokerProcess b : cluster.brokers.values()) {
                b.awaitReady();
            }
            cluster.admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(CALL_TIMEOUT.toMillis())));
            cluster.awaitRegistered(Duration.ofSeconds(30));
            return cluster;
        } catch (IOException | RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    String zookeeperConnect() {
        return zookeeper.connectString();
    }

    /** Every broker's address, for {@code bootstrap.servers}. */
    String bootstrapServers() {
        return brokers.values().stream().map(BrokerProcess::bootstrap).collect(Collectors.joining(","));
    }

    int size() {
        return brokers.size();
    }

    BrokerProcess broker(int id) {
        BrokerProcess b = brokers.get(id);
        if (b == null) {
            throw new IllegalArgumentException("no broker " + id + " in " + brokers.keySet());
        }
        return b;
    }

    List<BrokerProcess> brokers() {
        return List.copyOf(brokers.values());
    }

    /**
     * A consumer of {@code group} on every broker: from the earliest offset, committing only when
     * told, with short request timeouts so that failover shows within a test's bounds. The caller closes it.
     */
    KafkaConsumer<String, String> groupConsumer(String group) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    /** An Admin client on all brokers (5 s requests, 10 s calls), closed with the cluster. */
    Admin admin() {
        return admin;
    }

    /** The brokers DescribeCluster lists, by id. */
    Set<Integer> registeredBrokers() throws Exception {
        return admin.describeCluster().nodes().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream()
                .map(Node::id).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * The brokers that broker {@code id} itself lists as registered (its Metadata answer), asked
     * directly rather than through whichever broker the Admin client picks.
     */
    Set<Integer> registeredBrokersSeenBy(int id) throws IOException {
        return metadataFrom(id, List.of()).brokers().stream().map(MetadataResponse.MetadataResponseBroker::nodeId)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The replicas of a partition that broker {@code id}'s Metadata answer lists as offline (in a failed log dir). */
    Set<Integer> offlineReplicasSeenBy(int id, String topic, int partition) throws IOException {
        return metadataFrom(id, List.of(topic)).topics().stream().filter(t -> t.name().equals(topic))
                .flatMap(t -> t.partitions().stream()).filter(p -> p.partitionIndex() == partition)
                .flatMap(p -> p.offlineReplicas().stream()).collect(Collectors.toCollection(TreeSet::new));
    }

    private MetadataResponse metadataFrom(int id, List<String> topics) throws IOException {
        try (KafkaWireClient client = new KafkaWireClient(broker(id).bootstrap())) {
            return client.call(ApiKey.METADATA, (short) 12, new MetadataRequest().setAllowAutoTopicCreation(false)
                    .setTopics(topics.stream().map(t -> new MetadataRequest.MetadataRequestTopic().setName(t)).toList()));
        }
    }

    /** The controller DescribeCluster names, if any. */
    OptionalInt controllerId() throws Exception {
        Node c = admin.describeCluster().controller().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return c == null || c.isEmpty() || c.id() < 0 ? OptionalInt.empty() : OptionalInt.of(c.id());
    }

    TopicDescription describe(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .get(topic);
    }

    /** The leader DescribeTopics names for a partition, if it has one. */
    OptionalInt leaderOf(String topic, int partition) throws Exception {
        Node l = describe(topic).partitions().get(partition).leader();
        return l == null || l.isEmpty() || l.id() < 0 ? OptionalInt.empty() : OptionalInt.of(l.id());
    }

    /** Waits (up to {@code atMost}) until the partition has a leader, and returns it. */
    int awaitLeader(String topic, int partition, Duration atMost) {
        int[] leader = {-1};
        await().atMost(atMost).ignoreExceptions().until(() -> {
            OptionalInt l = leaderOf(topic, partition);
            leader[0] = l.orElse(-1);
            return l.isPresent();
        });
        return leader[0];
    }

    /**
     * Creates a topic with three replicas and {@code min.insync.replicas=2} and waits (up to
     * {@code atMost}) until every replica of every partition is in sync.
     */
    void createReplicatedTopic(String name, int partitions, Duration atMost) throws Exception {
        admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(name, partitions, (short) 3)
                .configs(Map.of("min.insync.replicas", "2")))).all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!awaitFullIsr(name, atMost)) {
            throw new AssertionError("the ISR of " + name + " never filled");
        }
    }

    /**
     * Waits until DescribeCluster lists every broker, and every broker's own Metadata answer does too
     * (a broker just resumed from a pause still answers from before it); fails the test if that takes
     * longer than {@code atMost}.
     */
    void awaitRegistered(Duration atMost) {
        Set<Integer> all = new TreeSet<>(brokers.keySet());
        AtomicReference<String> seen = new AtomicReference<>("nothing yet");
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> {
                try {
                    Map<String, Set<Integer>> views = new LinkedHashMap<>();
                    views.put("DescribeCluster", registeredBrokers());
                    for (int id : all) {
                        views.put("broker " + id, registeredBrokersSeenBy(id));
                    }
                    seen.set(views.toString());
                    return views.values().stream().allMatch(all::equals);
                } catch (Exception e) {
                    seen.set(e.toString());
                    return false;
                }
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("not all of brokers " + all + " registered within " + atMost + "; last seen: " + seen.get(), e);
        }
    }

    /**
     * Waits until, in every broker's own Metadata answer, every partition of {@code topic} has a
     * leader and all its replicas in sync.
     *
     * @return false if that did not happen within {@code atMost}
     */
    boolean awaitFullIsr(String topic, Duration atMost) {
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> {
                for (int id : brokers.keySet()) {
                    List<MetadataResponse.MetadataResponsePartition> partitions;
                    try {
                        partitions = metadataFrom(id, List.of(topic)).topics().get(0).partitions();
                    } catch (IOException e) {
                        return false;
                    }
                    if (partitions.isEmpty() || !partitions.stream()
                            .allMatch(p -> p.leaderId() >= 0 && p.isrNodes().size() == p.replicaNodes().size())) {
                        return false;
                    }
                }
                return true;
            });
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
        List<BrokerProcess> started = new ArrayList<>(brokers.values());
        started.forEach(BrokerProcess::beginStop); // all shut down at once
        started.forEach(BrokerProcess::close);
        zookeeper.close();
    }
}
