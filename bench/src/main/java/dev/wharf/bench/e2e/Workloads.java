package dev.wharf.bench.e2e;

import dev.wharf.bench.e2e.Processes.JavaCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The workloads, in the order they run against each broker. Each returns its figures; broker CPU
 * is the difference in the broker's utime+stime across the load, divided by the record bytes moved
 * (1 GB = 10^9 bytes of record values).
 */
final class Workloads {
    static final String PRODUCE_1K_ACKS_1 = "produce-1k-acks1";
    static final String PRODUCE_1K_ACKS_ALL = "produce-1k-acksall";
    static final String PRODUCE_100B = "produce-100b";
    static final String CONSUME_1K = "consume-1k";
    static final String CONSUME_1K_TLS = "consume-1k-tls";
    static final String PRODUCE_1K_TLS = "produce-1k-tls";
    static final String LATENCY_FIXED_RATE = "latency-fixed-rate";
    static final String ROUND_TRIP = "latency-round-trip";
    static final String PARTITIONS = "partitions-1000";
    static final String IDLE_CONNECTIONS = "idle-connections";
    static final String COMPACTION = "compaction";
    static final String CONSUME_1K_NATIVE = "consume-1k-native";
    static final String CONSUME_1K_WARM = "consume-1k-warm";
    static final String PRODUCE_1K_NATIVE = "produce-1k-native";
    static final String TRANSACTIONS = "transactions";
    static final String GROUPS_CLASSIC = "groups-classic";
    static final String GROUPS_CONSUMER = "groups-consumer";
    static final String PARTITIONS_10000 = "partitions-10000";
    static final String CONNECTIONS_10000 = "connections-10000";
    static final String RECOVERY = "recovery";
    /** The workloads that connect to the brokers' TLS listener. */
    private static final Set<String> OVER_TLS = Set.of(CONSUME_1K_TLS, PRODUCE_1K_TLS);
    /** The topic consume-1k and consume-1k-tls read, which produce-1k-acks1 writes. */
    static final String CONSUMED_TOPIC = "bench-1k";

    private static final int KIB = 1024;
    private static final Pattern FIXED_RATE = Pattern.compile(
            "avg_us=([\\d.]+) p50_us=([\\d.]+) p99_us=([\\d.]+) p999_us=([\\d.]+)");

    /**
     * A workload: its name, a line for people, how to run it, and how many times (figures are
     * medians). It runs either against the run's broker ({@code run}) or, after that broker has
     * stopped, on brokers it starts itself ({@code ownBrokers}: a cluster, a crash and recovery).
     */
    record Workload(String name, String description, int samples, Run run, OwnBrokersRun ownBrokers) {
        Workload {
            if ((run == null) == (ownBrokers == null)) {
                throw new IllegalArgumentException(name + ": exactly one of run and ownBrokers");
            }
        }

        Workload(String name, String description, int samples, Run run) {
            this(name, description, samples, run, null);
        }

        Workload(String name, String description, Run run) {
            this(name, description, 1, run, null);
        }

        /** A workload that starts brokers of its own. */
        static Workload ownBrokers(String name, String description, int samples, OwnBrokersRun run) {
            return new Workload(name, description, samples, null, run);
        }

        boolean startsOwnBrokers() {
            return ownBrokers != null;
        }
    }

    @FunctionalInterface
    interface Run {
        /** Runs sample number {@code sample} (from 1) of the workload. */
        Map<Metric, Double> against(Target target, int sample) throws Exception;
    }

    @FunctionalInterface
    interface OwnBrokersRun {
        /** Runs sample number {@code sample} (from 1), starting and stopping the brokers it needs through {@code fresh}. */
        Map<Metric, Double> on(Fresh fresh, int sample) throws Exception;
    }

    /**
     * What a workload that starts its own brokers gets: the system under test (to prepare brokers
     * of it), an empty directory of its own (deleted afterwards), the means to run JVMs, the load
     * tools, the directory for logs (kept), the harness's class path and the run's TLS store, if any.
     */
    record Fresh(BrokerUnderTest broker, Path dir, Processes processes, LoadTools tools, Path logDir, String harnessClasspath,
            Optional<TlsStore> tls) {
    }

    /** The running broker the workloads drive (with its TLS listener when the run has TLS workloads), and the means to drive it. */
    record Target(String host, int port, Optional<Endpoint> tls, Path data, ProcStat stat, LoadTools tools, Processes processes,
            Path logDir, String harnessClasspath) {
        String bootstrap() {
            return host + ":" + port;
        }

        Endpoint plaintext() {
            return Endpoint.plaintext(bootstrap());
        }

        Endpoint overTls() {
            return tls.orElseThrow(() -> new IllegalStateException("the broker was started without a TLS listener"));
        }
    }

    private Workloads() {
    }

    /** The profile's workloads, in running order (consume reads what the first produce wrote). */
    static List<Workload> of(Profile p) {
        int ps = p.produceSamples();
        List<Workload> all = List.of(
                new Workload(PRODUCE_1K_ACKS_1, String.format("produce %,d x 1 KiB at max rate, acks=1%s", p.records1k(), medianOf(ps)), ps,
                        (t, sample) -> produce(t, PRODUCE_1K_ACKS_1, "bench-1k", sample, p.records1k(), KIB, "1", p)),
                new Workload(PRODUCE_1K_ACKS_ALL, String.format("produce %,d x 1 KiB at max rate, acks=all%s", p.records1k(), medianOf(ps)),
                        ps, (t, sample) -> produce(t, PRODUCE_1K_ACKS_ALL, "bench-1k-all", sample, p.records1k(), KIB, "all", p)),
                new Workload(PRODUCE_100B, String.format("produce %,d x 100 B at max rate, acks=1%s", p.records100b(), medianOf(ps)), ps,
                        (t, sample) -> produce(t, PRODUCE_100B, "bench-100b", sample, p.records100b(), 100, "1", p)),
                new Workload(CONSUME_1K, String.format("consume the %,d x 1 KiB topic from the beginning%s", p.records1k(),
                        medianOf(p.consumeSamples())), p.consumeSamples(), (t, sample) -> consume(t, CONSUME_1K, t.plaintext(), p, sample)),
                // right after consume-1k, so that both read the same topic from the same page cache
                new Workload(CONSUME_1K_TLS, String.format("the same as consume-1k over TLS%s", medianOf(p.consumeSamples())),
                        p.consumeSamples(), (t, sample) -> consume(t, CONSUME_1K_TLS, t.overTls(), p, sample)),
                // the same topic from the same page cache, through a C client, then through the sendfile ceiling server
                new Workload(CONSUME_1K_NATIVE, String.format("the consume-1k topic read by rdkafka_performance, and through the sendfile ceiling%s",
                        medianOf(p.consumeSamples())), p.consumeSamples(), (t, sample) -> NativeConsume.sample(t, p, sample)),
                new Workload(CONSUME_1K_WARM, String.format("the consume-1k topic read %d times in one consumer JVM, the last %d measured",
                        NativeSizes.of(p).warmPasses(), NativeSizes.of(p).warmMeasured()), (t, sample) -> WarmConsume.run(t, p)),
                // after the consume workloads, so that its writes do not push their topic out of the page cache
                new Workload(PRODUCE_1K_TLS, String.format("the same as produce-1k-acks1 over TLS%s", medianOf(ps)), ps,
                        (t, sample) -> produceOverTls(t, sample, p)),
                new Workload(PRODUCE_1K_NATIVE, String.format("rdkafka_performance: produce %,d x 1 KiB at max rate, acks=1%s", p.records1k(),
                        medianOf(ps)), ps, (t, sample) -> NativeProduce.sample(t, p, sample)),
                new Workload(LATENCY_FIXED_RATE, String.format("end-to-end latency, 1 KiB at %,d records/s for %d s%s",
                        p.latencyRate(), p.latencySeconds(), medianOf(p.latencySamples())), p.latencySamples(),
                        (t, sample) -> fixedRateLatency(t, p, sample)),
                new Workload(ROUND_TRIP, String.format("EndToEndLatency: %,d x 1 KiB, one in flight (whole ms)", p.roundTrips()),
                        (t, sample) -> roundTrips(t, p)),
                new Workload(PARTITIONS, String.format("%,d-partition topic: created until each partition acked a record, then %,d x 1 KiB across it", p.partitions(),
                        p.recordsPartitioned()), (t, sample) -> partitions(t, p)),
                new Workload(IDLE_CONNECTIONS, String.format("%,d idle connections open, produce %,d x 1 KiB%s", p.idleConnections(),
                        p.recordsWithIdle(), medianOf(ps)), ps, (t, sample) -> idleConnections(t, p, sample)),
                new Workload(COMPACTION, String.format("log cleaner: %,d updates of 100 B over %,d keys, then cleaned",
                        p.compactionUpdates(), Compaction.KEYS), (t, sample) -> Compaction.run(t, p)),
                new Workload(TRANSACTIONS, String.format("transactional producer: %,d transactions of %d x 1 KiB, acks=all%s",
                        FeatureSizes.of(p).transactions(), FeatureSizes.of(p).recordsPerTransaction(),
                        medianOf(FeatureSizes.of(p).transactionSamples())), FeatureSizes.of(p).transactionSamples(),
                        (t, sample) -> Transactions.run(t, p, sample)),
                new Workload(GROUPS_CLASSIC, String.format("classic group (cooperative-sticky): an 11th member joins 10; sync commits%s",
                        medianOf(FeatureSizes.of(p).groupSamples())), FeatureSizes.of(p).groupSamples(),
                        (t, sample) -> Groups.run(t, p, GROUPS_CLASSIC, "classic", sample)),
                new Workload(GROUPS_CONSUMER, String.format("KIP-848 group (uniform): an 11th member joins 10; sync commits%s",
                        medianOf(FeatureSizes.of(p).groupSamples())), FeatureSizes.of(p).groupSamples(),
                        (t, sample) -> Groups.run(t, p, GROUPS_CONSUMER, "consumer", sample)),
                new Workload(PARTITIONS_10000, ScaleDescriptions.partitions(p), (t, sample) -> PartitionScale.run(t, p)),
                new Workload(CONNECTIONS_10000, ScaleDescriptions.connections(p), (t, sample) -> ConnectionScale.run(t, p)),
                Workload.ownBrokers(RECOVERY, ScaleDescriptions.recovery(p), 1, (fresh, sample) -> CrashRecovery.run(fresh, p)));
        all = Stream.concat(all.stream(), ClusterWorkloads.of(p).stream()).toList(); // after the rest: they start brokers of their own
        return all.stream().filter(w -> p.workloads().contains(w.name())).toList();
    }

    /** Whether any of these workloads needs the brokers' TLS listener (and so a key store). */
    static boolean needTls(List<Workload> workloads) {
        return workloads.stream().anyMatch(w -> OVER_TLS.contains(w.name()));
    }

    private static String medianOf(int samples) {
        return samples > 1 ? ", median of " + samples : "";
    }

    /**
     * A produce sample's topic: the first sample writes {@code topic} and leaves it (consume-1k
     * reads bench-1k); each later one writes a topic of its own, which {@link #dropSampleTopic}
     * deletes afterwards, so that the page cache still holds what the later workloads read.
     */
    private static String sampleTopic(String topic, int sample) {
        return sample == 1 ? topic : topic + "-s" + sample;
    }

    /**
     * Deletes a later sample's topic and waits until its files are gone: Kafka removes a deleted
     * partition's directory in the background (after {@code log.segment.delete.delay.ms}), and the
     * next sample should not pay for it.
     */
    private static void dropSampleTopic(Target t, String topic, int sample, Profile p) throws Exception {
        if (sample > 1) {
            dropTopic(t, topic, p);
        }
    }

    /** Deletes a topic and waits until its files are gone. */
    static void dropTopic(Target t, String topic, Profile p) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, t.bootstrap()))) {
            admin.deleteTopics(List.of(topic)).all().get(p.workloadTimeout().toSeconds(), TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + p.workloadTimeout().toNanos();
        while (holdsFilesOf(t.data(), topic)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the files of deleted topic " + topic + " are still in " + t.data() + " after " + p.workloadTimeout());
            }
            Thread.sleep(100);
        }
    }

    /** Whether the log directory holds a partition directory of {@code topic} (Kafka's {@code <topic>-<n>.<id>-delete} too). */
    private static boolean holdsFilesOf(Path data, String topic) throws IOException {
        try (Stream<Path> dirs = Files.list(data)) {
            return dirs.map(d -> d.getFileName().toString()).anyMatch(n -> n.matches(Pattern.quote(topic) + "-\\d+(\\..*)?"));
        }
    }

    private static Map<Metric, Double> produce(Target t, String name, String topic, int sample, long records, int size, String acks,
            Profile p) throws Exception {
        String written = sampleTopic(topic, sample);
        double cpu = t.stat().cpuSeconds();
        LoadTools.Produced produced = t.tools().produce(name + "-" + sample, t.plaintext(), written, records, size, -1, acks,
                p.workloadTimeout());
        Map<Metric, Double> m = throughput(produced.recordsPerSec(), size, records, t.stat().cpuSeconds() - cpu, produced.p99Ms());
        dropSampleTopic(t, written, sample, p);
        return m;
    }

    /**
     * produce-1k-acks1 through the TLS listener. Every sample's topic, the first one's too, is
     * deleted afterwards: nothing reads it, and it would only crowd the page cache.
     */
    private static Map<Metric, Double> produceOverTls(Target t, int sample, Profile p) throws Exception {
        String topic = "bench-1k-tls-s" + sample;
        double cpu = t.stat().cpuSeconds();
        LoadTools.Produced produced = t.tools().produce(PRODUCE_1K_TLS + "-" + sample, t.overTls(), topic, p.records1k(), KIB, -1, "1",
                p.workloadTimeout());
        Map<Metric, Double> m = throughput(produced.recordsPerSec(), KIB, p.records1k(), t.stat().cpuSeconds() - cpu, produced.p99Ms());
        dropTopic(t, topic, p);
        return m;
    }

    /** Each sample reads the whole topic in a group of its own. */
    private static Map<Metric, Double> consume(Target t, String name, Endpoint endpoint, Profile p, int sample) throws Exception {
        if (sample == 1) {
            writeConsumedTopicIfMissing(t, p);
        }
        double cpu = t.stat().cpuSeconds();
        LoadTools.Consumed consumed = t.tools().consume(name + "-" + sample, endpoint, CONSUMED_TOPIC, p.records1k(), p.workloadTimeout());
        return throughput(consumed.recordsPerSec(), KIB, consumed.records(), t.stat().cpuSeconds() - cpu, null);
    }

    /**
     * The consume workloads read what produce-1k-acks1 wrote; in a run without it (say
     * {@code --only consume-1k,consume-1k-tls}) they write the same topic first, unmeasured and
     * in plaintext, with the same load tool and settings.
     */
    static void writeConsumedTopicIfMissing(Target t, Profile p) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, t.bootstrap()))) {
            if (admin.listTopics().names().get(p.workloadTimeout().toSeconds(), TimeUnit.SECONDS).contains(CONSUMED_TOPIC)) {
                return;
            }
        }
        t.tools().produce("write-" + CONSUMED_TOPIC, t.plaintext(), CONSUMED_TOPIC, p.records1k(), KIB, -1, "1", p.workloadTimeout());
        DirtyPages.settle(java.time.Duration.ofSeconds(60));
    }

    private static Map<Metric, Double> throughput(double recordsPerSec, int size, long records, double cpuSeconds, Double ackP99Ms) {
        Map<Metric, Double> m = new EnumMap<>(Metric.class);
        m.put(Metric.RECORDS_PER_SEC, recordsPerSec);
        m.put(Metric.MB_PER_SEC, recordsPerSec * size / 1e6);
        m.put(Metric.CPU_SECONDS_PER_GB, cpuSeconds / ((double) records * size / 1e9));
        if (ackP99Ms != null) {
            m.put(Metric.ACK_P99_MS, ackP99Ms);
        }
        return m;
    }

    /** Each sample on a topic of its own, so that it starts from an empty partition like the first. */
    private static Map<Metric, Double> fixedRateLatency(Target t, Profile p, int sample) throws Exception {
        double cpu = t.stat().cpuSeconds();
        long start = System.nanoTime();
        JavaCommand command = new JavaCommand(List.of("-Xms512m", "-Xmx512m"), t.harnessClasspath(), FixedRateLatency.class.getName(),
                List.of(t.bootstrap(), "bench-latency-" + sample, Integer.toString(p.latencyRate()), Integer.toString(p.latencySeconds()),
                        Integer.toString(KIB), Integer.toString(p.latencyWarmUpSeconds())));
        String log = LATENCY_FIXED_RATE + "-" + sample;
        Processes.Finished done = t.processes().run(command, t.logDir().resolve(log), p.workloadTimeout());
        double cpuPercent = 100 * (t.stat().cpuSeconds() - cpu) / ((System.nanoTime() - start) / 1e9);
        Matcher m = FIXED_RATE.matcher(done.stdout());
        if (done.exitCode() != 0 || !m.find()) {
            throw new IOException("FixedRateLatency exited with " + done.exitCode() + ":\n" + done.stdout()
                    + Processes.tail(t.logDir().resolve(log + ".err"), 20));
        }
        Map<Metric, Double> r = new EnumMap<>(Metric.class);
        r.put(Metric.LATENCY_P50_US, Double.parseDouble(m.group(2)));
        r.put(Metric.LATENCY_P99_US, Double.parseDouble(m.group(3)));
        r.put(Metric.LATENCY_P999_US, Double.parseDouble(m.group(4)));
        r.put(Metric.BROKER_CPU_PERCENT, cpuPercent);
        return r;
    }

    private static Map<Metric, Double> roundTrips(Target t, Profile p) throws Exception {
        LoadTools.RoundTrips r = t.tools().roundTrips(ROUND_TRIP, t.bootstrap(), "bench-round-trip", p.roundTrips(), KIB,
                p.workloadTimeout());
        Map<Metric, Double> m = new EnumMap<>(Metric.class);
        m.put(Metric.LATENCY_AVG_MS, r.avgMs());
        m.put(Metric.LATENCY_P99_MS, r.p99Ms());
        m.put(Metric.LATENCY_P999_MS, r.p999Ms());
        return m;
    }

    /**
     * Creates the topic and waits until every partition has acknowledged one record (a broker may
     * answer CreateTopics before its partitions can take writes), then produces across it.
     */
    private static Map<Metric, Double> partitions(Target t, Profile p) throws Exception {
        String topic = "bench-partitions";
        long start = System.nanoTime();
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, t.bootstrap());
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic(topic, p.partitions(), (short) 1))).all()
                    .get(p.workloadTimeout().toSeconds(), TimeUnit.SECONDS);
        }
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, t.bootstrap());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "1");
        producerProps.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(p.workloadTimeout().toMillis()));
        producerProps.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "10");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int partition = 0; partition < p.partitions(); partition++) {
                acks.add(producer.send(new ProducerRecord<>(topic, partition, null, new byte[KIB])));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get(p.workloadTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        double readyMs = (System.nanoTime() - start) / 1e6;
        double cpu = t.stat().cpuSeconds();
        LoadTools.Produced produced = t.tools().produce(PARTITIONS, t.plaintext(), topic, p.recordsPartitioned(), KIB, -1, "1",
                p.workloadTimeout());
        Map<Metric, Double> m = throughput(produced.recordsPerSec(), KIB, p.recordsPartitioned(), t.stat().cpuSeconds() - cpu,
                produced.p99Ms());
        m.put(Metric.TOPIC_READY_MS, readyMs);
        return m;
    }

    private static Map<Metric, Double> idleConnections(Target t, Profile p, int sample) throws Exception {
        String written = sampleTopic("bench-idle", sample);
        Map<Metric, Double> m;
        try (IdleConnections idle = new IdleConnections()) {
            double rss = t.stat().rssMiB();
            idle.open(t.host(), t.port(), p.idleConnections());
            double rssAdded = t.stat().rssMiB() - rss;
            double cpu = t.stat().cpuSeconds();
            LoadTools.Produced produced = t.tools().produce(IDLE_CONNECTIONS + "-" + sample, t.plaintext(), written, p.recordsWithIdle(),
                    KIB, -1, "1", p.workloadTimeout());
            m = throughput(produced.recordsPerSec(), KIB, p.recordsWithIdle(), t.stat().cpuSeconds() - cpu, produced.p99Ms());
            m.put(Metric.RSS_ADDED_MIB, rssAdded);
        }
        dropSampleTopic(t, written, sample, p);
        return m;
    }
}
