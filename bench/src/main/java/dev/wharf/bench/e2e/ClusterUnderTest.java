package dev.wharf.bench.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A running three-broker cluster of one system ({@link ClusterCommands} says how each is set up):
 * starts it and waits until it is ready (all three brokers registered, as DescribeCluster shows,
 * and a first {@code acks=all} record acknowledged on a replication-factor-3 topic); kills,
 * stops and restarts single brokers (a restarted broker gets its old command, ports and data);
 * sums CPU and peak RSS over every process of the system, ZooKeeper's included for Wharf.
 */
final class ClusterUnderTest implements AutoCloseable {
    private static final Duration READY_BOUND = Duration.ofSeconds(120);

    private final BrokerUnderTest system;
    private final Processes processes;
    private final ClusterCommands.Prepared prepared;
    private final Path logDir;
    private final String logPrefix;
    private final long ticks = ProcStat.clockTicksPerSecond();
    private Process zookeeper;
    private final Map<Integer, Process> nodes = new LinkedHashMap<>();

    private ClusterUnderTest(BrokerUnderTest system, Processes processes, ClusterCommands.Prepared prepared, Path logDir, String logPrefix) {
        this.system = system;
        this.processes = processes;
        this.prepared = prepared;
        this.logDir = logDir;
        this.logPrefix = logPrefix;
    }

    /** Prepares and starts the cluster in {@code fresh}'s directory; broker logs go to {@code <logPrefix>-node-N.log}. */
    static ClusterUnderTest start(Workloads.Fresh fresh, String logPrefix) throws Exception {
        ClusterCommands.Prepared prepared = ClusterCommands.prepare(fresh.broker(), fresh.processes(), fresh.dir());
        ClusterUnderTest cluster = new ClusterUnderTest(fresh.broker(), fresh.processes(), prepared, fresh.dir(), logPrefix);
        try {
            cluster.startAll();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private void startAll() throws Exception {
        long deadline = System.nanoTime() + READY_BOUND.toNanos();
        if (prepared.zookeeper().isPresent()) {
            zookeeper = processes.start(prepared.zookeeper().get(), logDir.resolve(logPrefix + "-zookeeper.log"));
            awaitPort(prepared.zookeeperPort(), zookeeper, deadline);
        }
        for (int id : prepared.nodes().keySet()) {
            start(id);
        }
        awaitRegistered(deadline);
        awaitFirstAllAck(deadline);
    }

    private void start(int id) throws IOException {
        nodes.put(id, processes.start(prepared.nodes().get(id), logDir.resolve(logPrefix + "-node-" + id + ".log")));
    }

    String bootstrap() {
        return prepared.bootstrap();
    }

    List<Integer> ids() {
        return List.copyOf(prepared.nodes().keySet());
    }

    boolean isKafka() {
        return system instanceof BrokerUnderTest.Kafka;
    }

    Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        return Admin.create(p);
    }

    /** utime+stime of every live process of the system, ZooKeeper's too. */
    double cpuSeconds() throws IOException {
        double sum = 0;
        for (Process p : live()) {
            sum += new ProcStat(p.pid(), ticks).cpuSeconds();
        }
        return sum;
    }

    /** The sum of the live processes' peak resident sets (VmHWM), ZooKeeper's too: the cluster's peak RSS. */
    double peakRssMiB() throws IOException {
        double sum = 0;
        for (Process p : live()) {
            sum += new ProcStat(p.pid(), ticks).peakRssMiB();
        }
        return sum;
    }

    private List<Process> live() {
        List<Process> all = new java.util.ArrayList<>(nodes.values());
        if (zookeeper != null) {
            all.add(zookeeper);
        }
        return all.stream().filter(Process::isAlive).toList();
    }

    /**
     * The active controller: Kafka's metadata quorum leader (DescribeQuorum, since DescribeCluster
     * names a random broker as "controller" in KRaft mode), Wharf's ZooKeeper-elected controller.
     */
    int activeController() throws Exception {
        try (Admin admin = admin()) {
            if (isKafka()) {
                return admin.describeMetadataQuorum().quorumInfo().get(10, TimeUnit.SECONDS).leaderId();
            }
            return admin.describeCluster().controller().get(10, TimeUnit.SECONDS).id();
        }
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill(int id) throws InterruptedException {
        Process p = nodes.get(id);
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: a controlled shutdown (SIGKILL after 30 s). */
    void terminate(int id) throws InterruptedException {
        processes.stop(nodes.get(id));
    }

    /** Starts a stopped broker again with its old command, ports and data. */
    void restart(int id) throws IOException {
        if (nodes.get(id).isAlive()) {
            throw new IllegalStateException("broker " + id + " is still running");
        }
        start(id);
    }

    /** Creates a topic with the given replicas per partition (the first of each is its preferred leader), {@code min.insync.replicas=2}. */
    void createTopic(String topic, Map<Integer, List<Integer>> replicas, Duration bound) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, replicas).configs(Map.of("min.insync.replicas", "2")))).all()
                    .get(bound.toSeconds(), TimeUnit.SECONDS);
        }
        awaitFullIsr(List.of(topic), bound);
    }

    /** Partition {@code i} led by broker {@code i % 3 + 1}, the others following. */
    static Map<Integer, List<Integer>> spreadLeaders(int partitions) {
        Map<Integer, List<Integer>> replicas = new LinkedHashMap<>();
        for (int i = 0; i < partitions; i++) {
            replicas.put(i, List.of(i % 3 + 1, (i + 1) % 3 + 1, (i + 2) % 3 + 1));
        }
        return replicas;
    }

    /** The current leader of a topic's partition 0, or -1 if it has none. */
    int leader(String topic) throws Exception {
        try (Admin admin = admin()) {
            TopicPartitionInfo info = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions().get(0);
            return info.leader() == null ? -1 : info.leader().id();
        }
    }

    /** Waits until all three brokers are registered and every partition of the topics has a leader and all three replicas in sync. */
    void awaitFullIsr(Collection<String> topics, Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        String last = "nothing yet";
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == ClusterCommands.SIZE) {
                        Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS);
                        boolean full = described.values().stream().flatMap(d -> d.partitions().stream())
                                .allMatch(p -> p.leader() != null && p.isr().size() == ClusterCommands.SIZE);
                        if (full) {
                            return;
                        }
                        last = described.toString();
                    } else {
                        last = "fewer than " + ClusterCommands.SIZE + " brokers registered";
                    }
                } catch (Exception e) {
                    last = e.toString();
                }
                Thread.sleep(100);
            }
        }
        throw new IOException("no full ISR for " + topics + " within " + bound.toSeconds() + " s: " + last);
    }

    private static void awaitPort(int port, Process process, long deadline) throws Exception {
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("ZooKeeper exited with " + process.exitValue());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IOException("ZooKeeper did not listen on " + port);
    }

    private void awaitRegistered(long deadline) throws Exception {
        String last = "nothing yet";
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                checkAlive();
                try {
                    int n = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
                    if (n == ClusterCommands.SIZE) {
                        return;
                    }
                    last = n + " brokers registered";
                } catch (Exception e) {
                    last = e.toString();
                }
                Thread.sleep(100);
            }
        }
        throw new IOException("the cluster did not register " + ClusterCommands.SIZE + " brokers: " + last);
    }

    /** A first acks=all record, acknowledged, on a topic with all three brokers as replicas. */
    private void awaitFirstAllAck(long deadline) throws Exception {
        String topic = "cluster-ready";
        createTopic(topic, spreadLeaders(1), Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "4000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "8000");
        Exception last = null;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            while (System.nanoTime() < deadline) {
                checkAlive();
                try {
                    producer.send(new ProducerRecord<>(topic, new byte[] {1})).get(10, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    last = e;
                    Thread.sleep(100);
                }
            }
        }
        throw new IOException("no acks=all record acknowledged on " + topic, last);
    }

    private void checkAlive() throws IOException {
        for (Map.Entry<Integer, Process> node : nodes.entrySet()) {
            if (!node.getValue().isAlive()) {
                throw new IOException("broker " + node.getKey() + " exited with " + node.getValue().exitValue() + ":\n"
                        + Processes.tail(logDir.resolve(logPrefix + "-node-" + node.getKey() + ".log"), 30));
            }
        }
    }

    /** Stops the brokers (SIGTERM, concurrently, so none waits for a controlled shutdown the others refuse), then ZooKeeper. */
    @Override
    public void close() {
        List<Thread> stopping = new java.util.ArrayList<>();
        for (Process p : nodes.values()) {
            Thread t = new Thread(() -> {
                try {
                    processes.stop(p);
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                }
            }, "stop-broker-" + p.pid());
            t.start();
            stopping.add(t);
        }
        try {
            for (Thread t : stopping) {
                t.join(TimeUnit.SECONDS.toMillis(90));
            }
            if (zookeeper != null) {
                processes.stop(zookeeper);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
