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
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * librdkafka in a KIP-848 consumer group (group.protocol=consumer). Debian's librdkafka (2.0, behind
 * kcat) predates KIP-848, so these members are Confluent's JavaScript client with librdkafka 2.15
 * ({@code compat-tests/node/install.sh}, which .ci/run runs; the client is found in
 * {@code $WHARF_LIBRDKAFKA_NODE}, default {@code ~/.cache/wharf/librdkafka-node}), each running
 * {@code compat-tests/node/kip848-consumer.js}: it commits every record before printing it, so
 * each record must show up exactly once across members and rebalances.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH, ApiKeys.FIND_COORDINATOR,
        ApiKeys.DESCRIBE_GROUPS, ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID, ApiKeys.CONSUMER_GROUP_HEARTBEAT,
        ApiKeys.CONSUMER_GROUP_DESCRIBE})
class LibrdkafkaConsumerGroupIT {
    private static final int PARTITIONS = 6;
    private static final Path CLIENT = Path.of(System.getenv().getOrDefault("WHARF_LIBRDKAFKA_NODE",
            System.getProperty("user.home") + "/.cache/wharf/librdkafka-node"), "node_modules");

    @TempDir
    Path dir;

    private RunningBroker broker;
    private Admin admin;
    private final List<Member> started = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        assertTrue(Files.isDirectory(CLIENT.resolve("@confluentinc/kafka-javascript")),
                "the librdkafka Node.js client is not installed: run compat-tests/node/install.sh (.ci/run does)");
        broker = new RunningBroker(dir, Map.of("offsets.topic.num.partitions", "5"));
        admin = GroupClients.admin(broker.bootstrap());
    }

    @AfterEach
    void stop() throws Exception {
        for (Member m : started) {
            m.close();
        }
        // what each member printed, kept for a failed run: target/librdkafka-members/<name>.out|err
        Path kept = Path.of("target", "librdkafka-members");
        Files.createDirectories(kept);
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".out") || f.toString().endsWith(".err")).toList()) {
                Files.copy(f, kept.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** One librdkafka member; its output goes to files so nothing blocks on a full pipe. */
    private final class Member implements AutoCloseable {
        private final Process process;
        private final Path out;
        private final Path err;

        Member(String name, String group, String topic) throws IOException {
            out = dir.resolve(name + ".out");
            err = dir.resolve(name + ".err");
            ProcessBuilder pb = new ProcessBuilder("node", Path.of("node", "kip848-consumer.js").toAbsolutePath().toString(),
                    broker.bootstrap(), group, topic, "120").redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().put("NODE_PATH", CLIENT.toString());
            process = pb.start();
            started.add(this);
        }

        private List<String> lines(String kind) throws IOException {
            return Files.readAllLines(out, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith(kind + " "))
                    .map(l -> l.substring(kind.length() + 1)).toList();
        }

        /** The records printed so far, as partition|offset|value. */
        List<String> records() throws IOException {
            return lines("record").stream().map(l -> l.replace(' ', '|')).toList();
        }

        /** The partitions it holds now: every one assigned and not revoked since. */
        Set<Integer> holds() throws IOException {
            Set<Integer> held = new TreeSet<>();
            for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
                boolean assigned = line.startsWith("assigned ");
                if (assigned || line.startsWith("revoked ")) {
                    for (int p : partitionsOf(line.substring(line.indexOf(' ') + 1))) {
                        if (assigned) {
                            held.add(p);
                        } else {
                            held.remove(p);
                        }
                    }
                }
            }
            return held;
        }

        /** Every revocation it was told of so far, in order. */
        List<String> revocations() throws IOException {
            return lines("revoked");
        }

        String log() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8);
        }

        /** Closes its stdin: it commits, leaves the group and exits; killed if it has not in 30 s. */
        @Override
        public void close() throws Exception {
            if (process.isAlive()) {
                process.getOutputStream().close();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static List<Integer> partitionsOf(String names) {
        List<Integer> out = new ArrayList<>();
        for (String n : names.split(",")) {
            if (!n.isBlank()) {
                out.add(Integer.parseInt(n.substring(n.lastIndexOf('-') + 1)));
            }
        }
        return out;
    }

    /** The stable group's members by member id with the partitions each is assigned; empty while it is not stable. */
    private Map<String, Set<Integer>> assignments(String group) throws Exception {
        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        if (d.groupState() != GroupState.STABLE) {
            return Map.of();
        }
        return d.members().stream().collect(Collectors.toMap(MemberDescription::consumerId, m -> m.assignment()
                .topicPartitions().stream().map(TopicPartition::partition).collect(Collectors.toCollection(TreeSet::new))));
    }

    private void produceToEach(String topic, int count) throws Exception {
        for (int p = 0; p < PARTITIONS; p++) {
            GroupClients.produce(broker.bootstrap(), topic, p, count, null, 0);
        }
    }

    /** partition|offset|value of every record produced: two rounds of 20 and 10 per partition. */
    private static Set<String> expected() {
        Set<String> all = new HashSet<>();
        for (int p = 0; p < PARTITIONS; p++) {
            for (int o = 0; o < 30; o++) {
                all.add(p + "|" + o + "|p" + p + "-" + (o < 20 ? o : o - 20));
            }
        }
        return all;
    }

    // Three librdkafka members split six partitions 2+2+2 as the broker assigns them; one leaves and
    // the other two take its partitions without giving up any of their own; every record once.
    @Test
    void threeMembersSplitSixPartitionsAndTakeOverFromOneThatLeaves() throws Exception {
        String topic = "rd848";
        String group = "rd848-group";
        GroupClients.createTopic(admin, topic, PARTITIONS);
        Member a = new Member("a", group, topic);
        Member b = new Member("b", group, topic);
        Member c = new Member("c", group, topic);
        List<Member> all = List.of(a, b, c);
        await("three members holding two partitions each").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> all.stream().allMatch(m -> {
                    try {
                        return m.holds().size() == 2;
                    } catch (IOException e) {
                        return false;
                    }
                }));
        assertEquals(GroupType.CONSUMER, admin.describeConsumerGroups(List.of(group)).all().get().get(group).type());
        await().atMost(Duration.ofSeconds(20)).until(() -> assignments(group).size() == 3);
        Set<Integer> union = new TreeSet<>();
        all.forEach(m -> {
            try {
                union.addAll(m.holds());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(Set.of(0, 1, 2, 3, 4, 5), union, "the three members' partitions cover the topic once");

        produceToEach(topic, 20);
        await("120 records consumed").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> a.records().size() + b.records().size() + c.records().size() >= 120);
        for (Member m : all) {
            Set<Integer> got = m.records().stream().map(r -> Integer.parseInt(r.split("\\|")[0])).collect(Collectors.toSet());
            assertEquals(m.holds(), got, m.log());
        }
        Set<Integer> bKept = b.holds();
        Set<Integer> aKept = a.holds();
        List<String> aRevoked = a.revocations();
        List<String> bRevoked = b.revocations();

        c.close();
        await("a and b hold all six partitions").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> a.holds().size() + b.holds().size() == 6);
        assertTrue(a.holds().containsAll(aKept) && b.holds().containsAll(bKept));
        // incremental: the survivors were only given c's partitions, never told to revoke any of theirs
        assertEquals(aRevoked, a.revocations(), "a gave up partitions when c left:\n" + a.log());
        assertEquals(bRevoked, b.revocations(), "b gave up partitions when c left:\n" + b.log());

        produceToEach(topic, 10); // offsets 20..29, valued p<partition>-0..9
        await("180 records consumed").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> a.records().size() + b.records().size() + c.records().size() >= 180);
        List<String> records = new ArrayList<>();
        all.forEach(m -> {
            try {
                records.addAll(m.records());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(180, records.size(), "a: " + a.log() + "\nb: " + b.log() + "\nc: " + c.log());
        assertEquals(expected(), Set.copyOf(records), "each record exactly once");
        await().atMost(Duration.ofSeconds(20)).until(() -> GroupClients.committed(admin, group, topic),
                Map.of(0, 30L, 1, 30L, 2, 30L, 3, 30L, 4, 30L, 5, 30L)::equals);
    }
}
