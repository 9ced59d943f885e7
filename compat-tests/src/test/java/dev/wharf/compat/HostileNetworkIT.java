package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.compat.WellBehavedClients.Phase;
import dev.wharf.testing.KafkaWireClient;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ApiVersionsRequest;
import dev.wharf.wire.message.ApiVersionsResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;

/**
 * The hostile-network fuzzing run: a broker in its own JVM (Netty leak detection on) takes
 * generated frames from {@link HostileClient} threads over real TCP while {@link WellBehavedClients}
 * produce and consume beside them. In {@code mvn verify} it is bounded (20,000 frames, at most 30 s
 * of fuzzing: under a minute in all on a busy 2-core machine); the full run is the same test with
 * {@code -Dfuzz.frames=1000000} (see the README's "Hostile network" for the command and figures).
 * <p>
 * Properties: {@code fuzz.frames}; {@code fuzz.seed} (default new, printed; the sessions depend
 * only on it and {@code fuzz.threads}); {@code fuzz.threads} (4); {@code fuzz.seconds} (the time
 * bound, 30); {@code fuzz.quietSeconds} (the good producer's latency measured before the fuzzing,
 * 5); {@code fuzz.slowHoldMs} (how long slow writers hold their connections, 2000);
 * {@code fuzz.leakDetection} (Netty's level, paranoid); {@code fuzz.listener} (an extra listener
 * such as {@code SASL_PLAINTEXT://127.0.0.1:19094} for the fuzzer to target instead of the good
 * clients' PLAINTEXT one); {@code fuzz.broker.<key>} (broker settings, e.g. the SASL ones that
 * listener needs). Figures go to stdout and {@code target/hostile-network/figures.txt}, the
 * broker's log to {@code target/hostile-network/broker.log}.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.API_VERSIONS, ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID,
        ApiKeys.ALTER_CLIENT_QUOTAS})
class HostileNetworkIT {
    private static final String TOPIC = RandomRequests.PROTECTED_PREFIX + "-records";
    private static final int PARTITIONS = 3;
    private static final int SENDS_PER_SECOND = 100;
    /** Growth of the heap retained after a full GC, over the run, that still counts as bounded. */
    private static final long RETAINED_GROWTH_LIMIT_KB = 128 * 1024;
    private static final int MAX_REQUEST_BYTES = 104_857_600; // socket.request.max.bytes' default

    // Hostile frames, slow writers, floods and cut-short SASL leave the broker up, quiet at ERROR,
    // leak-free and bounded in heap, and the well-behaved clients' records all there, in order.
    @Test
    void hostileTrafficHarmsNeitherTheBrokerNorItsGoodClients() throws Exception {
        long frames = Long.getLong("fuzz.frames", 20_000);
        int threads = Integer.getInteger("fuzz.threads", 4);
        long seconds = Long.getLong("fuzz.seconds", 30);
        long slowHoldMs = Long.getLong("fuzz.slowHoldMs", 2_000);
        long quietSeconds = Long.getLong("fuzz.quietSeconds", 5);
        String seedProperty = System.getProperty("fuzz.seed", "");
        long seed = seedProperty.isBlank() ? System.nanoTime() : Long.parseLong(seedProperty.strip());
        String leakLevel = System.getProperty("fuzz.leakDetection", "paranoid");
        System.out.printf("hostile network: %d frames, %d threads, seed %d (replay with -Dfuzz.seed=%d -Dfuzz.threads=%d)%n",
                frames, threads, seed, seed, threads);

        Map<String, String> overrides = brokerOverrides();
        String extraListener = System.getProperty("fuzz.listener", "").strip();
        String goodBootstrap = null;
        if (!extraListener.isEmpty()) {
            goodBootstrap = "127.0.0.1:" + freePort();
            overrides.put("listeners", "PLAINTEXT://" + goodBootstrap + "," + extraListener);
        }
        Path dir = Path.of("target", "hostile-network").toAbsolutePath();
        deleteRecursively(dir); // the last run's broker; this run's stays for a look at its log
        try (BrokerProcess broker = new BrokerProcess(dir, overrides)
                .jvmOptions("-Dio.netty.leakDetection.level=" + leakLevel)) {
            broker.start();
            String bootstrap = goodBootstrap != null ? goodBootstrap : broker.bootstrap();
            String fuzzTarget = extraListener.isEmpty() ? bootstrap : extraListener.substring(extraListener.indexOf("//") + 2);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1)
                        .configs(Map.of("retention.ms", "-1")))).all().get(30, TimeUnit.SECONDS);
            }
            BrokerHeap heap = new BrokerHeap(broker.pid(), 2_000);
            long retainedBefore = heap.afterFullGc();
            heap.start();
            FuzzStats stats = new FuzzStats();
            long fuzzNanos;
            try (WellBehavedClients good = new WellBehavedClients(bootstrap, TOPIC, SENDS_PER_SECOND); heap) {
                good.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> good.ledger().producedCount() > 0);
                good.phase(Phase.QUIET);
                Thread.sleep(TimeUnit.SECONDS.toMillis(quietSeconds)); // the quiet latencies' period, not synchronisation
                good.phase(Phase.BUSY);
                fuzzNanos = fuzz(fuzzTarget, seed, frames, threads, seconds, slowHoldMs, stats);
                good.phase(Phase.WARMUP); // what follows is neither quiet nor fuzzed: not counted

                assertTrue(broker.isAlive(), "the broker died; log:\n" + broker.tail());
                assertAnswers(bootstrap);
                good.stopProducing();
                RecordLedger ledger = good.ledger();
                await().atMost(Duration.ofSeconds(60)).until(() -> ledger.consumedCount() >= ledger.producedCount());
                good.close();
                assertEquals(0, good.failed(), "sends of the good producer failed");
                good.assertAllReadBackInOrder();
                long retainedAfter = heap.afterFullGc();
                assertAnswers(bootstrap); // after the GC, so that the leak detector reports what it found

                String figures = String.format("seed %d, %d threads: %s%n"
                        + "fuzzing %.1f s (%.0f frames/s); broker heap: max %d MiB in use, %d MiB retained after a full GC"
                        + " before and %d MiB after; max RSS %d MiB%n"
                        + "good producer p50/p99 latency: quiet %.1f/%.1f ms (%d sends), under fuzzing %.1f/%.1f ms (%d sends);"
                        + " %d acknowledged records read back intact and in order%n",
                        seed, threads, stats, fuzzNanos / 1e9, stats.frames() / (fuzzNanos / 1e9), heap.maxHeapKb() / 1024,
                        retainedBefore / 1024, retainedAfter / 1024, heap.maxRssKb() / 1024,
                        good.latencyMs(Phase.QUIET, 50), good.latencyMs(Phase.QUIET, 99), good.samples(Phase.QUIET),
                        good.latencyMs(Phase.BUSY, 50), good.latencyMs(Phase.BUSY, 99), good.samples(Phase.BUSY),
                        ledger.producedCount());
                System.out.print(figures);
                Files.writeString(dir.resolve("figures.txt"), figures);
                assertTrue(retainedAfter - retainedBefore < RETAINED_GROWTH_LIMIT_KB,
                        () -> "heap retained after a full GC grew from " + retainedBefore + " KiB to " + retainedAfter + " KiB:\n"
                                + heap.histogram(30));
            }
            assertLogClean(broker);
            assertTrue(stats.frames() >= Math.min(frames, 1_000), "the fuzzers sent only " + stats);
        }
    }

    /** Runs the hostile clients to their quotas (bounded in time); returns how long they took. */
    private static long fuzz(String target, long seed, long frames, int threads, long seconds, long slowHoldMs,
            FuzzStats stats) throws InterruptedException {
        String host = target.substring(0, target.lastIndexOf(':'));
        InetSocketAddress address = new InetSocketAddress(host, Integer.parseInt(target.substring(target.lastIndexOf(':') + 1)));
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int i = 0; i < threads; i++) {
            long quota = frames / threads + (i < frames % threads ? 1 : 0);
            pool.execute(new HostileClient(address, seed + 0x9E3779B97F4A7C15L * (i + 1), quota, deadline,
                    MAX_REQUEST_BYTES, slowHoldMs, stats));
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(seconds + 60, TimeUnit.SECONDS), "hostile clients still running: " + stats);
        return System.nanoTime() - started;
    }

    /** The broker still answers a fresh connection. */
    private static void assertAnswers(String bootstrap) throws IOException {
        try (KafkaWireClient c = new KafkaWireClient(bootstrap)) {
            ApiVersionsResponse r = c.call(ApiKey.API_VERSIONS, (short) 3,
                    new ApiVersionsRequest().setClientSoftwareName("t").setClientSoftwareVersion("1"));
            assertEquals(0, r.errorCode());
        }
    }

    /** Nothing at ERROR (a client's mistake is at most a WARN) and no leaked buffer in the broker's log. */
    private static void assertLogClean(BrokerProcess broker) throws IOException {
        List<String> lines = Files.readAllLines(broker.log());
        List<String> bad = lines.stream().filter(l -> l.contains(" ERROR ") || l.contains("LEAK")).toList();
        long warnings = lines.stream().filter(l -> l.contains(" WARN ")).count();
        System.out.printf("broker log: %d lines, %d at WARN, %d at ERROR or LEAK%n", lines.size(), warnings, bad.size());
        assertEquals(List.of(), bad.subList(0, Math.min(20, bad.size())), bad.size() + " ERROR or LEAK lines; log in " + broker.log());
    }

    /** Every {@code fuzz.broker.<key>=<value>} system property, as the broker setting {@code <key>=<value>}. */
    private static Map<String, String> brokerOverrides() {
        Map<String, String> m = new HashMap<>();
        System.getProperties().forEach((k, v) -> {
            if (k.toString().startsWith("fuzz.broker.")) {
                m.put(k.toString().substring("fuzz.broker.".length()), v.toString());
            }
        });
        return m;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
