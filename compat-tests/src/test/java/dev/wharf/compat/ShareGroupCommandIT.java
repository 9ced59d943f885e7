package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kafka-share-groups (ShareGroupCommand) and Admin's share-group calls against a share group in use. */
@Exercises({ApiKeys.PRODUCE, ApiKeys.OFFSET_COMMIT, ApiKeys.FIND_COORDINATOR, ApiKeys.LIST_GROUPS,
        ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID, ApiKeys.DELETE_GROUPS, ApiKeys.SHARE_GROUP_HEARTBEAT,
        ApiKeys.SHARE_GROUP_DESCRIBE, ApiKeys.SHARE_FETCH, ApiKeys.SHARE_ACKNOWLEDGE,
        ApiKeys.DESCRIBE_SHARE_GROUP_OFFSETS, ApiKeys.ALTER_SHARE_GROUP_OFFSETS, ApiKeys.DELETE_SHARE_GROUP_OFFSETS})
class ShareGroupCommandIT {
    private static final String TOOL = "org.apache.kafka.tools.consumer.group.ShareGroupCommand";

    @TempDir
    static Path dir;
    static RunningBroker broker;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = new RunningBroker(dir, Map.of("group.share.heartbeat.interval.ms", "500"));
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

    private static String tool(String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-server";
        all[1] = broker.bootstrap();
        System.arraycopy(args, 0, all, 2, args.length);
        KafkaTool.Result r = KafkaTool.run(TOOL, null, all);
        assertEquals(0, r.exitCode(), "kafka-share-groups " + String.join(" ", args) + " failed:\n" + r.output());
        return r.output();
    }

    // --list, --describe (start offsets and lag), --members and --state of a live share group; Admin describes it alike.
    // As in Kafka 4.4, the stored start offset trails by one write of the share-partition's state (a write carries
    // the start offset from before the acknowledgement it persists), so once all is read the lag is 0 while the
    // start offset may still show where the last acknowledged run began.
    @Test
    void listAndDescribeALiveShareGroup() throws Exception {
        GroupClients.createTopic(admin, "described", 2);
        GroupClients.produce(broker.bootstrap(), "described", 0, 4, null, 0);
        GroupClients.produce(broker.bootstrap(), "described", 1, 6, null, 0);
        ShareClients.startAtEarliest(admin, "watched", "described", 2);
        try (KafkaShareConsumer<String, String> c = ShareClients.consumer(broker.bootstrap(), "watched", "watcher", false, 100)) {
            c.subscribe(List.of("described"));
            int[] seen = {0};
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                seen[0] += ShareClients.poll(c).size();
                return seen[0] >= 10;
            });
            ShareClients.poll(c); // accepts them
            c.commitSync();

            assertTrue(tool("--list").lines().anyMatch("watched"::equals), "--list");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String described = tool("--describe", "--group", "watched");
                List<Map<String, String>> rows = GroupClients.table(described);
                assertEquals(2, rows.size(), described);
                for (Map<String, String> row : rows) {
                    assertEquals("described", row.get("TOPIC"), described);
                    long end = row.get("PARTITION").equals("0") ? 4 : 6;
                    long start = Long.parseLong(row.get("START-OFFSET"));
                    assertTrue(start >= 0 && start <= end, described);
                    assertEquals("0", row.get("LAG"), described);
                }
            });
            String members = tool("--describe", "--members", "--group", "watched");
            List<Map<String, String>> memberRows = GroupClients.table(members);
            assertEquals(1, memberRows.size(), members);
            assertEquals("watcher", memberRows.get(0).get("CLIENT-ID"), members);
            String state = tool("--describe", "--state", "--group", "watched");
            assertEquals("Stable", GroupClients.table(state).get(0).get("STATE"), state);

            ShareGroupDescription d = admin.describeShareGroups(List.of("watched")).all().get().get("watched");
            assertEquals(GroupState.STABLE, d.groupState());
            assertEquals(1, d.members().size());
            assertEquals(Set.of(new TopicPartition("described", 0), new TopicPartition("described", 1)),
                    d.members().iterator().next().assignment().topicPartitions());
        }
    }

    // With the group empty: Admin alters the start offsets (the records come again), kafka-share-groups
    // --reset-offsets rewinds them, Admin deletes them, and deletes the group.
    @Test
    void alterDeleteOffsetsAndTheGroup() throws Exception {
        GroupClients.createTopic(admin, "altered", 1);
        GroupClients.produce(broker.bootstrap(), "altered", 0, 5, null, 0);
        ShareClients.startAtEarliest(admin, "rewound", "altered", 1);
        consumeAll("rewound", "altered", 5);
        TopicPartition tp = new TopicPartition("altered", 0);
        // all read: no lag (the stored start offset trails by one write, see above)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(java.util.Optional.of(0L),
                startOffsets("rewound").get(tp).lag()));

        admin.alterShareGroupOffsets("rewound", Map.of(tp, 2L)).all().get();
        assertEquals(2L, startOffsets("rewound").get(tp).startOffset());
        assertEquals(java.util.Optional.of(3L), startOffsets("rewound").get(tp).lag(), "offsets 2-4 to deliver");
        assertEquals(3, consumeAll("rewound", "altered", 3), "offsets 2-4 again");

        String reset = tool("--reset-offsets", "--group", "rewound", "--topic", "altered", "--to-earliest", "--execute");
        assertEquals(0L, startOffsets("rewound").get(tp).startOffset(), reset);

        admin.deleteShareGroupOffsets("rewound", Set.of("altered")).all().get();
        assertTrue(!startOffsets("rewound").containsKey(tp) || startOffsets("rewound").get(tp) == null,
                startOffsets("rewound").toString());
        admin.deleteShareGroups(List.of("rewound")).all().get();
        assertTrue(tool("--list").lines().noneMatch("rewound"::equals), "deleted group still listed");
    }

    private static Map<TopicPartition, SharePartitionOffsetInfo> startOffsets(String group) throws Exception {
        return admin.listShareGroupOffsets(Map.of(group, new ListShareGroupOffsetsSpec())).all().get().get(group);
    }

    /** One consumer reads (and accepts) {@code count} records, then leaves; returns how many it got. */
    private static int consumeAll(String group, String topic, int count) {
        try (KafkaShareConsumer<String, String> c = ShareClients.consumer(broker.bootstrap(), group, "once", false, 100)) {
            c.subscribe(List.of(topic));
            int[] seen = {0};
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                seen[0] += ShareClients.poll(c).size();
                return seen[0] >= count;
            });
            ShareClients.poll(c);
            c.commitSync();
            return seen[0];
        }
    }
}
