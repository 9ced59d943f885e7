package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three broker processes on one ZooKeeper, started from config/cluster/: one cluster with a
 * controller, a topic with three replicas per partition and leaders spread over all three brokers,
 * records through it with acks=all, and kafka-topics --describe showing leaders, replicas and ISR.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.JOIN_GROUP, ApiKeys.HEARTBEAT,
        ApiKeys.LEAVE_GROUP, ApiKeys.SYNC_GROUP, ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID,
        ApiKeys.DESCRIBE_TOPIC_PARTITIONS})
class ClusterSmokeIT {
    private static final String TOPIC = "orders";

    @TempDir
    Path dir;

    // Three brokers form one cluster; an RF=3 topic spreads its leaders and round-trips records.
    @Test
    @Timeout(120)
    void threeBrokersServeAReplicatedTopic() throws Exception {
        long started = System.nanoTime();
        try (Cluster cluster = Cluster.start(dir, 3, Map.of())) {
            assertEquals(Set.of(1, 2, 3), cluster.registeredBrokers());
            int controller = cluster.controllerId().orElseThrow(() -> new AssertionError("no controller"));
            assertTrue(Set.of(1, 2, 3).contains(controller), "controller " + controller);

            cluster.admin().createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3))).all().get();
            // the broker answering may learn of the topic a moment after the controller created it
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> cluster.describe(TOPIC).partitions().size() == 3);
            TopicDescription described = cluster.describe(TOPIC);
            for (TopicPartitionInfo p : described.partitions()) {
                assertEquals(Set.of(1, 2, 3), ids(p.replicas()), "replicas of partition " + p.partition());
                assertEquals(Set.of(1, 2, 3), ids(p.isr()), "ISR of partition " + p.partition());
            }
            Set<Integer> leaders = new HashSet<>();
            for (int p = 0; p < 3; p++) {
                leaders.add(cluster.leaderOf(TOPIC, p).orElseThrow());
            }
            assertEquals(Set.of(1, 2, 3), leaders);

            produce(cluster.bootstrapServers(), 100);
            List<String> consumed = consumeAll(cluster.bootstrapServers());
            assertEquals(100, consumed.size());
            assertEquals(IntStream.range(0, 100).mapToObj(i -> "v" + i).collect(Collectors.toSet()), new HashSet<>(consumed));

            KafkaTool.Result tool = KafkaTool.run("org.apache.kafka.tools.TopicCommand", null,
                    "--bootstrap-server", cluster.broker(2).bootstrap(), "--describe", "--topic", TOPIC);
            assertEquals(0, tool.exitCode(), tool.output());
            List<String> rows = describeRows(tool.output());
            assertEquals(3, rows.size(), tool.output());
            for (String row : rows) {
                Matcher m = Pattern.compile("Leader: (\\d+)\\s+Replicas: ([\\d,]+)\\s+Isr: ([\\d,]+)").matcher(row);
                assertTrue(m.find(), row);
                assertEquals(Set.of("1", "2", "3"), Set.of(m.group(2).split(",")), row);
                assertEquals(Set.of("1", "2", "3"), Set.of(m.group(3).split(",")), row);
            }
            System.out.printf("cluster smoke: controller %d, leaders %s, kafka-topics --describe:%n%s%n", controller, leaders,
                    String.join("\n", rows));
        }
        System.out.printf("cluster smoke: %.1f s including start and stop%n", (System.nanoTime() - started) / 1e9);
    }

    private static Set<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).collect(Collectors.toSet());
    }

    private static List<String> describeRows(String output) {
        return output.lines().filter(l -> l.contains("Partition: ")).map(String::strip).toList();
    }

    private static void produce(String bootstrap, int count) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % 3, "k" + i, "v" + i)).get();
            }
        }
    }

    private static List<String> consumeAll(String bootstrap) {
        List<TopicPartition> partitions = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1),
                new TopicPartition(TOPIC, 2));
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (values.size() < 100 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
        }
        return values;
    }
}
