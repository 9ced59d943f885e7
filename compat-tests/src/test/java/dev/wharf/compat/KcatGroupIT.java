package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * librdkafka's balanced consumer (kcat -G) in Wharf's consumer groups: kcat members share a topic's
 * partitions with each other and with the Java consumer, and the offsets kcat commits are the ones
 * the Java client sees and resumes from.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH,
        ApiKeys.FIND_COORDINATOR, ApiKeys.JOIN_GROUP, ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.SYNC_GROUP,
        ApiKeys.DESCRIBE_GROUPS, ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID, ApiKeys.CONSUMER_GROUP_DESCRIBE})
class KcatGroupIT {
    private static final int PARTITIONS = 4;

    @TempDir
    Path dir;

    private RunningBroker broker;
    private Admin admin;
    private final List<Kcat> started = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        broker = new RunningBroker(dir, Map.of("group.initial.rebalance.delay.ms", "0", "offsets.topic.num.partitions", "5"));
        admin = GroupClients.admin(broker.bootstrap());
    }

    @AfterEach
    void stop() throws Exception {
        for (Kcat k : started) {
            k.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** One kcat -G process; stdout and stderr go to files so nothing blocks on a full pipe. */
    private final class Kcat implements AutoCloseable {
        private final Process process;
        private final Path out;
        private final Path err;

        Kcat(String name, String group, String topic, String... extra) throws IOException {
            out = dir.resolve(name + ".out");
            err = dir.resolve(name + ".err");
            List<String> command = new ArrayList<>(List.of("kcat", "-b", broker.bootstrap(), "-G", group, "-u",
                    "-f", "%t|%p|%o|%s\\n",
                    "-X", "client.id=" + name,
                    "-X", "auto.offset.reset=earliest",
                    "-X", "enable.auto.commit=true",
                    "-X", "auto.commit.interval.ms=200",
                    "-X", "session.timeout.ms=10000",
                    "-X", "heartbeat.interval.ms=500"));
            command.addAll(List.of(extra));
            command.add(topic);
            try {
                process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            } catch (IOException e) {
                throw new IllegalStateException("kcat is not installed: `apt-get install kcat` (.ci/run does)", e);
            }
            started.add(this);
        }

        /** The records printed so far, as partition|offset|value. */
        List<String> records() throws IOException {
            return Files.readAllLines(out, StandardCharsets.UTF_8).stream().filter(l -> l.split("\\|").length == 4)
                    .map(l -> l.substring(l.indexOf('|') + 1)).toList();
        }

        Set<Integer> partitions() throws IOException {
            return records().stream().map(r -> Integer.parseInt(r.split("\\|")[0])).collect(Collectors.toCollection(TreeSet::new));
        }

        String log() throws IOException {
            return Files.readString(err, StandardCharsets.UTF_8);
        }

        /** Waits (at most 60 s) for a kcat started with -e to reach the end of its partitions and exit. */
        int awaitExit() throws Exception {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                close();
                throw new AssertionError("kcat -e did not exit:\n" + log());
            }
            return process.exitValue();
        }

        /** SIGTERM (kcat closes its consumer and leaves the group), then SIGKILL if it has not exited in 15 s. */
        @Override
        public void close() throws Exception {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** The live group's members by client id, each with the partitions of {@code topic} it was assigned. */
    private Map<String, Set<Integer>> assignments(String group) throws Exception {
        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        if (d.groupState() != GroupState.STABLE) {
            return Map.of();
        }
        return d.members().stream().collect(Collectors.toMap(MemberDescription::clientId, m -> m.assignment()
                .topicPartitions().stream().map(TopicPartition::partition).collect(Collectors.toCollection(TreeSet::new))));
    }

    private static Set<Set<Integer>> rangeSplit() {
        return Set.of(Set.of(0, 1), Set.of(2, 3));
    }

    private void produceToEach(String topic, int perPartition) throws Exception {
        for (int p = 0; p < PARTITIONS; p++) {
            GroupClients.produce(broker.bootstrap(), topic, p, perPartition, null, 0);
        }
    }

    // Two kcat members split a 4-partition topic 2+2; what they commit is what the Java client resumes from.
    @Test
    void twoKcatMembersSplitTheTopicAndTheirCommitsHoldForJava() throws Exception {
        String topic = "rd-split";
        String group = "rd-group";
        GroupClients.createTopic(admin, topic, PARTITIONS);
        Kcat a = new Kcat("kcat-a", group, topic);
        Kcat b = new Kcat("kcat-b", group, topic);

        await("two kcat members with two partitions each").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(250))
                .until(() -> assignments(group), m -> m.keySet().equals(Set.of("kcat-a", "kcat-b"))
                        && Set.copyOf(m.values()).equals(rangeSplit()));
        Map<String, Set<Integer>> assigned = assignments(group);

        produceToEach(topic, 10);
        await("kcat consumed all 40 records").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> a.records().size() + b.records().size() >= 40);
        await("kcat committed the end of every partition").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> GroupClients.committed(admin, group, topic), Map.of(0, 10L, 1, 10L, 2, 10L, 3, 10L)::equals);
        a.close();
        b.close();

        assertEquals(assigned.get("kcat-a"), a.partitions(), a.log());
        assertEquals(assigned.get("kcat-b"), b.partitions(), b.log());
        List<String> all = new ArrayList<>(a.records());
        all.addAll(b.records());
        assertEquals(40, all.size(), "a: " + a.records() + "\nb: " + b.records());
        Set<String> expected = new HashSet<>();
        for (int p = 0; p < PARTITIONS; p++) {
            for (int o = 0; o < 10; o++) {
                expected.add(p + "|" + o + "|p" + p + "-" + o);
            }
        }
        assertEquals(expected, Set.copyOf(all), "each record exactly once");
        assertEquals(Map.of(0, 10L, 1, 10L, 2, 10L, 3, 10L), GroupClients.committed(admin, group, topic));

        // the Java consumer in the same group resumes after kcat's commits: only the new records, no duplicates
        produceToEach(topic, 12); // offsets 10..21 of each partition
        try (KafkaConsumer<String, String> java = GroupClients.consumer(broker.bootstrap(), group, "java")) {
            java.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> got = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            for (int i = 0; i < 300 && got.size() < 48 && System.nanoTime() < deadline; i++) {
                java.poll(Duration.ofMillis(100)).forEach(got::add);
            }
            assertTrue(java.poll(Duration.ofMillis(500)).isEmpty(), "more records than produced after the commits");
            assertEquals(48, got.size());
            for (int p = 0; p < PARTITIONS; p++) {
                int partition = p;
                List<Long> offsets = got.stream().filter(r -> r.partition() == partition).map(ConsumerRecord::offset).toList();
                assertEquals(12, offsets.size(), "partition " + p + ": " + offsets);
                assertEquals(10L, offsets.get(0), "partition " + p + " did not resume at kcat's commit");
                assertEquals(21L, offsets.get(11));
            }
        }
    }

    // Offsets pass both ways between librdkafka and the Java client: kcat -e commits what it read before exiting,
    // the Java consumer resumes there and commits, and the next kcat run starts where Java stopped.
    @Test
    void kcatAndJavaResumeFromEachOthersCommits() throws Exception {
        String topic = "rd-resume";
        String group = "rd-resume-group";
        GroupClients.createTopic(admin, topic, PARTITIONS);
        produceToEach(topic, 5); // offsets 0..4
        Kcat first = new Kcat("kcat-first", group, topic, "-e");
        assertEquals(0, first.awaitExit(), first.log());
        assertEquals(20, first.records().size(), first.log());
        assertEquals(Set.of(0, 1, 2, 3), first.partitions());
        assertEquals(Map.of(0, 5L, 1, 5L, 2, 5L, 3, 5L), GroupClients.committed(admin, group, topic));

        produceToEach(topic, 2); // offsets 5..6
        try (KafkaConsumer<String, String> java = GroupClients.consumer(broker.bootstrap(), group, "java-resume")) {
            java.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> got = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            for (int i = 0; i < 300 && got.size() < 8 && System.nanoTime() < deadline; i++) {
                java.poll(Duration.ofMillis(100)).forEach(got::add);
            }
            assertEquals(8, got.size());
            assertEquals(Set.of(5L, 6L), got.stream().map(ConsumerRecord::offset).collect(Collectors.toSet()));
            java.commitSync();
        }
        assertEquals(Map.of(0, 7L, 1, 7L, 2, 7L, 3, 7L), GroupClients.committed(admin, group, topic));

        produceToEach(topic, 1); // offset 7
        Kcat second = new Kcat("kcat-second", group, topic, "-e");
        assertEquals(0, second.awaitExit(), second.log());
        assertEquals(Set.of("0|7|p0-0", "1|7|p1-0", "2|7|p2-0", "3|7|p3-0"), Set.copyOf(second.records()), second.log());
        assertEquals(4, second.records().size());
        assertEquals(Map.of(0, 8L, 1, 8L, 2, 8L, 3, 8L), GroupClients.committed(admin, group, topic));
    }

    // One kcat member and one Java consumer in the same group split the topic 2+2 and each reads only its own.
    @Test
    void kcatAndJavaConsumerShareOneGroup() throws Exception {
        String topic = "rd-mixed";
        String group = "rd-mixed-group";
        GroupClients.createTopic(admin, topic, PARTITIONS);
        Kcat k = new Kcat("kcat-mixed", group, topic);
        try (KafkaConsumer<String, String> java = GroupClients.consumer(broker.bootstrap(), group, "java-mixed")) {
            java.subscribe(List.of(topic));
            Map<String, Set<Integer>> assigned = Map.of();
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            for (int i = 0; i < 400 && System.nanoTime() < deadline; i++) {
                java.poll(Duration.ofMillis(100)); // keeps the Java member in the rebalance
                if (i % 5 == 0) {
                    assigned = assignments(group);
                    if (assigned.keySet().equals(Set.of("kcat-mixed", "java-mixed"))
                            && Set.copyOf(assigned.values()).equals(rangeSplit())
                            && java.assignment().size() == 2) {
                        break;
                    }
                }
            }
            assertEquals(Set.of("kcat-mixed", "java-mixed"), assigned.keySet(), k.log());
            assertEquals(rangeSplit(), Set.copyOf(assigned.values()), k.log());
            Set<Integer> javaPartitions = java.assignment().stream().map(TopicPartition::partition)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(assigned.get("java-mixed"), javaPartitions);

            produceToEach(topic, 5);
            List<ConsumerRecord<String, String>> got = new ArrayList<>();
            deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            for (int i = 0; i < 300 && (got.size() < 10 || k.records().size() < 10) && System.nanoTime() < deadline; i++) {
                java.poll(Duration.ofMillis(100)).forEach(got::add);
            }
            assertEquals(10, got.size());
            assertEquals(javaPartitions, got.stream().map(ConsumerRecord::partition).collect(Collectors.toCollection(TreeSet::new)));
            assertEquals(10, k.records().size(), k.log());
            assertEquals(assigned.get("kcat-mixed"), k.partitions());
        }
    }
}
