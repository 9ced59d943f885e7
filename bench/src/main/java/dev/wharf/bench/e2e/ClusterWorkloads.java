package dev.wharf.bench.e2e;

import dev.wharf.bench.e2e.Processes.JavaCommand;
import dev.wharf.bench.e2e.Workloads.Workload;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster workloads: three brokers of each system on this machine ({@link ClusterCommands}),
 * each sample on a cluster of its own, started fresh and ready ({@link ClusterUnderTest}) before
 * it is measured and stopped afterwards. CPU and RSS figures are summed over every process of the
 * system: Kafka's three nodes (its controllers live inside them), Wharf's three brokers and its
 * ZooKeeper.
 * <ul>
 * <li>{@code cluster-produce-acksall}: ProducerPerformance, 1 KiB records, no throttle,
 * {@code acks=all}, into a three-partition topic led one partition per broker, replication factor
 * 3, {@code min.insync.replicas=2}: records/s, MB/s, CPU s/GB, ack p99, and the cluster's peak RSS
 * (the sum of its processes' VmHWM at the end).</li>
 * <li>{@code cluster-latency}: {@link FixedRateLatency} with {@code acks=all} through a
 * one-partition topic with replication factor 3 and {@code min.insync.replicas=2}; the cluster's
 * CPU as a percentage of one core.</li>
 * <li>{@code failover}: {@link Failover}. {@code rolling-restart}: {@link RollingRestart}.</li>
 * </ul>
 */
final class ClusterWorkloads {
    static final String PRODUCE_ACKS_ALL = "cluster-produce-acksall";
    static final String LATENCY = "cluster-latency";
    static final String FAILOVER = "failover";
    static final String ROLLING_RESTART = "rolling-restart";
    static final Set<String> NAMES = Set.of(PRODUCE_ACKS_ALL, LATENCY, FAILOVER, ROLLING_RESTART);

    private static final int KIB = 1024;
    private static final Pattern FIXED_RATE = Pattern.compile("p50_us=([\\d.]+) p99_us=([\\d.]+) p999_us=([\\d.]+)");

    /** How much each cluster workload does per profile (the tiny profile runs none of them). */
    /**
     * @param warmUpRecords written unmeasured (acks=all, max rate) to a topic of their own on each fresh cluster before
     *     {@code cluster-produce-acksall} and {@code cluster-latency} measure: a broker JVM just started spends its first
     *     half minute compiling (C2 took 3.5-3.9 CPU-seconds per broker in each of the first two 17 s produce runs on a
     *     fresh Wharf cluster; 18k records/s then, 31k once compiled), and three of them share two cores
     */
    record Sizes(long produceRecords, int produceSamples, int latencySamples, int failoverSamples, int rollingSamples,
            long warmUpRecords) {
        static Sizes of(Profile p) {
            return switch (p.name()) {
                case "full" -> new Sizes(500_000, 3, 3, 3, 1, 300_000);
                case "smoke" -> new Sizes(100_000, 1, 1, 1, 1, 50_000);
                default -> new Sizes(20_000, 1, 1, 1, 1, 5_000);
            };
        }
    }

    private ClusterWorkloads() {
    }

    static List<Workload> of(Profile p) {
        Sizes s = Sizes.of(p);
        return List.of(
                Workload.ownBrokers(PRODUCE_ACKS_ALL, String.format("3 brokers, RF 3, min ISR 2: produce %,d x 1 KiB at max rate, acks=all, after %,d unmeasured%s",
                        s.produceRecords(), s.warmUpRecords(), medianOf(s.produceSamples())), s.produceSamples(), (f, sample) -> produce(f, sample, s, p)),
                Workload.ownBrokers(LATENCY, String.format("3 brokers, RF 3, min ISR 2: end-to-end latency, acks=all, 1 KiB at %,d records/s for %d s, after %,d unmeasured%s",
                        p.latencyRate(), p.latencySeconds(), s.warmUpRecords(), medianOf(s.latencySamples())), s.latencySamples(), (f, sample) -> latency(f, sample, p)),
                Workload.ownBrokers(FAILOVER, String.format("3 brokers: SIGKILL of a partition leader (not the controller) to the next acks=all ack%s",
                        medianOf(s.failoverSamples())), s.failoverSamples(), Failover::run),
                Workload.ownBrokers(ROLLING_RESTART, String.format("3 brokers restarted in turn (SIGTERM) under %,d records/s, acks=all%s",
                        Failover.RATE, medianOf(s.rollingSamples())), s.rollingSamples(), RollingRestart::run));
    }

    private static String medianOf(int samples) {
        return samples > 1 ? ", median of " + samples : "";
    }

    private static Map<Metric, Double> produce(Workloads.Fresh fresh, int sample, Sizes s, Profile p) throws Exception {
        String name = PRODUCE_ACKS_ALL + "-" + sample;
        try (ClusterUnderTest cluster = ClusterUnderTest.start(fresh, name)) {
            String topic = "cluster-acksall";
            cluster.createTopic(topic, ClusterUnderTest.spreadLeaders(3), Duration.ofSeconds(60));
            warmUp(fresh, cluster, name, s, p);
            double cpu = cluster.cpuSeconds();
            LoadTools.Produced produced = fresh.tools().produce(name, Endpoint.plaintext(cluster.bootstrap()), topic, s.produceRecords(),
                    KIB, -1, "all", p.workloadTimeout());
            double cpuSeconds = cluster.cpuSeconds() - cpu;
            Map<Metric, Double> m = new EnumMap<>(Metric.class);
            m.put(Metric.RECORDS_PER_SEC, produced.recordsPerSec());
            m.put(Metric.MB_PER_SEC, produced.recordsPerSec() * KIB / 1e6);
            m.put(Metric.CPU_SECONDS_PER_GB, cpuSeconds / (s.produceRecords() * (double) KIB / 1e9));
            m.put(Metric.ACK_P99_MS, produced.p99Ms());
            m.put(Metric.CLUSTER_PEAK_RSS_MIB, cluster.peakRssMiB());
            return m;
        }
    }

    /** Runs the brokers' hot paths until compiled (see {@link Sizes#warmUpRecords}); not measured. */
    private static void warmUp(Workloads.Fresh fresh, ClusterUnderTest cluster, String name, Sizes s, Profile p) throws Exception {
        String topic = "cluster-warm-up";
        cluster.createTopic(topic, ClusterUnderTest.spreadLeaders(3), Duration.ofSeconds(60));
        fresh.tools().produce(name + "-warm-up", Endpoint.plaintext(cluster.bootstrap()), topic, s.warmUpRecords(), KIB, -1, "all",
                p.workloadTimeout());
    }

    private static Map<Metric, Double> latency(Workloads.Fresh fresh, int sample, Profile p) throws Exception {
        String name = LATENCY + "-" + sample;
        try (ClusterUnderTest cluster = ClusterUnderTest.start(fresh, name)) {
            String topic = "cluster-latency";
            cluster.createTopic(topic, ClusterUnderTest.spreadLeaders(1), Duration.ofSeconds(60));
            warmUp(fresh, cluster, name, Sizes.of(p), p);
            double cpu = cluster.cpuSeconds();
            long start = System.nanoTime();
            JavaCommand command = new JavaCommand(List.of("-Xms512m", "-Xmx512m"), fresh.harnessClasspath(), FixedRateLatency.class.getName(),
                    List.of(cluster.bootstrap(), topic, Integer.toString(p.latencyRate()), Integer.toString(p.latencySeconds()),
                            Integer.toString(KIB), Integer.toString(p.latencyWarmUpSeconds()), "all"));
            Processes.Finished done = fresh.processes().run(command, fresh.logDir().resolve(name), p.workloadTimeout());
            double cpuPercent = 100 * (cluster.cpuSeconds() - cpu) / ((System.nanoTime() - start) / 1e9);
            Matcher m = FIXED_RATE.matcher(done.stdout());
            if (done.exitCode() != 0 || !m.find()) {
                throw new IOException("FixedRateLatency exited with " + done.exitCode() + ":\n" + done.stdout()
                        + Processes.tail(fresh.logDir().resolve(name + ".err"), 20));
            }
            Map<Metric, Double> r = new EnumMap<>(Metric.class);
            r.put(Metric.LATENCY_P50_US, Double.parseDouble(m.group(1)));
            r.put(Metric.LATENCY_P99_US, Double.parseDouble(m.group(2)));
            r.put(Metric.LATENCY_P999_US, Double.parseDouble(m.group(3)));
            r.put(Metric.BROKER_CPU_PERCENT, cpuPercent);
            return r;
        }
    }
}
