package dev.wharf.bench.groups;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The consumer-group workloads of the side-by-side bench, run against one broker:
 * <ul>
 *   <li>rebalance: 10 consumers (the classic protocol, range assignor) join one group on a
 *       20-partition topic; the time from the first subscribe until every partition is assigned
 *       exactly once;</li>
 *   <li>commit: one group member commits synchronously in a loop for a fixed time;
 *       commits per second.</li>
 * </ul>
 * Prints one line: {@code rebalance_ms=<n> commits_per_s=<n>}.
 *
 * <p>Usage: {@code GroupWorkloads <bootstrap> [consumers] [commitSeconds]}
 */
public final class GroupWorkloads {
    private static final int PARTITIONS = 20;

    private GroupWorkloads() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        int consumers = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int commitSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        String topic = "bench-groups-" + System.nanoTime();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        long rebalanceMs = rebalance(bootstrap, topic, consumers);
        double commitsPerSecond = commits(bootstrap, topic, commitSeconds);
        System.out.printf("rebalance_ms=%d commits_per_s=%.0f%n", rebalanceMs, commitsPerSecond);
    }

    private static Properties consumerProps(String bootstrap, String group, String clientId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
        return p;
    }

    /** Milliseconds until all consumers, subscribed together, hold every partition exactly once. */
    private static long rebalance(String bootstrap, String topic, int count) {
        List<KafkaConsumer<byte[], byte[]>> consumers = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                consumers.add(new KafkaConsumer<>(consumerProps(bootstrap, topic + "-rebalance", "c" + i),
                        new ByteArrayDeserializer(), new ByteArrayDeserializer()));
            }
            long start = System.nanoTime();
            consumers.forEach(c -> c.subscribe(List.of(topic)));
            long deadline = start + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                int[] owners = new int[PARTITIONS];
                for (KafkaConsumer<byte[], byte[]> c : consumers) {
                    c.poll(Duration.ofMillis(10));
                    c.assignment().forEach(tp -> owners[tp.partition()]++);
                }
                if (Arrays.stream(owners).allMatch(n -> n == 1)) {
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                }
            }
            throw new IllegalStateException("the group did not settle within 120 s");
        } finally {
            consumers.forEach(c -> c.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5))));
        }
    }

    /** Synchronous commits per second by one member of a settled group. */
    private static double commits(String bootstrap, String topic, int seconds) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps(bootstrap, topic + "-commits", "committer"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (c.assignment().size() < PARTITIONS && System.nanoTime() < settle) {
                c.poll(Duration.ofMillis(50));
            }
            TopicPartition tp = new TopicPartition(topic, 0);
            long n = 0;
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end) {
                c.commitSync(Map.of(tp, new OffsetAndMetadata(n, "bench")));
                n++;
            }
            return n / ((System.nanoTime() - start) / 1e9);
        }
    }
}
