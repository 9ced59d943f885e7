package dev.wharf.bench.e2e;

import dev.wharf.bench.e2e.Processes.JavaCommand;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The transactions workload: {@link TransactionalProducer} in its own JVM commits transactions of
 * 100 x 1 KiB to a one-partition topic of the sample's own, as fast as it can. Figures: records/s
 * and MB/s (the producer's, first begin to last commit), broker CPU per GB of record values, and
 * the p50 and p99 of the commit call (EndTxn, after the records are flushed). Afterwards a
 * {@code read_committed} consumer reads the partition from the beginning up to its last stable
 * offset and must count every record committed, or the sample fails. The topic is then deleted,
 * so that it does not crowd the page cache of the later workloads.
 */
final class Transactions {
    private static final int RECORD_BYTES = 1024;
    private static final Pattern SUMMARY = Pattern.compile("transactions committed=(\\d+) records=(\\d+) seconds=([\\d.]+) "
            + "records_per_s=([\\d.]+) commit_p50_ms=([\\d.]+) commit_p99_ms=([\\d.]+) flush_p50_ms=([\\d.]+)");

    private Transactions() {
    }

    static Map<Metric, Double> run(Workloads.Target t, Profile p, int sample) throws Exception {
        FeatureSizes sizes = FeatureSizes.of(p);
        String topic = "bench-txn-s" + sample;
        long expected = (long) sizes.transactions() * sizes.recordsPerTransaction();
        double cpu = t.stat().cpuSeconds();
        JavaCommand command = new JavaCommand(List.of("-Xms512m", "-Xmx512m"), t.harnessClasspath(), TransactionalProducer.class.getName(),
                List.of(t.bootstrap(), topic, Integer.toString(sizes.transactions()), Integer.toString(sizes.recordsPerTransaction()),
                        Integer.toString(RECORD_BYTES)));
        String log = Workloads.TRANSACTIONS + "-" + sample;
        Processes.Finished done = t.processes().run(command, t.logDir().resolve(log), p.workloadTimeout());
        double cpuSeconds = t.stat().cpuSeconds() - cpu;
        Matcher m = SUMMARY.matcher(done.stdout());
        if (done.exitCode() != 0 || !m.find()) {
            throw new IOException("TransactionalProducer exited with " + done.exitCode() + ":\n" + done.stdout()
                    + Processes.tail(t.logDir().resolve(log + ".err"), 20));
        }
        long committed = countCommitted(t, topic, p.workloadTimeout());
        if (committed != expected) {
            throw new IOException("a read_committed consumer read " + committed + " records of " + topic + "; committed were " + expected);
        }
        double recordsPerSec = Double.parseDouble(m.group(4));
        Map<Metric, Double> r = new EnumMap<>(Metric.class);
        r.put(Metric.RECORDS_PER_SEC, recordsPerSec);
        r.put(Metric.MB_PER_SEC, recordsPerSec * RECORD_BYTES / 1e6);
        r.put(Metric.CPU_SECONDS_PER_GB, cpuSeconds / (expected * (double) RECORD_BYTES / 1e9));
        r.put(Metric.COMMIT_P50_MS, Double.parseDouble(m.group(5)));
        r.put(Metric.COMMIT_P99_MS, Double.parseDouble(m.group(6)));
        deleteTopic(t, topic, p.workloadTimeout());
        return r;
    }

    /** Records a read_committed consumer reads from the beginning to the last stable offset (markers take offsets, not records). */
    private static long countCommitted(Workloads.Target t, String topic, Duration timeout) throws IOException {
        TopicPartition tp = new TopicPartition(topic, 0);
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, t.bootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 << 20);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp); // read_committed: the last stable offset
            long count = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (c.position(tp) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("reading " + topic + " back took over " + timeout + ": at " + c.position(tp) + " of " + end);
                }
                count += c.poll(Duration.ofMillis(200)).count();
            }
            return count;
        }
    }

    /** The broker removes the files in the background (after log.segment.delete.delay.ms); waiting for that is not needed here. */
    private static void deleteTopic(Workloads.Target t, String topic, Duration timeout) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, t.bootstrap()))) {
            admin.deleteTopics(List.of(topic)).all().get(timeout.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
