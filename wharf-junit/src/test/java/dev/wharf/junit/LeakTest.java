package dev.wharf.junit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * After the extension closes a cluster, nothing of it is left: no new non-daemon thread and no
 * thread of the broker, ZooKeeper, Curator, Netty or the injected Admin; every port it listened
 * on can be bound again; its directory is gone and no file descriptor of this process points
 * into it. Each test runs a small test class through the JUnit launcher (as a build would), with
 * real kafka-clients producing and consuming, and looks at what is left when the run is over.
 */
class LeakTest {
    /** Thread names of the broker and what it runs on, and of the Admin client the extension injects. */
    private static final Pattern BROKER_THREADS = Pattern.compile(
            "wharf-.*|multiThreadIoEventLoopGroup.*|.*SendThread.*|.*EventThread.*|Curator-.*|NIOServerCxn.*"
                    + "|NIOWorkerThread.*|SyncThread.*|ProcessThread.*|SessionTracker.*|RequestThrottler.*"
                    + "|ConnnectionExpirer.*|ConnectionExpirer.*|kafka-admin-client-thread.*");
    /** What the scenarios saw of their clusters while they ran. */
    static final List<Integer> ports = new CopyOnWriteArrayList<>();
    static final List<Path> dirs = new CopyOnWriteArrayList<>();

    // a class-level broker, with an injected Admin, leaves nothing behind
    @Test
    void classLevelBroker() throws Exception {
        runAndCheck(ClassLevel.class, 2);
    }

    // per-test brokers (an instance field) leave nothing behind
    @Test
    void perTestBrokers() throws Exception {
        runAndCheck(EachTestScoped.class, 2);
    }

    // a three-broker cluster with its shared ZooKeeper leaves nothing behind
    @Test
    void threeBrokerCluster() throws Exception {
        runAndCheck(ThreeBrokers.class, 1);
    }

    private static void runAndCheck(Class<?> scenario, int tests) throws Exception {
        ports.clear();
        dirs.clear();
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        // no auto-registered listeners: the build's own would report the scenario's tests as its own
        LauncherFactory.create(LauncherConfig.builder().enableTestExecutionListenerAutoRegistration(false)
                .enableLauncherSessionListenerAutoRegistration(false).enableLauncherDiscoveryListenerAutoRegistration(false)
                .enablePostDiscoveryFilterAutoRegistration(false).build()).execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(scenario)).build(),
                listener);
        TestExecutionSummary summary = listener.getSummary();
        assertEquals(List.of(), summary.getFailures().stream().map(f -> f.getException().toString()).toList());
        assertEquals(tests, summary.getTestsSucceededCount());
        assertFalse(ports.isEmpty());
        assertFalse(dirs.isEmpty());

        await().atMost(Duration.ofSeconds(10)).pollInSameThread().until(() -> leftThreads(before), List::isEmpty);
        for (int port : ports) {
            await().atMost(Duration.ofSeconds(5)).until(() -> bindable(port));
        }
        for (Path dir : dirs) {
            assertFalse(Files.exists(dir), dir + " still exists");
            assertEquals(List.of(), descriptorsInto(dir));
        }
    }

    /** Threads started since {@code before} that are still alive and either non-daemon or the broker's. */
    private static List<String> leftThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                .filter(t -> !t.isDaemon() || BROKER_THREADS.matcher(t.getName()).matches())
                .map(t -> t.getName() + (t.isDaemon() ? " (daemon)" : "")).toList();
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** This process's open file descriptors that point into {@code dir} (Linux; none elsewhere). */
    private static List<String> descriptorsInto(Path dir) throws IOException {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return List.of();
        }
        List<String> into = new ArrayList<>();
        try (Stream<Path> all = Files.list(fds)) {
            for (Path fd : all.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(dir.toString())) {
                        into.add(target);
                    }
                } catch (IOException gone) {
                    // closed since it was listed (the listing's own descriptor, say)
                }
            }
        }
        return into;
    }

    /** Records what a scenario's cluster listens on and where it keeps its data. */
    static void observe(WharfCluster cluster) {
        ports.addAll(cluster.listeningPorts());
        dirs.add(cluster.directory());
    }

    /** One record through a real producer and consumer. */
    static void roundTrip(String bootstrap, String topic) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap, "acks", "all"),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, "k", "v")).get(10, TimeUnit.SECONDS);
        }
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.seekToBeginning(consumer.assignment());
            assertEquals("v", consumer.poll(Duration.ofSeconds(10)).iterator().next().value());
        }
    }

    @WharfBroker(topics = "leak")
    static class ClassLevel {
        @Test
        void produceAndConsume(WharfCluster cluster) throws Exception {
            observe(cluster);
            roundTrip(cluster.bootstrap(), "leak");
        }

        @Test
        void admin(Admin admin, WharfCluster cluster) throws Exception {
            observe(cluster);
            assertEquals(Set.of("leak"), admin.listTopics().names().get(10, TimeUnit.SECONDS));
        }
    }

    static class EachTestScoped {
        @WharfBroker(topics = "leak")
        WharfCluster cluster;

        @Test
        void first() throws Exception {
            observe(cluster);
            roundTrip(cluster.bootstrap(), "leak");
        }

        @Test
        void second() throws Exception {
            observe(cluster);
            roundTrip(cluster.bootstrap(), "leak");
        }
    }

    static class ThreeBrokers {
        @WharfBroker(brokers = 3, topics = "leak:1:3")
        static WharfCluster cluster;

        @Test
        void produceAndConsume(Admin admin) throws Exception {
            observe(cluster);
            assertEquals(3, admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size());
            roundTrip(cluster.bootstrap(), "leak");
            assertEquals(3, cluster.listeningPorts().size() - 1, cluster.listeningPorts().stream()
                    .map(String::valueOf).collect(Collectors.joining(",")));
        }
    }
}
