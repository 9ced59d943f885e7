package dev.wharf.junit;

import dev.wharf.controller.BrokerInfo;
import dev.wharf.controller.EmbeddedZooKeeper;
import dev.wharf.server.Broker;
import dev.wharf.server.BrokerConfig;
import dev.wharf.server.ErrorCode;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.CreateTopicsRequest;
import dev.wharf.wire.message.CreateTopicsResponse;
import dev.wharf.wire.message.MetadataRequest;
import dev.wharf.wire.message.MetadataResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * In-process Wharf brokers with ids 1..n on free loopback ports, in a temporary directory deleted by
 * {@link #close()}. One broker runs its own embedded ZooKeeper (started alongside its listener);
 * several share one embedded ZooKeeper ({@code zookeeper.connect}), as separate Kafka brokers
 * share a cluster. Each broker has test defaults ({@link #testDefaults(int)}) under the caller's
 * settings.
 * <p>
 * Two JVM-wide settings, each only if not set already (a {@code -D} of the test JVM wins): the
 * ZooKeeper transaction log is not fsynced ({@code zookeeper.forceSync=no}), since the data is
 * thrown away after the test and each fsync of a fresh ZooKeeper's start-up writes costs
 * milliseconds; and Netty's JFR events are off ({@code io.netty.jfr.enabled=false}, as
 * {@code config/jvm.options} has it for the server), which spares a cold JVM loading JFR's
 * classes. The brokers' own logs keep their defaults.
 * <p>
 * Threads: the methods may be called from any thread, one at a time (a test's thread).
 */
public final class WharfCluster implements AutoCloseable {
    static {
        if (System.getProperty("zookeeper.forceSync") == null) {
            System.setProperty("zookeeper.forceSync", "no");
        }
        if (System.getProperty("io.netty.jfr.enabled") == null) {
            System.setProperty("io.netty.jfr.enabled", "false");
        }
    }

    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final Path dir;
    private final EmbeddedZooKeeper sharedZooKeeper;
    /** Every broker's settings by id; the settings fix the listener ports once first bound, so a restart keeps them. */
    private final Map<Integer, Map<String, String>> settings = new LinkedHashMap<>();
    /** The running brokers by id; a stopped broker is absent. */
    private final Map<Integer, Broker> running = new LinkedHashMap<>();

    private WharfCluster(Path dir, EmbeddedZooKeeper sharedZooKeeper) {
        this.dir = dir;
        this.sharedZooKeeper = sharedZooKeeper;
    }

    /**
     * Starts {@code brokers} brokers (all at once) with {@code config} over the test defaults and
     * returns when every one accepts connections.
     */
    public static WharfCluster start(int brokers, Map<String, String> config) throws IOException {
        if (brokers < 1) {
            throw new IllegalArgumentException("brokers must be at least 1, not " + brokers);
        }
        Path dir = Files.createTempDirectory("wharf-junit-");
        WharfCluster cluster;
        try {
            cluster = new WharfCluster(dir, brokers > 1 ? new EmbeddedZooKeeper(dir.resolve("zookeeper"), 0) : null);
        } catch (IOException | RuntimeException e) {
            TempDirs.delete(dir);
            throw e;
        }
        try {
            for (int id = 1; id <= brokers; id++) {
                Map<String, String> own = new HashMap<>(testDefaults(brokers));
                own.put("broker.id", Integer.toString(id));
                own.put("log.dirs", dir.resolve("broker-" + id).resolve("logs").toString());
                if (cluster.sharedZooKeeper != null) {
                    own.put("zookeeper.connect", cluster.sharedZooKeeper.connectString());
                }
                own.putAll(config);
                cluster.settings.put(id, own);
            }
            cluster.startAll(cluster.settings.keySet());
            return cluster;
        } catch (IOException | RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * What every broker gets unless the test says otherwise: a free loopback port, an embedded
     * ZooKeeper on a free port, the internal topics replicated on up to 3 brokers with 5
     * partitions each (Kafka's 50 cost a test cluster time for nothing), and no wait before a new
     * group's first rebalance.
     */
    static Map<String, String> testDefaults(int brokers) {
        String replicas = Integer.toString(Math.min(3, brokers));
        String minIsr = Integer.toString(Math.min(2, brokers));
        return Map.of("listeners", "PLAINTEXT://127.0.0.1:0",
                "zookeeper.embedded.port", "0",
                "offsets.topic.replication.factor", replicas,
                "offsets.topic.num.partitions", "5",
                "transaction.state.log.replication.factor", replicas,
                "transaction.state.log.min.isr", minIsr,
                "transaction.state.log.num.partitions", "5",
                "group.initial.rebalance.delay.ms", "0");
    }

    /** {@code bootstrap.servers} for clients: every running broker's first listener. */
    public synchronized String bootstrap() {
        return running.values().stream().map(b -> b.advertised().host() + ":" + b.advertised().port())
                .collect(Collectors.joining(","));
    }

    /** {@code bootstrap.servers} through the listener named {@code listenerName} (say {@code SASL_PLAINTEXT}). */
    public synchronized String bootstrap(String listenerName) {
        return running.values().stream().map(b -> b.advertised().endpoint(listenerName)
                .orElseThrow(() -> new IllegalArgumentException("no listener " + listenerName + " on broker "
                        + b.advertised().id())))
                .map(e -> e.host() + ":" + e.port()).collect(Collectors.joining(","));
    }

    /** Every broker's id, running or stopped. */
    public synchronized List<Integer> brokerIds() {
        return List.copyOf(settings.keySet());
    }

    /** The ids of the brokers running now. */
    public synchronized List<Integer> runningBrokerIds() {
        return List.copyOf(running.keySet());
    }

    /** The temporary directory holding every broker's logs and ZooKeeper's data; gone after {@link #close()}. */
    public Path directory() {
        return dir;
    }

    /**
     * Creates a topic and returns when every running broker knows a leader for each of its
     * partitions. Needs a PLAINTEXT listener.
     */
    public void createTopic(String name, int partitions, int replicationFactor) throws IOException {
        CreateTopicsRequest request = new CreateTopicsRequest().setTimeoutMs(10_000).setTopics(List.of(
                new CreateTopicsRequest.CreatableTopic().setName(name).setNumPartitions(partitions)
                        .setReplicationFactor((short) replicationFactor)));
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (true) {
            CreateTopicsResponse response;
            try (BrokerCalls calls = plaintextCalls(firstRunning())) {
                response = calls.call(ApiKey.CREATE_TOPICS, (short) 7, request);
            }
            CreateTopicsResponse.CreatableTopicResult result = response.topics().get(0);
            ErrorCode error = ErrorCode.forCode(result.errorCode());
            if (error == ErrorCode.NONE) {
                break;
            }
            // brokers that just started may not all be in the metadata of the one asked yet
            if (error != ErrorCode.INVALID_REPLICATION_FACTOR || System.nanoTime() > deadline) {
                throw new IOException("creating topic " + name + " failed: " + error + " " + result.errorMessage());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        awaitLeaders(name, partitions, deadline);
    }

    /** Stops broker {@code id} (cleanly, as a SIGTERM would); its data stays for {@link #restartBroker}. */
    public synchronized void stopBroker(int id) throws IOException {
        Broker b = running.remove(checkedId(id));
        if (b == null) {
            throw new IllegalStateException("broker " + id + " is not running");
        }
        b.close();
    }

    /** Starts broker {@code id} again on its data and its former ports; returns when it accepts connections. */
    public synchronized void restartBroker(int id) throws IOException {
        if (running.containsKey(checkedId(id))) {
            throw new IllegalStateException("broker " + id + " is running");
        }
        startAll(List.of(id));
    }

    /** Stops every broker at once, then ZooKeeper, and deletes the directory. */
    @Override
    public synchronized void close() {
        List<Throwable> failures = new ArrayList<>();
        if (!running.isEmpty()) {
            ExecutorService stopping = Executors.newFixedThreadPool(running.size(), daemon("wharf-junit-stop"));
            try {
                List<Future<?>> stops = new ArrayList<>();
                for (Broker b : running.values()) {
                    stops.add(stopping.submit(() -> {
                        b.close();
                        return null;
                    }));
                }
                for (Future<?> f : stops) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        failures.add(e.getCause());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        failures.add(e);
                    }
                }
            } finally {
                stopping.shutdown();
            }
            running.clear();
        }
        if (sharedZooKeeper != null) {
            sharedZooKeeper.close();
        }
        try {
            TempDirs.delete(dir);
        } catch (IOException e) {
            failures.add(e);
        }
        if (!failures.isEmpty()) {
            IllegalStateException e = new IllegalStateException("stopping the Wharf cluster in " + dir + " failed");
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }

    /** The ports the brokers listen on (and the shared ZooKeeper's), for the leak tests. */
    synchronized List<Integer> listeningPorts() {
        List<Integer> ports = new ArrayList<>();
        running.values().forEach(b -> b.advertised().endpoints().forEach(e -> ports.add(e.port())));
        if (sharedZooKeeper != null) {
            String connect = sharedZooKeeper.connectString();
            ports.add(Integer.parseInt(connect.substring(connect.lastIndexOf(':') + 1)));
        }
        return ports;
    }

    /** Starts the brokers {@code ids} in parallel and waits for all; on failure stops those that started. */
    private synchronized void startAll(java.util.Collection<Integer> ids) throws IOException {
        ExecutorService starting = Executors.newFixedThreadPool(ids.size(), daemon("wharf-junit-start"));
        try {
            Map<Integer, Future<Broker>> started = new LinkedHashMap<>();
            for (int id : ids) {
                started.put(id, starting.submit(() -> startOne(id)));
            }
            Throwable failure = null;
            for (Map.Entry<Integer, Future<Broker>> e : started.entrySet()) {
                try {
                    Broker b = e.getValue().get();
                    running.put(e.getKey(), b);
                    keepPorts(e.getKey(), b.advertised());
                } catch (ExecutionException ex) {
                    failure = failure == null ? ex.getCause() : failure;
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    failure = ex;
                }
            }
            if (failure != null) {
                throw failure instanceof IOException io ? io : new IOException("starting a Wharf broker failed", failure);
            }
        } finally {
            starting.shutdown();
        }
    }

    private Broker startOne(int id) throws Exception {
        Broker b = new Broker(BrokerConfig.of(settings.get(id)));
        try {
            b.start();
            return b;
        } catch (Exception | Error e) {
            b.close(); // whatever started before the failure
            throw e;
        }
    }

    /** Pins each listener to the port it got, unless the test set advertised listeners of its own. */
    private void keepPorts(int id, BrokerInfo advertised) {
        Map<String, String> own = settings.get(id);
        if (own.containsKey("advertised.listeners")) {
            return;
        }
        own.put("listeners", advertised.endpoints().stream()
                .map(e -> e.listenerName() + "://" + e.host() + ":" + e.port()).collect(Collectors.joining(",")));
    }

    private void awaitLeaders(String topic, int partitions, long deadline) throws IOException {
        MetadataRequest request = new MetadataRequest().setAllowAutoTopicCreation(false)
                .setTopics(List.of(new MetadataRequest.MetadataRequestTopic().setName(topic)));
        for (Broker b : runningNow()) {
            try (BrokerCalls calls = plaintextCalls(b)) {
                while (!allLed(calls.call(ApiKey.METADATA, (short) 12, request), partitions)) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("topic " + topic + " has partitions without a leader on broker "
                                + b.advertised().id() + " after 30 s");
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
            }
        }
    }

    private static boolean allLed(MetadataResponse response, int partitions) {
        if (response.topics().size() != 1 || response.topics().get(0).errorCode() != 0) {
            return false;
        }
        List<MetadataResponse.MetadataResponsePartition> ps = response.topics().get(0).partitions();
        return ps.size() == partitions && ps.stream().allMatch(p -> p.errorCode() == 0 && p.leaderId() >= 0);
    }

    private synchronized List<Broker> runningNow() {
        return List.copyOf(running.values());
    }

    private synchronized Broker firstRunning() {
        return running.values().stream().findFirst().orElseThrow(() -> new IllegalStateException("no broker is running"));
    }

    private static BrokerCalls plaintextCalls(Broker b) throws IOException {
        BrokerInfo.Endpoint e = b.advertised().endpoints().stream().filter(p -> p.securityProtocol().equals("PLAINTEXT"))
                .findFirst().orElseThrow(() -> new IllegalStateException(
                        "creating topics needs a PLAINTEXT listener; add one to listeners"));
        return new BrokerCalls(e.host(), e.port());
    }

    private int checkedId(int id) {
        if (!settings.containsKey(id)) {
            throw new IllegalArgumentException("no broker " + id + " in " + settings.keySet());
        }
        return id;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
