package dev.wharf.bench.e2e;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The compaction workload: a compacted topic takes {@code compactionUpdates} overwrites of
 * {@value #KEYS} keys (100-byte values) while {@code min.compaction.lag.ms} holds its cleaner
 * back; then the lag is set to 0 and the harness times how long the broker's log cleaner takes to
 * bring the partition down (its size, by DescribeLogDirs, polled every 100 ms, until it has not
 * shrunk for {@value #SETTLED_MS} ms). Figures: MB of log cleaned per second (the size before over
 * the time to the last shrink), broker CPU per GB cleaned, the broker's RSS growth while cleaning
 * (Kafka's key map is on its heap from the start; Wharf's is off-heap and grows with the keys),
 * the size left (the active segment, up to 16 MiB, is never cleaned), and the broker's Java heap
 * in use ({@link HeapSampler}, every {@value #HEAP_SAMPLE_MS} ms from the config change to the end
 * of the settle time): its peak, and its last sample, {@value #SETTLED_MS} ms after the last
 * shrink. Every key's latest value is then read back and checked.
 */
final class Compaction {
    static final int KEYS = 1_000;
    private static final String TOPIC = "bench-compact";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final int VALUE_BYTES = 100;
    private static final long SETTLED_MS = 5_000;
    private static final double MIB = 1024 * 1024;
    private static final int HEAP_SAMPLE_MS = 250;

    private Compaction() {}

    static Map<Metric, Double> run(Workloads.Target t, Profile p) throws Exception {
        long[] lastSequence = new long[KEYS];
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, t.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of("cleanup.policy", "compact",
                    "segment.bytes", Integer.toString(16 * 1024 * 1024), "min.compaction.lag.ms", "86400000"))))
                    .all().get(p.workloadTimeout().toSeconds(), TimeUnit.SECONDS);
            produce(t, p, lastSequence);
            long before = logBytes(admin);

            HeapSampler heap = HeapSampler.start(t.stat().pid(), HEAP_SAMPLE_MS);
            heap.awaitFirstSample(Duration.ofSeconds(30)); // jstat's own start-up stays out of the timed part
            double cpu = t.stat().cpuSeconds();
            double rss = t.stat().rssMiB();
            long start = System.nanoTime();
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, TOPIC), List.of(
                    new AlterConfigOp(new ConfigEntry("min.compaction.lag.ms", "0"), AlterConfigOp.OpType.SET))))
                    .all().get(p.workloadTimeout().toSeconds(), TimeUnit.SECONDS);
            long size = before;
            long lastShrink = -1;
            long deadline = start + p.workloadTimeout().toNanos();
            try {
                while (System.nanoTime() < deadline && (lastShrink < 0 || System.nanoTime() - lastShrink < SETTLED_MS * 1_000_000)) {
                    Thread.sleep(100); // polling the broker's reported size: the figure is the time to the last shrink
                    long now = logBytes(admin);
                    if (now < size) {
                        size = now;
                        lastShrink = System.nanoTime();
                    }
                }
            } finally {
                heap.close();
            }
            if (lastShrink < 0) {
                throw new IOException("the log of " + TOPIC + " never shrank from " + before + " bytes");
            }
            double seconds = (lastShrink - start) / 1e9;
            Map<Metric, Double> m = new EnumMap<>(Metric.class);
            m.put(Metric.MB_PER_SEC, before / 1e6 / seconds);
            m.put(Metric.CPU_SECONDS_PER_GB, (t.stat().cpuSeconds() - cpu) / (before / 1e9));
            m.put(Metric.RSS_ADDED_MIB, t.stat().rssMiB() - rss);
            m.put(Metric.LOG_MIB_AFTER, size / MIB);
            if (!Double.isNaN(heap.peakMiB())) { // jstat gave no sample: the other figures stand
                m.put(Metric.HEAP_PEAK_MIB, heap.peakMiB());
                m.put(Metric.HEAP_AFTER_MIB, heap.lastMiB());
            }
            verify(t, lastSequence);
            return m;
        }
    }

    /** Overwrites the keys in turn; each value starts with its sequence number, remembered per key. */
    private static void produce(Workloads.Target t, Profile p, long[] lastSequence) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, t.bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(p.workloadTimeout().toMillis()));
        Random random = new Random(7);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = 0; i < p.compactionUpdates(); i++) {
                int key = (int) (i % KEYS);
                byte[] value = new byte[VALUE_BYTES];
                random.nextBytes(value);
                ByteBuffer.wrap(value).putLong(0, i);
                producer.send(new ProducerRecord<>(TOPIC, 0, String.format("key-%04d", key).getBytes(), value));
                lastSequence[key] = i;
            }
            producer.flush();
        }
    }

    private static long logBytes(Admin admin) throws Exception {
        long bytes = 0;
        List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(org.apache.kafka.common.Node::id).toList();
        for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
            for (LogDirDescription d : dirs.values()) {
                ReplicaInfo r = d.replicaInfos().get(TP);
                if (r != null) {
                    bytes += r.size();
                }
            }
        }
        return bytes;
    }

    /** Reads the cleaned partition back: every key's last value must be the last written. */
    private static void verify(Workloads.Target t, long[] lastSequence) throws IOException {
        long[] seen = new long[KEYS];
        java.util.Arrays.fill(seen, -1);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, t.bootstrap()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.assign(List.of(TP));
            c.seekToBeginning(List.of(TP));
            long end = c.endOffsets(List.of(TP)).get(TP);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (c.position(TP) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    seen[Integer.parseInt(new String(r.key()).substring(4))] = ByteBuffer.wrap(r.value()).getLong(0);
                }
            }
        }
        for (int k = 0; k < KEYS; k++) {
            if (seen[k] != lastSequence[k]) {
                throw new IOException("key " + k + ": read update " + seen[k] + ", last written " + lastSequence[k]);
            }
        }
    }
}
