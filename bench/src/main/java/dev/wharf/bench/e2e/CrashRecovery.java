package dev.wharf.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The {@code recovery} workload, on a broker of its own: ProducerPerformance writes
 * {@link ScaleSizes#recoveryBytes()} of 1 KiB records (10 GiB in the full profile) into one
 * partition at full rate with {@code acks=1}, the topic set never to flush by count or time
 * ({@code flush.messages} and {@code flush.ms} at their maximum, both brokers' default); the moment
 * the tool has finished, the broker's JVM gets SIGKILL ({@link Process#destroyForcibly()}, no clean
 * shutdown) and is started again on the same data directory and port. Each broker may still flush
 * a 1 GiB segment when it rolls; what it flushed or checkpointed is its own business.
 * <ul>
 * <li>{@code recovery_ms}: from launching the JVM again until a consumer (assigned, no group)
 * has read the last acknowledged record: the broker serves the old data again, not just answers.</li>
 * <li>{@code records_lost}: records acknowledged minus the partition's log end offset after the
 * restart. A SIGKILL leaves the page cache to the kernel, so nothing should be lost.</li>
 * </ul>
 * The restarted broker's log lines about loading and recovering its logs are echoed for people.
 */
final class CrashRecovery {
    private static final String TOPIC = "bench-recovery";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final int KIB = 1024;
    /** Both brokers' defaults: never flush by count or time. */
    private static final String NEVER = Long.toString(Long.MAX_VALUE);
    /** Kafka's "Recovering unflushed segment", "Completed load of Log", "Loaded N logs"; Wharf's "recovered partition=", "loaded logs=". */
    private static final Pattern RECOVERY_LINE = Pattern.compile("(?i)^\\S.*(recovering unflushed|completed load of log|loaded \\d+ logs|recovered|loaded logs|unclean|clean shutdown).*");

    private CrashRecovery() {
    }

    static Map<Metric, Double> run(Workloads.Fresh fresh, Profile p) throws Exception {
        ScaleSizes sizes = ScaleSizes.of(p);
        long records = sizes.recoveryBytes() / KIB;
        long free = Files.getFileStore(fresh.dir()).getUsableSpace();
        if (free < sizes.recoveryBytes() * 3 / 2 + (4L << 30)) {
            throw new IOException(String.format("%,d MiB free under %s: too little for %,d MiB of log and a margin", free >> 20, fresh.dir(),
                    sizes.recoveryBytes() >> 20));
        }
        int port = BrokerUnderTest.freePort();
        String bootstrap = "127.0.0.1:" + port;
        Processes.JavaCommand command = fresh.broker().prepare(fresh.processes(), fresh.dir(), port, Optional.empty());
        String key = fresh.broker().key();
        Process broker = fresh.processes().start(command, fresh.logDir().resolve("recovery-before-kill.log"));
        try {
            FirstRecord.awaitFirstAck(bootstrap, broker, System.nanoTime(), sizes.timeout());
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of("flush.messages", NEVER, "flush.ms", NEVER))))
                        .all().get(sizes.timeout().toSeconds(), TimeUnit.SECONDS);
            }
            // bounded by a floor of 10 MB/s, not the step timeout: on a busy 2-core machine Kafka wrote 10 GiB at under 30 MB/s
            fresh.tools().produce(Workloads.RECOVERY + "-produce", Endpoint.plaintext(bootstrap), TOPIC, records, KIB, -1, "1",
                    sizes.timeout().plusSeconds(sizes.recoveryBytes() / 10_000_000));
        } finally {
            broker.destroyForcibly(); // SIGKILL, the broker's JVM only
            if (!broker.waitFor(60, TimeUnit.SECONDS)) {
                throw new IOException("the broker outlived SIGKILL for 60 s");
            }
            fresh.processes().stop(broker); // forgets it
        }
        log(key, "%,d records (%,d MiB) acknowledged, broker killed; %,d MiB on disk, %,d MiB dirty in the page cache", records,
                records * KIB >> 20, (long) BrokerFootprint.diskMiB(BrokerUnderTest.dataDir(fresh.dir())), DirtyPages.dirtyKiB() >> 10);

        Path restartLog = fresh.logDir().resolve("recovery-after-kill.log");
        long start = System.nanoTime();
        Process restarted = fresh.processes().start(command, restartLog);
        try {
            long endOffset = awaitLastRecord(bootstrap, restarted, records - 1, start + sizes.timeout().toNanos());
            double recoveryMs = (System.nanoTime() - start) / 1e6;
            log(key, "last record read %.0f ms after the restart's launch; log end offset %,d of %,d acknowledged", recoveryMs, endOffset,
                    records);
            echoRecoveryLines(key, restartLog);
            Map<Metric, Double> m = new EnumMap<>(Metric.class);
            m.put(Metric.RECOVERY_MS, recoveryMs);
            m.put(Metric.RECORDS_LOST, (double) Math.max(0, records - endOffset));
            return m;
        } finally {
            fresh.processes().stop(restarted);
        }
    }

    /**
     * Reads from {@code offset} until that record arrives, through one consumer that keeps
     * reconnecting (every 10-50 ms) while the broker starts; returns the log end offset then.
     */
    private static long awaitLastRecord(String bootstrap, Process broker, long offset, long deadlineNanos) throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.RECONNECT_BACKOFF_MS_CONFIG, "10");
        props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "50");
        props.put(ConsumerConfig.RETRY_BACKOFF_MS_CONFIG, "10");
        props.put(ConsumerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "50");
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(TP));
            consumer.seek(TP, offset);
            Exception last = null;
            while (System.nanoTime() < deadlineNanos) {
                if (!broker.isAlive()) {
                    throw new IOException("the restarted broker exited with " + broker.exitValue());
                }
                try {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        if (r.offset() == offset) {
                            return consumer.endOffsets(List.of(TP), Duration.ofSeconds(30)).get(TP);
                        }
                    }
                } catch (org.apache.kafka.common.errors.OffsetOutOfRangeException | org.apache.kafka.clients.consumer.NoOffsetForPartitionException e) {
                    // lost records: say how many, rather than wait out the bound
                    long end = consumer.endOffsets(List.of(TP), Duration.ofSeconds(30)).get(TP);
                    throw new IOException("offset " + offset + " is out of range after the restart; log end offset " + end, e);
                } catch (org.apache.kafka.common.KafkaException e) {
                    last = e; // still starting: try again
                    Thread.sleep(10);
                    consumer.seek(TP, offset);
                }
            }
            throw new IOException("record " + offset + " not read within the bound after the restart", last);
        }
    }

    /** The restarted broker's lines about loading and recovering logs (Kafka: "Recovering unflushed segment", "Loaded N logs"). */
    private static void echoRecoveryLines(String key, Path log) throws IOException {
        try (Stream<String> lines = Files.lines(log)) {
            lines.filter(l -> RECOVERY_LINE.matcher(l).matches() && !l.contains("__cluster_metadata") && !l.contains("Replayed")).limit(20).forEach(l -> log(key, "  | %s",
                    l.length() > 300 ? l.substring(0, 300) + "..." : l));
        }
    }

    private static void log(String key, String format, Object... args) {
        System.out.printf("[side-by-side] %s: %s: %s%n", key, Workloads.RECOVERY, String.format(format, args));
        System.out.flush();
    }
}
