package dev.wharf.bench.e2e;

import dev.wharf.bench.e2e.Processes.JavaCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The {@code partitions-10000} workload: a set of {@link ScaleSizes#topics()} topics of
 * {@link ScaleSizes#partitionsPerTopic()} partitions each (10 x 1,000 in the full profile), one
 * replica each.
 * <ul>
 * <li>{@code topic_ready_ms}: from the first CreateTopics (one Admin call per topic, all issued at
 * once: a KRaft controller refuses a single request of more than 10,000 records) until every
 * partition has acknowledged one 1 KiB record ({@code acks=1}, one producer, all sends in flight).</li>
 * <li>{@code rss_after_mib}, {@code open_fds}, {@code disk_mib}: the broker's resident memory, open
 * file descriptors and the log directory's allocated disk, once ready.</li>
 * <li>{@code records_per_sec}, {@code mb_per_sec}, {@code cpu_seconds_per_gb}: {@link SpreadProducer}
 * writes {@link ScaleSizes#spreadRecords()} 1 KiB records across every partition, in full batches,
 * partition after partition; broker CPU per 10^9 bytes of values.</li>
 * <li>{@code topics_deleted_ms}: from DeleteTopics (all at once) until no file of the set is left
 * in the log directory, so that later workloads do not pay for 10,000 partitions.</li>
 * </ul>
 */
final class PartitionScale {
    private static final String PREFIX = "bench-scale";
    private static final int KIB = 1024;
    private static final Pattern SPREAD = Pattern.compile("records=(\\d+) seconds=([\\d.]+) records_per_sec=([\\d.]+)");

    private PartitionScale() {
    }

    static Map<Metric, Double> run(Workloads.Target t, Profile p) throws Exception {
        ScaleSizes sizes = ScaleSizes.of(p);
        Map<Metric, Double> m = new EnumMap<>(Metric.class);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, t.bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(sizes.timeout().toMillis()),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(sizes.timeout().toMillis())))) {
            try {
                createAndProduce(t, sizes, admin, m);
            } catch (Exception e) {
                // even after a failure: later workloads must not pay for the set (10,000 partitions hold some 10,000 descriptors)
                try {
                    deleteAll(t, sizes, admin, m);
                } catch (Exception d) {
                    e.addSuppressed(d);
                }
                throw e;
            }
            deleteAll(t, sizes, admin, m);
        }
        return m;
    }

    private static void createAndProduce(Workloads.Target t, ScaleSizes sizes, Admin admin, Map<Metric, Double> m) throws Exception {
        long start = System.nanoTime();
        List<CreateTopicsResult> created = new ArrayList<>();
        for (int topic = 0; topic < sizes.topics(); topic++) {
            created.add(admin.createTopics(List.of(new NewTopic(topicName(topic), sizes.partitionsPerTopic(), (short) 1))));
        }
        for (CreateTopicsResult c : created) {
            c.all().get(sizes.timeout().toSeconds(), TimeUnit.SECONDS);
        }
        long createdNanos = System.nanoTime();
        ackOnePerPartition(t, sizes);
        double readyMs = (System.nanoTime() - start) / 1e6;
        log("%,d partitions: created in %.0f ms, every partition acknowledged a record after %.0f ms", sizes.partitions(),
                (createdNanos - start) / 1e6, readyMs);
        m.put(Metric.TOPIC_READY_MS, readyMs);
        m.put(Metric.RSS_AFTER_MIB, t.stat().rssMiB());
        m.put(Metric.OPEN_FDS, (double) BrokerFootprint.openFds(t.stat().pid()));
        m.put(Metric.DISK_MIB, BrokerFootprint.diskMiB(t.data()));
        log("ready: RSS %.0f MiB, %.0f open fds, log dir %.0f MiB on disk", m.get(Metric.RSS_AFTER_MIB), m.get(Metric.OPEN_FDS),
                m.get(Metric.DISK_MIB));

        double cpu = t.stat().cpuSeconds();
        double recordsPerSec = spread(t, sizes);
        double gb = (double) sizes.spreadRecords() * KIB / 1e9;
        m.put(Metric.RECORDS_PER_SEC, recordsPerSec);
        m.put(Metric.MB_PER_SEC, recordsPerSec * KIB / 1e6);
        m.put(Metric.CPU_SECONDS_PER_GB, (t.stat().cpuSeconds() - cpu) / gb);
    }

    /** Deletes the set (the topics that exist of it) and waits until its files are gone. */
    private static void deleteAll(Workloads.Target t, ScaleSizes sizes, Admin admin, Map<Metric, Double> m) throws Exception {
        long deleting = System.nanoTime();
        List<String> names = admin.listTopics().names().get(sizes.timeout().toSeconds(), TimeUnit.SECONDS).stream()
                .filter(n -> n.startsWith(PREFIX + "-")).toList();
        admin.deleteTopics(names).all().get(sizes.timeout().toSeconds(), TimeUnit.SECONDS);
        awaitFilesGone(t.data(), deleting + sizes.timeout().toNanos());
        m.put(Metric.TOPICS_DELETED_MS, (System.nanoTime() - deleting) / 1e6);
        log("deleted in %.0f ms; the broker now holds %d open fds, RSS %.0f MiB", m.get(Metric.TOPICS_DELETED_MS),
                BrokerFootprint.openFds(t.stat().pid()), t.stat().rssMiB());
    }

    private static String topicName(int topic) {
        return PREFIX + "-" + topic;
    }

    /** One record to each partition, all in flight at once; returns when every one is acknowledged. */
    private static void ackOnePerPartition(Workloads.Target t, ScaleSizes sizes) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, t.bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(sizes.timeout().toMillis()));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000");
        props.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "10");
        // 10,000 batches of one record each: room for all of them at once
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(256L << 20));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(sizes.timeout().toMillis()));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int topic = 0; topic < sizes.topics(); topic++) {
                for (int partition = 0; partition < sizes.partitionsPerTopic(); partition++) {
                    acks.add(producer.send(new ProducerRecord<>(topicName(topic), partition, null, new byte[KIB])));
                }
            }
            long deadline = System.nanoTime() + sizes.timeout().toNanos();
            for (Future<RecordMetadata> ack : acks) {
                ack.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        }
    }

    /** Runs {@link SpreadProducer} in its own JVM; returns its records/s. */
    private static double spread(Workloads.Target t, ScaleSizes sizes) throws Exception {
        JavaCommand command = new JavaCommand(List.of("-Xms512m", "-Xmx512m"), t.harnessClasspath(), SpreadProducer.class.getName(),
                List.of(t.bootstrap(), PREFIX, Integer.toString(sizes.topics()), Integer.toString(sizes.partitionsPerTopic()),
                        Long.toString(sizes.spreadRecords()), Integer.toString(KIB), Long.toString(sizes.timeout().toSeconds())));
        Path log = t.logDir().resolve(Workloads.PARTITIONS_10000 + "-spread");
        Processes.Finished done = t.processes().run(command, log, sizes.timeout().plusSeconds(30));
        Matcher matcher = SPREAD.matcher(done.stdout());
        if (done.exitCode() != 0 || !matcher.find()) {
            throw new IOException("SpreadProducer exited with " + done.exitCode() + ":\n" + done.stdout()
                    + Processes.tail(log.resolveSibling(log.getFileName() + ".err"), 20));
        }
        return Double.parseDouble(matcher.group(3));
    }

    /** Waits until the log directory holds no partition of the set (Kafka's {@code -delete} directories included). */
    private static void awaitFilesGone(Path data, long deadlineNanos) throws IOException, InterruptedException {
        while (true) {
            long left;
            try (Stream<Path> dirs = Files.list(data)) {
                left = dirs.filter(d -> d.getFileName().toString().startsWith(PREFIX + "-")).count();
            }
            if (left == 0) {
                return;
            }
            if (System.nanoTime() > deadlineNanos) {
                throw new IOException(left + " partition directories of the deleted topics are still in " + data);
            }
            Thread.sleep(100);
        }
    }

    private static void log(String format, Object... args) {
        System.out.printf("[side-by-side] " + Workloads.PARTITIONS_10000 + ": " + format + "%n", args);
        System.out.flush();
    }
}
