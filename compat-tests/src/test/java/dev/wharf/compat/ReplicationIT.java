package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.testing.KafkaWireClient;
import dev.wharf.testing.ProduceBatch;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ProduceRequest;
import dev.wharf.wire.message.ProduceResponse;
import dev.wharf.wire.records.BufferRecords;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication as a user relies on it, on three broker processes and one ZooKeeper: with
 * {@code replication.factor=3}, {@code min.insync.replicas=2} and {@code acks=all}, losing a broker
 * (SIGKILL, or SIGSTOP past its ZooKeeper session) loses no acknowledged record and duplicates
 * none; with two brokers gone acks=all is refused, acks=1 still works; a replica that wrote what
 * nobody else got drops exactly that when it comes back. Every fault test counts what was
 * acknowledged against what is in the log afterwards. One cluster serves every test; each test
 * leaves all three brokers running with full ISRs.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.METADATA, ApiKeys.OFFSET_FETCH,
        ApiKeys.DESCRIBE_GROUPS, ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID, ApiKeys.ELECT_LEADERS,
        ApiKeys.CONSUMER_GROUP_DESCRIBE, ApiKeys.DESCRIBE_TOPIC_PARTITIONS})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationIT {
    private static final Duration FAILOVER = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    private Cluster cluster;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = Cluster.start(dir, 3, Map.of("unclean.leader.election.enable", "false"));
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void createTopic(String name, int partitions) throws Exception {
        cluster.createReplicatedTopic(name, partitions, FAILOVER);
    }

    private int leaderOf(String topic, int partition) {
        return cluster.awaitLeader(topic, partition, FAILOVER);
    }

    /** Waits until a broker other than {@code old} leads the partition. */
    private int awaitNewLeader(String topic, int partition, int old) {
        int[] leader = {-1};
        await().atMost(FAILOVER).ignoreExceptions().until(() -> {
            OptionalInt l = cluster.leaderOf(topic, partition);
            leader[0] = l.orElse(-1);
            return l.isPresent() && l.getAsInt() != old;
        });
        return leader[0];
    }

    private void awaitHealed(String topic) {
        cluster.awaitRegistered(FAILOVER);
        assertTrue(cluster.awaitFullIsr(topic, FAILOVER), "the ISR of " + topic + " did not fill again");
    }

    // The partition leader is SIGKILLed three times (and restarted) while an idempotent acks=all
    // producer writes: every acknowledged value is in the log exactly once, in order per partition.
    @Test
    @Order(1)
    void acknowledgedRecordsSurviveLeaderKills() throws Exception {
        createTopic("kills", 2);
        VerifyingProducer producer = new VerifyingProducer(cluster.bootstrapServers(), "kills", 2, 400);
        producer.start();
        try {
            for (int round = 0; round < 3; round++) {
                awaitAcked(producer, (round + 1) * 200L);
                int leader = leaderOf("kills", 0);
                cluster.broker(leader).sigkill();
                awaitNewLeader("kills", 0, leader);
                awaitAcked(producer, (round + 1) * 200L + 100);
                cluster.broker(leader).restart();
                awaitHealed("kills");
            }
        } finally {
            producer.close();
        }
        TopicContents.assertEveryAckedValueOnceInOrder(cluster.bootstrapServers(), "kills", 2, producer.acked());
    }

    // The leader is paused (SIGSTOP) past its ZooKeeper session: another replica takes over; the
    // paused one, resumed, acknowledges nothing more as leader and rejoins as a follower.
    @Test
    @Order(2)
    void acknowledgedRecordsSurviveAPausedLeader() throws Exception {
        createTopic("pauses", 1);
        VerifyingProducer producer = new VerifyingProducer(cluster.bootstrapServers(), "pauses", 1, 300);
        producer.start();
        try {
            awaitAcked(producer, 200);
            int leader = leaderOf("pauses", 0);
            cluster.broker(leader).pause();
            try {
                awaitNewLeader("pauses", 0, leader);
                awaitAcked(producer, producer.acked().size() + 200L);
            } finally {
                cluster.broker(leader).resume();
            }
            awaitHealed("pauses");
            awaitAcked(producer, producer.acked().size() + 200L);
        } finally {
            producer.close();
        }
        TopicContents.assertEveryAckedValueOnceInOrder(cluster.bootstrapServers(), "pauses", 1, producer.acked());
    }

    // Two of three brokers down: acks=all gets NOT_ENOUGH_REPLICAS (the ISR is below
    // min.insync.replicas), acks=1 still works; both back, the ISR fills and acks=all works again.
    @Test
    @Order(3)
    void twoBrokersDownRefuseAcksAllButNotAcksOne() throws Exception {
        createTopic("quorum", 1);
        int leader = leaderOf("quorum", 0);
        List<Integer> followers = new ArrayList<>(List.of(1, 2, 3));
        followers.remove(Integer.valueOf(leader));
        for (int f : followers) {
            cluster.broker(f).sigkill();
        }
        try (KafkaWireClient client = new KafkaWireClient(cluster.broker(leader).bootstrap())) {
            await().atMost(FAILOVER).until(() -> produce(client, "quorum", (short) -1, "refused") == 19); // NOT_ENOUGH_REPLICAS
            assertEquals(0, produce(client, "quorum", (short) 1, "acks-1"), "acks=1 needs only the leader");
        }
        assertEquals(List.of(leader), cluster.describe("quorum").partitions().get(0).isr().stream().map(n -> n.id()).toList());
        assertTrue(topics("--describe", "--under-min-isr-partitions").contains("Topic: quorum"));
        for (int f : followers) {
            cluster.broker(f).restart();
        }
        awaitHealed("quorum");
        try (KafkaWireClient client = new KafkaWireClient(cluster.broker(leaderOf("quorum", 0)).bootstrap())) {
            assertEquals(0, produce(client, "quorum", (short) -1, "accepted"));
        }
        // acks=all attempts that timed out before the ISR shrank were appended, unacknowledged, as in Kafka
        List<String> values = TopicContents.readAll(cluster.bootstrapServers(), "quorum", 1).get(0).stream()
                .filter(v -> !v.equals("refused")).toList();
        assertEquals(List.of("acks-1", "accepted"), values);
    }

    // A leader takes acks=1 writes its followers never get (they are paused), then dies; the new
    // leader writes on. When the old leader comes back it finds where its log diverged (the
    // leader epochs, KIP-320) and drops its own tail: once it leads again it serves exactly the
    // new leader's log. (A paused follower may still receive the first of those writes, in
    // answer to a fetch it sent before the pause; then that one is in every log.)
    @Test
    @Order(4)
    void aDivergentTailIsTruncated() throws Exception {
        createTopic("diverge", 1);
        try (KafkaProducer<String, String> p = producer("all")) {
            for (int i = 0; i < 5; i++) {
                p.send(new ProducerRecord<>("diverge", 0, null, "common-" + i)).get(30, TimeUnit.SECONDS);
            }
        }
        int old = leaderOf("diverge", 0);
        List<Integer> others = new ArrayList<>(List.of(1, 2, 3));
        others.remove(Integer.valueOf(old));
        for (int f : others) {
            cluster.broker(f).pause();
        }
        try (KafkaWireClient client = new KafkaWireClient(cluster.broker(old).bootstrap())) {
            for (int i = 0; i < 3; i++) {
                assertEquals(0, produce(client, "diverge", (short) 1, "lost-" + i));
            }
        } finally {
            cluster.broker(old).sigkill();
            for (int f : others) {
                cluster.broker(f).resume();
            }
        }
        awaitNewLeader("diverge", 0, old);
        try (KafkaProducer<String, String> p = producer("all")) {
            for (int i = 0; i < 4; i++) {
                p.send(new ProducerRecord<>("diverge", 0, null, "kept-" + i)).get(60, TimeUnit.SECONDS);
            }
        }
        List<String> newLeadersLog = TopicContents.readAll(cluster.bootstrapServers(), "diverge", 1).get(0);
        assertTrue(newLeadersLog.containsAll(List.of("common-4", "kept-3")), newLeadersLog.toString());
        assertTrue(!newLeadersLog.contains("lost-2"), "only the old leader had lost-2: " + newLeadersLog);
        cluster.broker(old).restart();
        awaitHealed("diverge");
        // now make the old leader lead: the other two go, and it is the only in-sync replica left
        for (int f : others) {
            cluster.broker(f).sigkill();
        }
        await().atMost(FAILOVER).ignoreExceptions().until(() -> cluster.leaderOf("diverge", 0).orElse(-1) == old);
        assertEquals(newLeadersLog, TopicContents.readAll(cluster.bootstrapServers(), "diverge", 1).get(0), "the old leader kept a divergent record");
        for (int f : others) {
            cluster.broker(f).restart();
        }
        awaitHealed("diverge");
    }

    // The controller is SIGKILLed: another broker is elected and moves the partitions the dead
    // one led; topics are created through any broker meanwhile; the old controller rejoins.
    @Test
    @Order(5)
    void aNewControllerTakesOver() throws Exception {
        createTopic("before-controller-loss", 3);
        int controller = cluster.controllerId().orElseThrow();
        cluster.broker(controller).sigkill();
        await().atMost(FAILOVER).ignoreExceptions().until(() -> cluster.controllerId().orElse(controller) != controller);
        int other = cluster.controllerId().getAsInt();
        assertNotEquals(controller, other);
        for (int p = 0; p < 3; p++) {
            awaitNewLeader("before-controller-loss", p, controller);
        }
        int notController = List.of(1, 2, 3).stream().filter(b -> b != controller && b != other).findFirst().orElseThrow();
        try (org.apache.kafka.clients.admin.Admin viaOne = org.apache.kafka.clients.admin.Admin.create(Map.of(
                "bootstrap.servers", cluster.broker(notController).bootstrap(), "default.api.timeout.ms", "30000"))) {
            viaOne.createTopics(List.of(new NewTopic("after-controller-loss", 2, (short) 2))).all().get(30, TimeUnit.SECONDS);
        }
        cluster.broker(controller).restart();
        awaitHealed("before-controller-loss");
        TopicPartitionInfo p0 = cluster.describe("after-controller-loss").partitions().get(0);
        assertEquals(2, p0.replicas().size());
    }

    // A consumer group keeps consuming across the loss of its coordinator: the new coordinator
    // loads the group's offsets from its replica of __consumer_offsets, and a new member resumes
    // exactly where the committed offsets say.
    @Test
    @Order(6)
    void aGroupSurvivesTheLossOfItsCoordinator() throws Exception {
        createTopic("grouped", 2);
        try (KafkaProducer<String, String> p = producer("all")) {
            for (int i = 0; i < 100; i++) {
                p.send(new ProducerRecord<>("grouped", i % 2, null, "g-" + i));
            }
            p.flush();
        }
        Map<TopicPartition, Long> committed;
        try (KafkaConsumer<String, String> c = cluster.groupConsumer("survivors")) {
            c.subscribe(List.of("grouped"));
            int seen = 0;
            long deadline = System.currentTimeMillis() + 60_000;
            while (seen < 100 && System.currentTimeMillis() < deadline) {
                seen += c.poll(Duration.ofMillis(200)).count();
            }
            assertEquals(100, seen);
            c.commitSync(Duration.ofSeconds(30));
            committed = offsetsOf(c);
        }
        int coordinator = cluster.admin().describeConsumerGroups(List.of("survivors")).all().get(30, TimeUnit.SECONDS)
                .get("survivors").coordinator().id();
        cluster.broker(coordinator).sigkill();
        try (KafkaProducer<String, String> p = producer("all")) {
            for (int i = 100; i < 150; i++) {
                p.send(new ProducerRecord<>("grouped", i % 2, null, "g-" + i));
            }
            p.flush();
        }
        List<String> resumed = new ArrayList<>();
        try (KafkaConsumer<String, String> c = cluster.groupConsumer("survivors")) {
            c.subscribe(List.of("grouped"));
            long deadline = System.currentTimeMillis() + 90_000;
            while (resumed.size() < 50 && System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(r -> resumed.add(r.value()));
            }
            c.commitSync(Duration.ofSeconds(30));
            assertEquals(Map.of(new TopicPartition("grouped", 0), 75L, new TopicPartition("grouped", 1), 75L), offsetsOf(c));
        }
        assertEquals(Map.of(new TopicPartition("grouped", 0), 50L, new TopicPartition("grouped", 1), 50L), committed);
        assertEquals(50, resumed.size(), "resumed at the committed offsets: only the 50 new records");
        assertTrue(resumed.stream().allMatch(v -> Integer.parseInt(v.substring(2)) >= 100), resumed.toString());
        assertNotEquals(coordinator, cluster.admin().describeConsumerGroups(List.of("survivors")).all()
                .get(30, TimeUnit.SECONDS).get("survivors").coordinator().id());
        cluster.broker(coordinator).restart();
        awaitHealed("grouped");
    }

    // The tools users already have, across a leader change: kafka-topics shows replicas and ISR and
    // lists the under-replicated partition while a broker is down; kcat (librdkafka) produces
    // before and after the leader dies and reads every record back in order.
    @Test
    @Order(7)
    void kafkaToolsAndKcatAcrossALeaderChange() throws Exception {
        KafkaTool.Result created = KafkaTool.run("org.apache.kafka.tools.TopicCommand", null, "--bootstrap-server",
                cluster.bootstrapServers(), "--create", "--topic", "tools", "--partitions", "1", "--replication-factor", "3",
                "--config", "min.insync.replicas=2");
        assertEquals(0, created.exitCode(), created.output());
        assertTrue(cluster.awaitFullIsr("tools", FAILOVER));
        String described = topics("--describe", "--topic", "tools");
        assertTrue(described.matches("(?s).*Replicas: \\d,\\d,\\d\\s+Isr: \\d,\\d,\\d.*"), described);
        String b = cluster.bootstrapServers();
        KcatIT.kcat(lines("before-", 100), "-b", b, "-t", "tools", "-P", "-X", "acks=all");
        int leader = leaderOf("tools", 0);
        cluster.broker(leader).sigkill();
        try {
            awaitNewLeader("tools", 0, leader);
            KcatIT.kcat(lines("after-", 100), "-b", b, "-t", "tools", "-P", "-X", "acks=all", "-X", "message.timeout.ms=60000");
            await().atMost(FAILOVER).until(() -> topics("--describe", "--under-replicated-partitions").contains("Topic: tools"));
            String consumed = KcatIT.kcat(null, "-b", b, "-t", "tools", "-C", "-o", "beginning", "-e", "-q");
            assertEquals(lines("before-", 100) + lines("after-", 100), consumed);
        } finally {
            cluster.broker(leader).restart();
        }
        awaitHealed("tools");
        assertTrue(!topics("--describe", "--under-replicated-partitions").contains("Topic: tools"));
    }

    // KIP-951: a produce (v10+) or fetch (v16+) sent to a broker that does not lead the partition
    // is answered NOT_LEADER_OR_FOLLOWER with the leader, its epoch and its endpoint, so clients
    // go straight there.
    @Test
    @Order(8)
    void notLeaderAnswersNameTheLeader() throws Exception {
        // two replicas, so that one broker is not a replica at all: a follower would serve a consumer's
        // Fetch v11+ itself (KIP-392), only a non-replica answers NOT_LEADER_OR_FOLLOWER
        cluster.admin().createTopics(List.of(new NewTopic("hints", Map.of(0, List.of(1, 2))))).all().get(30, TimeUnit.SECONDS);
        assertTrue(cluster.awaitFullIsr("hints", FAILOVER));
        int leader = leaderOf("hints", 0);
        int other = 3;
        int epoch = leaderEpochOf("hints");
        org.apache.kafka.common.Uuid id = cluster.describe("hints").topicId();
        java.util.UUID topicId = new java.util.UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
        try (KafkaWireClient client = new KafkaWireClient(cluster.broker(other).bootstrap())) {
            ProduceRequest req = new ProduceRequest().setAcks((short) -1).setTimeoutMs(5_000).setTopicData(List.of(
                    new ProduceRequest.TopicProduceData().setName("hints").setPartitionData(List.of(
                            new ProduceRequest.PartitionProduceData().setIndex(0)
                                    .setRecords(new BufferRecords(ProduceBatch.create().value("x").build()))))));
            ProduceResponse produced = client.call(ApiKey.PRODUCE, (short) 11, req);
            ProduceResponse.PartitionProduceResponse p = produced.responses().get(0).partitionResponses().get(0);
            assertEquals(6, p.errorCode()); // NOT_LEADER_OR_FOLLOWER
            assertEquals(leader, p.currentLeader().leaderId());
            assertEquals(epoch, p.currentLeader().leaderEpoch());
            assertEquals(List.of(leader), produced.nodeEndpoints().stream().map(ProduceResponse.NodeEndpoint::nodeId).toList());
            assertEquals(cluster.broker(leader).bootstrap(), "127.0.0.1:" + produced.nodeEndpoints().get(0).port());

            dev.wharf.wire.message.FetchResponse fetched = client.call(ApiKey.FETCH, (short) 16,
                    new dev.wharf.wire.message.FetchRequest().setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1 << 20)
                            .setSessionEpoch(-1).setTopics(List.of(new dev.wharf.wire.message.FetchRequest.FetchTopic()
                                    .setTopicId(topicId)
                                    .setPartitions(List.of(new dev.wharf.wire.message.FetchRequest.FetchPartition()
                                            .setPartition(0).setFetchOffset(0).setPartitionMaxBytes(1 << 20)))))
                            .setForgottenTopicsData(List.of()).setRackId(""));
            dev.wharf.wire.message.FetchResponse.PartitionData pd = fetched.responses().get(0).partitions().get(0);
            assertEquals(6, pd.errorCode());
            assertEquals(leader, pd.currentLeader().leaderId());
            assertEquals(List.of(leader), fetched.nodeEndpoints().stream()
                    .map(dev.wharf.wire.message.FetchResponse.NodeEndpoint::nodeId).toList());
        }
    }

    // A broker stopped with SIGTERM (a controlled shutdown: its log says so) hands its leadership
    // over and, restarted, leads nothing: kafka-leader-election moves each partition back to its
    // preferred replica (the first assigned); asked again, or for an unclean election of a
    // partition with a live leader, it reports that none was needed.
    @Test
    @Order(9)
    void kafkaLeaderElectionMovesLeadersBackToPreferredReplicas() throws Exception {
        createTopic("elect", 3);
        int preferred = leaderOf("elect", 0); // a new partition starts led by its first replica
        long handedOver = controlledShutdowns(preferred);
        cluster.broker(preferred).stop(); // SIGTERM
        assertEquals(handedOver + 1, controlledShutdowns(preferred), "no controlled shutdown:\n" + cluster.broker(preferred).tail());
        cluster.broker(preferred).start();
        awaitHealed("elect");
        assertNotEquals(preferred, leaderOf("elect", 0), "the restarted broker leads nothing until elected");
        java.nio.file.Path json = dir.resolve("elect-partitions.json");
        java.nio.file.Files.writeString(json, "{\"partitions\":[{\"topic\":\"elect\",\"partition\":0},"
                + "{\"topic\":\"elect\",\"partition\":1},{\"topic\":\"elect\",\"partition\":2}]}");
        String elected = electLeaders("--election-type", "PREFERRED", "--path-to-json-file", json.toString());
        assertTrue(elected.contains("Successfully completed leader election (PREFERRED)"), elected);
        // every broker learns the new leaders from ZooKeeper, a moment after the controller wrote them
        await().atMost(FAILOVER).untilAsserted(() -> {
            for (TopicPartitionInfo p : cluster.describe("elect").partitions()) {
                assertEquals(p.replicas().get(0).id(), p.leader().id(), "partition " + p.partition());
            }
        });
        String again = electLeaders("--election-type", "PREFERRED", "--path-to-json-file", json.toString());
        assertTrue(again.contains("Valid replica already elected for partitions"), again);
        String unclean = electLeaders("--election-type", "UNCLEAN", "--topic", "elect", "--partition", "0");
        assertTrue(unclean.contains("Valid replica already elected for partitions elect-0"), unclean);
    }

    private String electLeaders(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", cluster.bootstrapServers()));
        all.addAll(List.of(args));
        KafkaTool.Result r = KafkaTool.run("org.apache.kafka.tools.LeaderElectionCommand", null, all.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.output());
        return r.output();
    }

    /** How many controlled shutdowns the broker's log reports (it is appended to across restarts). */
    private long controlledShutdowns(int id) throws java.io.IOException {
        java.nio.file.Path log = cluster.broker(id).log();
        return java.nio.file.Files.exists(log) ? java.nio.file.Files.readAllLines(log).stream()
                .filter(l -> l.contains("controlled shutdown: leadership moved")).count() : 0;
    }

    private int leaderEpochOf(String topic) throws Exception {
        try (KafkaWireClient client = new KafkaWireClient(cluster.broker(1).bootstrap())) {
            dev.wharf.wire.message.MetadataResponse md = client.call(ApiKey.METADATA, (short) 12,
                    new dev.wharf.wire.message.MetadataRequest().setAllowAutoTopicCreation(false).setTopics(List.of(
                            new dev.wharf.wire.message.MetadataRequest.MetadataRequestTopic().setName(topic))));
            return md.topics().get(0).partitions().get(0).leaderEpoch();
        }
    }

    private String topics(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", cluster.bootstrapServers()));
        all.addAll(List.of(args));
        KafkaTool.Result r = KafkaTool.run("org.apache.kafka.tools.TopicCommand", null, all.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.output());
        return r.output();
    }

    private static String lines(String prefix, int count) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            out.append(prefix).append(i).append('\n');
        }
        return out.toString();
    }

    private Map<TopicPartition, Long> offsetsOf(KafkaConsumer<String, String> c) {
        Map<TopicPartition, Long> out = new HashMap<>();
        c.committed(Set.of(new TopicPartition("grouped", 0), new TopicPartition("grouped", 1)), Duration.ofSeconds(30))
                .forEach((tp, o) -> out.put(tp, o == null ? -1 : o.offset()));
        return out;
    }

    private static void awaitAcked(VerifyingProducer producer, long count) {
        await().atMost(FAILOVER).until(() -> producer.acked().size() >= count);
    }

    /** Produces one record with the wire client and returns the partition's error code. */
    private static short produce(KafkaWireClient client, String topic, short acks, String value) throws Exception {
        ProduceRequest req = new ProduceRequest().setAcks(acks).setTimeoutMs(5_000).setTopicData(List.of(
                new ProduceRequest.TopicProduceData().setName(topic).setPartitionData(List.of(
                        new ProduceRequest.PartitionProduceData().setIndex(0)
                                .setRecords(new BufferRecords(ProduceBatch.create().value(value).build()))))));
        ProduceResponse resp = client.call(ApiKey.PRODUCE, (short) 9, req);
        return resp.responses().get(0).partitionResponses().get(0).errorCode();
    }

    private KafkaProducer<String, String> producer(String acks) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, acks, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000"), new StringSerializer(), new StringSerializer());
    }
}
