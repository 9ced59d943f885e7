package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partition reassignment on four brokers with the stock {@code kafka-reassign-partitions}: a move
 * from replicas [1,2,3] to [2,3,4] (leadership leaving broker 1) with a throttle, while an
 * idempotent acks=all producer runs, followed with {@code --verify} until done (which clears the
 * throttles), every record intact and broker 1's copy deleted; and a move held back by a throttle
 * too low to finish, listed as in progress and then cancelled, back on its original replicas
 * with the new replica's partial copy deleted.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID,
        ApiKeys.DESCRIBE_CONFIGS, ApiKeys.ALTER_PARTITION_REASSIGNMENTS, ApiKeys.LIST_PARTITION_REASSIGNMENTS})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReassignmentIT {
    private static final Duration MOVE = Duration.ofSeconds(90);
    private static final String PAD = "x".repeat(1000);

    @TempDir
    static Path dir;

    private Cluster cluster;

    /**
     * A failed test prints what the brokers logged of warnings and errors (their log dirs go with
     * the test), and any deadlock in a broker's JVM: a broker whose event loops deadlocked stays
     * registered and takes connections that are never answered, and logs nothing.
     */
    @RegisterExtension
    final TestWatcher brokerLogsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            for (BrokerProcess b : cluster.brokers()) {
                try {
                    System.out.println("== " + b.log());
                    Files.readAllLines(b.log()).stream().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")
                            || l.contains("offline") || l.contains("Reassignments")).forEach(System.out::println);
                } catch (java.io.IOException e) {
                    System.out.println("cannot read " + b.log() + ": " + e);
                }
                String deadlocks = b.deadlocks();
                if (!deadlocks.isEmpty()) {
                    System.out.println("== deadlock in broker " + b.id() + "\n" + deadlocks);
                }
            }
        }
    };

    @BeforeAll
    void startCluster() throws Exception {
        cluster = Cluster.start(dir, 4, Map.of());
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theCliMovesPartitionsWithAThrottleWhileAProducerRuns() throws Exception {
        createTopic("moving", Map.of(0, List.of(1, 2, 3), 1, List.of(2, 3, 1)));
        List<String> preloaded = preload("moving", 2, 1500);

        Path topicsJson = write("topics.json", "{\"version\":1,\"topics\":[{\"topic\":\"moving\"}]}");
        String generated = reassign("--topics-to-move-json-file", topicsJson.toString(), "--broker-list", "2,3,4", "--generate");
        String proposed = generated.substring(generated.indexOf("Proposed partition reassignment configuration"));
        Matcher replicas = Pattern.compile("\"replicas\":\\[([0-9,]+)]").matcher(proposed);
        int proposals = 0;
        while (replicas.find()) {
            proposals++;
            for (String id : replicas.group(1).split(",")) {
                assertTrue(Set.of("2", "3", "4").contains(id), "proposed a broker outside 2,3,4: " + proposed);
            }
        }
        assertEquals(2, proposals, generated);

        Path plan = write("moving.json", "{\"version\":1,\"partitions\":["
                + "{\"topic\":\"moving\",\"partition\":0,\"replicas\":[2,3,4]},"
                + "{\"topic\":\"moving\",\"partition\":1,\"replicas\":[4,2,3]}]}");
        Set<String> acked;
        try (VerifyingProducer producer = new VerifyingProducer(cluster.bootstrapServers(), "moving", 2, 200)) {
            producer.start();
            await().atMost(MOVE).until(() -> producer.acked().size() >= 200);
            String started = reassign("--reassignment-json-file", plan.toString(), "--execute", "--throttle", "50000000");
            assertTrue(started.contains("Successfully started partition reassignment"), started);
            assertEquals("50000000", brokerConfig(4, "leader.replication.throttled.rate"));
            await().atMost(MOVE).pollInterval(Duration.ofSeconds(1)).until(() -> {
                String verified = reassign("--reassignment-json-file", plan.toString(), "--verify");
                return verified.contains("Reassignment of partition moving-0 is completed")
                        && verified.contains("Reassignment of partition moving-1 is completed")
                        && verified.contains("Clearing topic-level throttles on topic moving");
            });
            long before = producer.acked().size();
            await().atMost(MOVE).until(() -> producer.acked().size() >= before + 200);
            producer.close();
            assertEquals(0, producer.failed(), "sends failed during the reassignment");
            acked = producer.acked();
        }
        assertTrue(cluster.awaitFullIsr("moving", MOVE), "the ISR of moving did not fill");
        List<TopicPartitionInfo> partitions = cluster.describe("moving").partitions();
        assertEquals(List.of(2, 3, 4), ids(partitions.get(0).replicas()));
        assertEquals(List.of(4, 2, 3), ids(partitions.get(1).replicas()));
        assertTrue(List.of(2, 3, 4).contains(partitions.get(0).leader().id()), "partition 0 led by " + partitions.get(0).leader());
        assertEquals("", topicConfig("moving", "leader.replication.throttled.replicas"), "throttle left behind");
        assertEquals(List.of(), cluster.admin().listPartitionReassignments().reassignments().get(10, TimeUnit.SECONDS)
                .keySet().stream().toList());
        await().atMost(MOVE).until(() -> !Files.exists(logDir(1).resolve("moving-0")) && !Files.exists(logDir(1).resolve("moving-1")));

        TopicContents.assertEveryAckedValueOnceInOrder(cluster.bootstrapServers(), "moving", 2, acked);
        List<String> all = new ArrayList<>();
        TopicContents.readAll(cluster.bootstrapServers(), "moving", 2).values().forEach(all::addAll);
        for (String v : preloaded) {
            assertEquals(1, all.stream().filter(v::equals).count(), "preloaded record " + v.substring(0, 8));
        }
    }

    @Test
    void aThrottledMoveIsListedUntilCancelled() throws Exception {
        createTopic("stuck", Map.of(0, List.of(1, 2, 3)));
        List<String> preloaded = preload("stuck", 1, 3000); // 3 MB: far more than a throttle of 2 kB/s lets through
        Path plan = write("stuck.json",
                "{\"version\":1,\"partitions\":[{\"topic\":\"stuck\",\"partition\":0,\"replicas\":[1,2,4]}]}");
        String started = reassign("--reassignment-json-file", plan.toString(), "--execute", "--throttle", "2000");
        assertTrue(started.contains("Successfully started partition reassignment"), started);
        assertEquals("0:4", topicConfig("stuck", "follower.replication.throttled.replicas"));

        TopicPartition tp = new TopicPartition("stuck", 0);
        PartitionReassignment ongoing = cluster.admin().listPartitionReassignments(Set.of(tp)).reassignments()
                .get(10, TimeUnit.SECONDS).get(tp);
        assertEquals(List.of(1, 2, 4, 3), ongoing.replicas());
        assertEquals(List.of(4), ongoing.addingReplicas());
        assertEquals(List.of(3), ongoing.removingReplicas());
        await().atMost(MOVE).until(() -> Files.exists(logDir(4).resolve("stuck-0")));
        // the throttle holds it back: still not done a while later
        String verified = reassign("--reassignment-json-file", plan.toString(), "--verify");
        assertTrue(verified.contains("Reassignment of partition stuck-0 is still in progress"), verified);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() ->
                !cluster.describe("stuck").partitions().get(0).isr().stream().anyMatch(n -> n.id() == 4));

        String cancelled = reassign("--reassignment-json-file", plan.toString(), "--cancel");
        assertTrue(cancelled.contains("Successfully cancelled partition reassignment for: stuck-0"), cancelled);
        await().atMost(MOVE).untilAsserted(() ->
                assertEquals(List.of(1, 2, 3), ids(cluster.describe("stuck").partitions().get(0).replicas())));
        assertTrue(cluster.awaitFullIsr("stuck", MOVE), "the ISR of stuck did not fill");
        await().atMost(MOVE).until(() -> !Files.exists(logDir(4).resolve("stuck-0")));
        assertEquals("", topicConfig("stuck", "follower.replication.throttled.replicas"), "throttle left behind");
        assertEquals(preloaded, TopicContents.readAll(cluster.bootstrapServers(), "stuck", 1).get(0));
    }

    private void createTopic(String name, Map<Integer, List<Integer>> assignment) throws Exception {
        cluster.admin().createTopics(List.of(new NewTopic(name, assignment).configs(Map.of("min.insync.replicas", "2"))))
                .all().get(10, TimeUnit.SECONDS);
        assertTrue(cluster.awaitFullIsr(name, MOVE), "the ISR of " + name + " never filled");
    }

    /** Writes {@code count} records of about 1 kB, spread over the partitions, and returns their values. */
    private List<String> preload(String topic, int partitions, int count) throws Exception {
        List<String> values = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "5"), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                String value = String.format("p%07d", i) + PAD;
                values.add(value);
                producer.send(new ProducerRecord<>(topic, i % partitions, "k" + i, value));
            }
            producer.flush();
        }
        return values;
    }

    private String reassign(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", cluster.bootstrapServers()));
        all.addAll(List.of(args));
        KafkaTool.Result r = KafkaTool.run("org.apache.kafka.tools.reassign.ReassignPartitionsCommand", null,
                all.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.output());
        return r.output();
    }

    private String topicConfig(String topic, String key) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = cluster.admin().describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource);
        return config.get(key).value();
    }

    private String brokerConfig(int id, String key) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(id));
        Config config = cluster.admin().describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource);
        return config.get(key).value();
    }

    private Path write(String name, String json) throws Exception {
        return Files.writeString(dir.resolve(name), json);
    }

    private Path logDir(int broker) {
        return cluster.broker(broker).log().getParent().resolve("logs");
    }

    private static List<Integer> ids(List<org.apache.kafka.common.Node> nodes) {
        return nodes.stream().map(org.apache.kafka.common.Node::id).toList();
    }
}
