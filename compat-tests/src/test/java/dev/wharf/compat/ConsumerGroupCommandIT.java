package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kafka-consumer-groups.sh (ConsumerGroupCommand from kafka-tools 4.4.0, in its own JVM) against
 * groups of the 4.4.0 Java consumer: listing, describing offsets, members and state, resetting
 * offsets in every mode, deleting offsets and groups.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH,
        ApiKeys.JOIN_GROUP, ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.SYNC_GROUP, ApiKeys.DESCRIBE_GROUPS,
        ApiKeys.LIST_GROUPS, ApiKeys.CREATE_TOPICS, ApiKeys.DELETE_TOPICS, ApiKeys.INIT_PRODUCER_ID,
        ApiKeys.OFFSET_DELETE, ApiKeys.CONSUMER_GROUP_DESCRIBE})
class ConsumerGroupCommandIT {
    private static final String TOOL = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";

    @TempDir
    static Path dir;

    private static RunningBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = new RunningBroker(dir, Map.of("group.initial.rebalance.delay.ms", "0", "offsets.topic.num.partitions", "5"));
        admin = GroupClients.admin(broker.bootstrap());
    }

    @AfterAll
    static void stop() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static KafkaTool.Result run(String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-server";
        all[1] = broker.bootstrap();
        System.arraycopy(args, 0, all, 2, args.length);
        return KafkaTool.run(TOOL, null, all);
    }

    private static String tool(String... args) throws Exception {
        KafkaTool.Result r = run(args);
        assertEquals(0, r.exitCode(), "kafka-consumer-groups " + String.join(" ", args) + " failed:\n" + r.output());
        return r.output();
    }

    /** Runs the tool for a request the broker must refuse; the message matters, not the exit code. */
    private static String refusedTool(String... args) throws Exception {
        return run(args).output();
    }

    /** Polls until {@code count} records have arrived (bounded); returns them. */
    private static List<ConsumerRecord<String, String>> pollFor(KafkaConsumer<String, String> consumer, int count) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (int i = 0; i < 300 && records.size() < count && System.nanoTime() < deadline; i++) {
            consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        }
        assertEquals(count, records.size(), "records consumed");
        return records;
    }

    private static Map<String, String> row(List<Map<String, String>> rows, String column, String value) {
        return rows.stream().filter(r -> value.equals(r.get(column))).findFirst()
                .orElseThrow(() -> new AssertionError("no row with " + column + "=" + value + " in " + rows));
    }

    // --list, then --describe (offsets, lag and owners), --members and --state of a live group; a reset is
    // refused while the group has members.
    @Test
    void listAndDescribeLiveGroup() throws Exception {
        String topic = "described";
        String group = "live-group";
        GroupClients.createTopic(admin, topic, 2);
        GroupClients.produce(broker.bootstrap(), topic, 0, 10, null, 0);
        GroupClients.produce(broker.bootstrap(), topic, 1, 6, null, 0);
        try (KafkaConsumer<String, String> consumer = GroupClients.consumer(broker.bootstrap(), group, "live-client")) {
            consumer.subscribe(List.of(topic));
            pollFor(consumer, 16);
            consumer.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(7),
                    new TopicPartition(topic, 1), new OffsetAndMetadata(6)));
            String memberId = consumer.groupMetadata().memberId();

            assertTrue(tool("--list").lines().anyMatch(group::equals), "--list");
            String missing = refusedTool("--describe", "--group", "no-such-group");
            // Kafka 4 brokers answer DescribeGroups v6 with GROUP_ID_NOT_FOUND; older ones with state Dead
            assertTrue(missing.contains("GroupIdNotFoundException: Group no-such-group not found.")
                    || missing.contains("Consumer group 'no-such-group' does not exist."), missing);

            String described = tool("--describe", "--group", group);
            List<Map<String, String>> rows = GroupClients.table(described);
            assertEquals(2, rows.size(), described);
            Map<String, String> p0 = row(rows, "PARTITION", "0");
            assertEquals(List.of(group, topic, "7", "10", "3", memberId, "live-client"), List.of(p0.get("GROUP"), p0.get("TOPIC"),
                    p0.get("CURRENT-OFFSET"), p0.get("LOG-END-OFFSET"), p0.get("LAG"), p0.get("CONSUMER-ID"),
                    p0.get("CLIENT-ID")), described);
            assertTrue(p0.get("HOST").contains("127.0.0.1"), described);
            Map<String, String> p1 = row(rows, "PARTITION", "1");
            assertEquals(List.of("6", "6", "0", memberId), List.of(p1.get("CURRENT-OFFSET"), p1.get("LOG-END-OFFSET"),
                    p1.get("LAG"), p1.get("CONSUMER-ID")), described);

            String members = tool("--describe", "--members", "--group", group);
            List<Map<String, String>> memberRows = GroupClients.table(members);
            assertEquals(1, memberRows.size(), members);
            assertEquals(List.of(group, memberId, "live-client", "2"), List.of(memberRows.get(0).get("GROUP"),
                    memberRows.get(0).get("CONSUMER-ID"), memberRows.get(0).get("CLIENT-ID"),
                    memberRows.get(0).get("#PARTITIONS")), members);

            String state = tool("--describe", "--state", "--group", group);
            Map<String, String> s = GroupClients.table(state).get(0);
            assertEquals(List.of(group, "range", "Stable", "1"), List.of(s.get("GROUP"), s.get("ASSIGNMENT-STRATEGY"),
                    s.get("STATE"), s.get("#MEMBERS")), state);
            assertEquals(broker.bootstrap(), s.get("COORDINATOR"), state);

            String refused = refusedTool("--reset-offsets", "--group", group, "--topic", topic, "--to-earliest", "--execute");
            assertTrue(refused.contains("inactive"), refused);
            assertEquals(Map.of(0, 7L, 1, 6L), GroupClients.committed(admin, group, topic));
        }
    }

    // --reset-offsets in each mode: --dry-run prints the new offset and changes nothing, --execute commits exactly it.
    @Test
    void resetOffsets() throws Exception {
        String topic = "resettable";
        String group = "reset-group";
        GroupClients.createTopic(admin, topic, 1);
        // records 0..9 stamped one second apart, starting an hour ago on a whole second
        long t0 = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();
        GroupClients.produce(broker.bootstrap(), topic, 0, 10, t0, 1000);
        try (KafkaConsumer<String, String> consumer = GroupClients.consumer(broker.bootstrap(), group, "reset-client")) {
            consumer.subscribe(List.of(topic));
            pollFor(consumer, 10);
            consumer.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(6)));
        } // closed: the group is empty, so its offsets may be reset
        assertEquals(Map.of(0, 6L), GroupClients.committed(admin, group, topic));

        String datetime = Instant.ofEpochMilli(t0 + 4_500).toString(); // yyyy-MM-ddTHH:mm:ss.500Z
        long before = 6;
        Object[][] cases = {
            {new String[] {"--to-earliest"}, 0L},
            {new String[] {"--to-latest"}, 10L},
            {new String[] {"--to-offset", "3"}, 3L},
            {new String[] {"--shift-by", "2"}, 5L},
            {new String[] {"--shift-by", "-4"}, 1L},
            {new String[] {"--to-datetime", datetime}, 5L}, // the first record at or after t0 + 4.5 s
        };
        for (Object[] c : cases) {
            String[] mode = (String[]) c[0];
            long expected = (Long) c[1];
            List<String> args = new ArrayList<>(List.of("--reset-offsets", "--group", group, "--topic", topic));
            args.addAll(List.of(mode));

            args.add("--dry-run");
            String dry = tool(args.toArray(String[]::new));
            Map<String, String> planned = GroupClients.table(dry).get(0);
            assertEquals(List.of(group, topic, "0", Long.toString(expected)), List.of(planned.get("GROUP"), planned.get("TOPIC"),
                    planned.get("PARTITION"), planned.get("NEW-OFFSET")), String.join(" ", mode) + " --dry-run:\n" + dry);
            assertEquals(Map.of(0, before), GroupClients.committed(admin, group, topic), "--dry-run changed offsets");

            args.set(args.size() - 1, "--execute");
            String executed = tool(args.toArray(String[]::new));
            assertEquals(Long.toString(expected), GroupClients.table(executed).get(0).get("NEW-OFFSET"), executed);
            assertEquals(Map.of(0, expected), GroupClients.committed(admin, group, topic), String.join(" ", mode));
            before = expected;
        }

        // a consumer of the group resumes exactly at the reset position
        try (KafkaConsumer<String, String> consumer = GroupClients.consumer(broker.bootstrap(), group, "reset-client")) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> rest = pollFor(consumer, 5);
            assertEquals(List.of(5L, 6L, 7L, 8L, 9L), rest.stream().map(ConsumerRecord::offset).toList());
        }
    }

    // --delete is refused while the group has members; --delete-offsets removes one topic's offsets; --delete
    // removes an empty group with its remaining offsets.
    @Test
    void deleteOffsetsAndGroups() throws Exception {
        String group = "doomed-group";
        GroupClients.createTopic(admin, "doomed-a", 1);
        GroupClients.createTopic(admin, "doomed-b", 1);
        GroupClients.produce(broker.bootstrap(), "doomed-a", 0, 3, null, 0);
        GroupClients.produce(broker.bootstrap(), "doomed-b", 0, 4, null, 0);
        try (KafkaConsumer<String, String> consumer = GroupClients.consumer(broker.bootstrap(), group, "doomed-client")) {
            consumer.subscribe(List.of("doomed-a", "doomed-b"));
            pollFor(consumer, 7);
            consumer.commitSync();

            String refused = refusedTool("--delete", "--group", group);
            assertTrue(refused.contains("could not be deleted") && refused.contains("GroupNotEmptyException"), refused);
            assertEquals(Map.of(0, 3L), GroupClients.committed(admin, group, "doomed-a"));
        }

        String deletedOffsets = tool("--delete-offsets", "--group", group, "--topic", "doomed-a");
        Map<String, String> status = GroupClients.table(deletedOffsets, "TOPIC ").get(0);
        assertEquals(List.of("doomed-a", "0", "Successful"), List.of(status.get("TOPIC"), status.get("PARTITION"),
                status.get("STATUS")), deletedOffsets);
        assertEquals(Map.of(), GroupClients.committed(admin, group, "doomed-a"));
        assertEquals(Map.of(0, 4L), GroupClients.committed(admin, group, "doomed-b"));

        String deleted = tool("--delete", "--group", group);
        assertTrue(deleted.contains("Deletion of requested consumer groups ('" + group + "') was successful."), deleted);
        assertFalse(tool("--list").lines().anyMatch(group::equals), "the deleted group is still listed");
        assertEquals(Map.of(), GroupClients.committed(admin, group, "doomed-b"));
    }
}
