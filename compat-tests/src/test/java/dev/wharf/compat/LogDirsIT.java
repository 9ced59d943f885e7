package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeReplicaLogDirsResult.ReplicaLogDirInfo;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartitionReplica;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.KafkaStorageException;
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
 * Several log dirs per broker, on three brokers with two each: {@code kafka-reassign-partitions}
 * with "log_dirs" moves a live replica to its broker's other dir while an acks=all producer runs,
 * {@code --verify} follows it to the end, every acknowledged record is read back in order and the
 * old dir no longer holds the partition; {@code kafka-log-dirs --describe} reports sizes; and a
 * failed dir (renamed away, so the next segment roll fails) takes only its own partitions offline
 * on that broker: their leadership moves to another in-sync replica and producing goes on there,
 * while the broker keeps serving the partition in its other dir; a move cut short by a restart
 * resumes; a dir unreadable at start-up (a plain file in its place) starts offline: the broker
 * serves its other dir, and the partition it had in the broken one is led by another in-sync
 * replica, listed as offline on broker 1 and never created empty there. Runs in this order (the
 * last two tests break broker 1's dirs).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LogDirsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PAD = "x".repeat(1000);

    @TempDir
    static Path dir;

    private Cluster cluster;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = Cluster.start(dir, 3, Map.of(), id -> Map.of("log.dirs", logDir(id, "d1") + "," + logDir(id, "d2")));
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Path logDir(int broker, String name) {
        return dir.resolve("broker-" + broker).resolve(name).toAbsolutePath();
    }

    // a live replica moves to the broker's other dir (throttled) while a producer writes; nothing is lost
    @Test
    @Order(1)
    void reassignWithLogDirsMovesALiveReplica() throws Exception {
        createTopic("moving", Map.of(0, List.of(1, 2, 3)), Map.of());
        List<String> preloaded = preload("moving", 0, 600);
        TopicPartitionReplica replica = new TopicPartitionReplica("moving", 0, 1);
        Path from = Path.of(replicaDir(replica).getCurrentReplicaLogDir());
        Path to = from.equals(logDir(1, "d1")) ? logDir(1, "d2") : logDir(1, "d1");

        Path plan = Files.writeString(dir.resolve("plan.json"), "{\"version\":1,\"partitions\":[{\"topic\":\"moving\","
                + "\"partition\":0,\"replicas\":[1,2,3],\"log_dirs\":[\"" + to + "\",\"any\",\"any\"]}]}");
        VerifyingProducer producer = new VerifyingProducer(cluster.bootstrapServers(), "moving", 1, 200);
        try (producer) {
            producer.start();
            await().atMost(WAIT).until(() -> producer.acked().size() >= 50);
            String started = reassign("--reassignment-json-file", plan.toString(), "--execute",
                    "--replica-alter-log-dirs-throttle", "400000");
            assertTrue(started.contains("Successfully started"), started);
            await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                String verified = reassign("--reassignment-json-file", plan.toString(), "--verify");
                assertFalse(verified.contains("in progress"), verified);
                assertTrue(verified.contains("completed"), verified);
            });
            int before = producer.acked().size();
            await().atMost(WAIT).until(() -> producer.acked().size() >= before + 50); // the moved replica goes on
        }
        ReplicaLogDirInfo info = replicaDir(replica);
        assertEquals(to.toString(), info.getCurrentReplicaLogDir());
        assertNull(info.getFutureReplicaLogDir());
        assertFalse(Files.exists(from.resolve("moving-0")), "the old dir no longer holds the partition");
        try (Stream<Path> children = Files.list(to)) {
            assertTrue(children.noneMatch(c -> c.getFileName().toString().endsWith("-future")));
        }

        List<String> read = TopicContents.readAll(cluster.bootstrapServers(), "moving", 1).get(0);
        assertEquals(preloaded, read.subList(0, preloaded.size()), "the records from before the move, in order");
        List<String> produced = read.subList(preloaded.size(), read.size());
        assertTrue(produced.containsAll(producer.acked()), "every acknowledged record is there");
        assertEquals(produced.size(), new HashSet<>(produced).size(), "no duplicates");
        List<Long> order = produced.stream().map(v -> Long.parseLong(v.substring(1))).toList();
        assertEquals(order.stream().sorted().toList(), order, "in the order produced");
        assertTrue(producer.failed() == 0, "sends failed: " + producer.failed());
    }

    // kafka-log-dirs --describe lists each broker's two dirs with the replicas' sizes
    @Test
    @Order(2)
    void logDirsToolDescribesSizes() throws Exception {
        KafkaTool.Result r = KafkaTool.run("org.apache.kafka.tools.LogDirsCommand", null, "--bootstrap-server",
                cluster.bootstrapServers(), "--describe", "--topic-list", "moving");
        assertEquals(0, r.exitCode(), r.output());
        for (int id = 1; id <= 3; id++) {
            for (String d : List.of("d1", "d2")) {
                assertTrue(r.output().contains("\"logDir\":\"" + logDir(id, d) + "\""), r.output());
            }
        }
        Matcher m = Pattern.compile("\"partition\":\"moving-0\",\"size\":(\\d+),\"offsetLag\":(\\d+),\"isFuture\":false")
                .matcher(r.output());
        int replicas = 0;
        while (m.find()) {
            replicas++;
            assertTrue(Long.parseLong(m.group(1)) > 600 * 1000, r.output());
        }
        assertEquals(3, replicas, r.output());
    }

    // a move cut short by a restart of its broker resumes from the future log, and finishes with every record
    @Test
    @Order(3)
    void aMoveResumesAfterARestart() throws Exception {
        createTopic("resuming", Map.of(0, List.of(2, 1, 3)), Map.of());
        List<String> preloaded = preload("resuming", 0, 600);
        TopicPartitionReplica replica = new TopicPartitionReplica("resuming", 0, 2);
        Path from = Path.of(replicaDir(replica).getCurrentReplicaLogDir());
        Path to = from.equals(logDir(2, "d1")) ? logDir(2, "d2") : logDir(2, "d1");
        ConfigResource broker2 = new ConfigResource(ConfigResource.Type.BROKER, "2");
        String throttle = "replica.alter.log.dirs.io.max.bytes.per.second";
        cluster.admin().incrementalAlterConfigs(Map.of(broker2, List.of(new AlterConfigOp(new ConfigEntry(throttle, "20000"),
                AlterConfigOp.OpType.SET)))).all().get(10, TimeUnit.SECONDS);
        cluster.admin().alterReplicaLogDirs(Map.of(replica, to.toString())).all().get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> to.toString().equals(replicaDir(replica).getFutureReplicaLogDir()));

        cluster.broker(2).stop();
        try (Stream<Path> children = Files.list(to)) {
            assertTrue(children.anyMatch(c -> c.getFileName().toString().matches("resuming-0\\.[0-9a-f]{32}-future")),
                    "the future log is kept for the next start");
        }
        cluster.broker(2).start();
        cluster.admin().incrementalAlterConfigs(Map.of(broker2, List.of(new AlterConfigOp(new ConfigEntry(throttle, ""),
                AlterConfigOp.OpType.DELETE)))).all().get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).untilAsserted(() -> {
            ReplicaLogDirInfo info = replicaDir(replica);
            assertEquals(to.toString(), info.getCurrentReplicaLogDir());
            assertNull(info.getFutureReplicaLogDir());
        });
        assertFalse(Files.exists(from.resolve("resuming-0")));
        assertTrue(cluster.awaitFullIsr("resuming", WAIT));
        assertEquals(preloaded, TopicContents.readAll(cluster.bootstrapServers(), "resuming", 1).get(0));
    }

    // a failed dir on broker 1: its partition's leadership moves and producing goes on; the other dir's stays with broker 1
    @Test
    @Order(4)
    void aFailedDirTakesOnlyItsPartitionsOffline() throws Exception {
        createTopic("disks", Map.of(0, List.of(1, 2, 3), 1, List.of(1, 2, 3)), Map.of("internal.segment.bytes", "20000"));
        // one partition in each of broker 1's dirs
        Map<TopicPartitionReplica, String> placement = Map.of(new TopicPartitionReplica("disks", 0, 1),
                logDir(1, "d1").toString(), new TopicPartitionReplica("disks", 1, 1), logDir(1, "d2").toString());
        cluster.admin().alterReplicaLogDirs(placement).all().get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).untilAsserted(() -> {
            for (Map.Entry<TopicPartitionReplica, String> e : placement.entrySet()) {
                assertEquals(e.getValue(), replicaDir(e.getKey()).getCurrentReplicaLogDir());
            }
        });
        assertEquals(1, cluster.awaitLeader("disks", 0, WAIT));
        assertEquals(1, cluster.awaitLeader("disks", 1, WAIT));

        Files.move(logDir(1, "d1"), dir.resolve("broker-1").resolve("d1-gone"));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000", ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000"),
                new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (int i = 0; i < 200; i++) { // ten segments' worth: a roll fails on the renamed dir
                sends.add(producer.send(new ProducerRecord<>("disks", 0, "k" + i, i + PAD)));
            }
            for (Future<RecordMetadata> f : sends) {
                f.get(90, TimeUnit.SECONDS); // acks=all goes on via the other replicas
            }
            int leader = cluster.awaitLeader("disks", 0, WAIT);
            assertTrue(leader != 1, "leadership moved off the failed dir");
            await().atMost(WAIT).untilAsserted(() -> assertFalse(cluster.describe("disks").partitions().get(0).isr()
                    .stream().anyMatch(n -> n.id() == 1), "broker 1 left the ISR of disks-0"));
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>("disks", 1, "k" + i, i + PAD)).get(30, TimeUnit.SECONDS);
            }
        }
        assertEquals(1, cluster.leaderOf("disks", 1).getAsInt(), "the other dir's partition stays with broker 1");
        assertEquals(200, TopicContents.readAll(cluster.bootstrapServers(), "disks", 1).get(0).size());
        assertEquals(50, TopicContents.readAll(cluster.bootstrapServers(), "disks", 2).get(1).size());
        Map<String, LogDirDescription> dirs = cluster.admin().describeLogDirs(List.of(1)).allDescriptions()
                .get(10, TimeUnit.SECONDS).get(1);
        assertInstanceOf(KafkaStorageException.class, dirs.get(logDir(1, "d1").toString()).error());
        assertNull(dirs.get(logDir(1, "d2").toString()).error());
        assertTrue(cluster.broker(1).isAlive(), "one dir left: the broker goes on");
        Set<Integer> registered = cluster.registeredBrokers();
        assertEquals(Set.of(1, 2, 3), registered);
    }

    // a dir unreadable at start-up: the broker serves its other dir; the partition it had there is led elsewhere, never created empty
    @Test
    @Order(5)
    void aDirUnreadableAtStartUpTakesItsPartitionsOffline() throws Exception {
        cluster.broker(1).stop();
        cluster.broker(1).start(); // the dir the last test broke comes back empty: both dirs online
        createTopic("boot", Map.of(0, List.of(1, 2, 3), 1, List.of(1, 2, 3)), Map.of());
        Map<TopicPartitionReplica, String> placement = Map.of(new TopicPartitionReplica("boot", 0, 1),
                logDir(1, "d1").toString(), new TopicPartitionReplica("boot", 1, 1), logDir(1, "d2").toString());
        cluster.admin().alterReplicaLogDirs(placement).all().get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).untilAsserted(() -> {
            for (Map.Entry<TopicPartitionReplica, String> e : placement.entrySet()) {
                assertEquals(e.getValue(), replicaDir(e.getKey()).getCurrentReplicaLogDir());
            }
        });
        List<String> before = preload("boot", 1, 100);
        assertTrue(cluster.awaitFullIsr("boot", WAIT));

        cluster.broker(1).stop();
        deleteTree(logDir(1, "d2"));
        Files.writeString(logDir(1, "d2"), "not a directory"); // the disk is gone: the path cannot be a log dir
        cluster.broker(1).start();

        assertTrue(cluster.broker(1).isAlive(), "one dir left: the broker starts");
        await().atMost(WAIT).untilAsserted(() -> assertTrue(cluster.describe("boot").partitions().get(0).isr()
                .stream().anyMatch(n -> n.id() == 1), "broker 1 serves boot-0 from its healthy dir"));
        await().atMost(WAIT).untilAsserted(() -> {
            assertEquals(Set.of(1), cluster.offlineReplicasSeenBy(2, "boot", 1));
            assertTrue(cluster.leaderOf("boot", 1).orElse(1) != 1, "boot-1 is led by another in-sync replica");
            assertFalse(cluster.describe("boot").partitions().get(1).isr().stream().anyMatch(n -> n.id() == 1));
        });
        List<String> after = preload("boot", 1, 20); // acks=all with min.insync.replicas=2 on brokers 2 and 3
        List<String> all = new ArrayList<>(before);
        all.addAll(after);
        assertEquals(all, TopicContents.readAll(cluster.bootstrapServers(), "boot", 2).get(1));
        assertFalse(Files.exists(logDir(1, "d1").resolve("boot-1")), "no empty replica of boot-1 on broker 1");
        Map<String, LogDirDescription> dirs = cluster.admin().describeLogDirs(List.of(1)).allDescriptions()
                .get(10, TimeUnit.SECONDS).get(1);
        assertInstanceOf(KafkaStorageException.class, dirs.get(logDir(1, "d2").toString()).error());
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private ReplicaLogDirInfo replicaDir(TopicPartitionReplica replica) throws Exception {
        return cluster.admin().describeReplicaLogDirs(List.of(replica)).all().get(10, TimeUnit.SECONDS).get(replica);
    }

    private void createTopic(String name, Map<Integer, List<Integer>> assignment, Map<String, String> configs)
            throws Exception {
        Map<String, String> all = new java.util.HashMap<>(configs);
        all.put("min.insync.replicas", "2");
        cluster.admin().createTopics(List.of(new NewTopic(name, assignment).configs(all))).all().get(10, TimeUnit.SECONDS);
        assertTrue(cluster.awaitFullIsr(name, WAIT), "the ISR of " + name + " never filled");
    }

    /** Writes {@code count} records of about 1 kB to one partition and returns their values. */
    private List<String> preload(String topic, int partition, int count) throws Exception {
        List<String> values = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "5"), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                String value = String.format("p%07d", i) + PAD;
                values.add(value);
                producer.send(new ProducerRecord<>(topic, partition, "k" + i, value));
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
}
