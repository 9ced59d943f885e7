package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kafka-clients 4.4.0 consumers with {@code group.protocol=consumer} (KIP-848): the broker computes
 * the assignment, hands partitions over incrementally (no member gives up a partition it keeps),
 * evaluates regular-expression subscriptions, keeps a static member's partitions across a restart,
 * and converts an empty classic group to a consumer group and back, offsets kept. One broker for
 * the class; each test has its own topics and group.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH, ApiKeys.FIND_COORDINATOR,
        ApiKeys.JOIN_GROUP, ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.SYNC_GROUP, ApiKeys.DESCRIBE_GROUPS,
        ApiKeys.LIST_GROUPS, ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID, ApiKeys.CREATE_PARTITIONS,
        ApiKeys.CONSUMER_GROUP_HEARTBEAT, ApiKeys.CONSUMER_GROUP_DESCRIBE})
class ConsumerProtocolGroupsIT {
    /** The broker's heartbeat interval is short so that hand-overs take a second or two, not ten. */
    static final Map<String, String> BROKER = Map.of(
            "group.initial.rebalance.delay.ms", "0",
            "offsets.topic.num.partitions", "5",
            "group.consumer.heartbeat.interval.ms", "500",
            "group.consumer.session.timeout.ms", "10000");
    static final Map<String, Object> CONSUMER_PROTOCOL = Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");

    @TempDir
    static Path dir;

    private static RunningBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = new RunningBroker(dir, BROKER);
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

    private static GroupMember member(String name, String group, RecordLedger ledger, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(CONSUMER_PROTOCOL);
        config.putAll(extra);
        return GroupMember.create(name, broker.bootstrap(), group, ledger, config);
    }

    private static ConsumerGroupDescription describe(String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
    }

    private static void assertCommittedAtEnds(String group, GroupMember any, Set<TopicPartition> all) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, Long> ends = any.consumer.endOffsets(all);
        assertEquals(all, committed.keySet());
        for (TopicPartition tp : all) {
            assertEquals(ends.get(tp), committed.get(tp).offset(), tp.toString());
        }
    }

    // Three members split six partitions 2+2+2; when one leaves, the other two take its partitions over without
    // ever being told to revoke one they keep, and every record is consumed exactly once.
    @Test
    @Timeout(90)
    void threeMembersSplitAndTheRestTakeOverWithoutRevokingWhatTheyKeep() throws Exception {
        GroupClients.createTopic(admin, "kip848-orders", 6);
        Set<TopicPartition> all = ConsumerGroupsIT.partitions("kip848-orders", 6);
        RecordLedger ledger = new RecordLedger();
        ledger.produce(broker.bootstrap(), "kip848-orders", 0, 600);
        try (GroupMember a = member("a", "kip848-orders-group", ledger, Map.of());
                GroupMember b = member("b", "kip848-orders-group", ledger, Map.of());
                GroupMember c = member("c", "kip848-orders-group", ledger, Map.of())) {
            List<GroupMember> three = List.of(a, b, c);
            three.forEach(m -> m.subscribe(List.of("kip848-orders")));
            GroupMember.pollUntil(Duration.ofSeconds(30), three, () -> ConsumerGroupsIT.splitEvenly(three, all, 2));
            ConsumerGroupDescription described = describe("kip848-orders-group");
            assertEquals(GroupType.CONSUMER, described.type());
            assertEquals(3, described.members().size());
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                three.forEach(GroupMember::pollAndCommit);
                return describe("kip848-orders-group").groupState() == GroupState.STABLE;
            });

            Map<GroupMember, Set<TopicPartition>> kept = Map.of(a, a.owned(), b, b.owned());
            Map<GroupMember, Integer> revocationsBefore = Map.of(a, a.revocations.size(), b, b.revocations.size());
            GroupMember.pollUntil(Duration.ofSeconds(10), List.of(c), () -> ledger.perMember().getOrDefault("c", 0) > 0);
            c.close();
            ledger.produce(broker.bootstrap(), "kip848-orders", 600, 600);
            List<GroupMember> two = List.of(a, b);
            GroupMember.pollUntil(Duration.ofSeconds(30), two,
                    () -> ConsumerGroupsIT.splitEvenly(two, all, 3) && ledger.consumedCount() >= ledger.producedCount());
            for (GroupMember m : two) {
                assertTrue(m.owned().containsAll(kept.get(m)), m + " lost a partition it had: " + kept.get(m));
                for (Set<TopicPartition> revoked : m.revocations.subList(revocationsBefore.get(m), m.revocations.size())) {
                    Set<TopicPartition> keptAndRevoked = new HashSet<>(revoked);
                    keptAndRevoked.retainAll(m.owned());
                    assertTrue(keptAndRevoked.isEmpty(), m + " was told to revoke partitions it keeps: " + keptAndRevoked);
                }
                assertTrue(m.listenerCommitFailures.isEmpty(), m.name + ": " + m.listenerCommitFailures);
            }
            ledger.assertEachConsumedExactlyOnce();
            assertCommittedAtEnds("kip848-orders-group", a, all);
            assertEquals(2, describe("kip848-orders-group").members().size());
        }
    }

    // consumer.subscribe(SubscriptionPattern): the broker evaluates the RE2J pattern, and a matching topic created
    // later is assigned too, while a topic that does not match is not; a partition added to a subscribed topic is
    // assigned as well.
    @Test
    @Timeout(60)
    void regexSubscriptionPicksUpTopicCreatedLater() throws Exception {
        GroupClients.createTopic(admin, "kip848-metrics-cpu", 2);
        RecordLedger ledger = new RecordLedger();
        ledger.produce(broker.bootstrap(), "kip848-metrics-cpu", 0, 50);
        try (GroupMember m = member("regex", "kip848-regex-group", ledger, Map.of())) {
            m.subscribe(new SubscriptionPattern("kip848-metrics-.*"));
            GroupMember.pollUntil(Duration.ofSeconds(20), List.of(m),
                    () -> m.owned().equals(ConsumerGroupsIT.partitions("kip848-metrics-cpu", 2)));
            GroupClients.createTopic(admin, "kip848-metrics-disk", 3);
            GroupClients.createTopic(admin, "kip848-other", 1);
            ledger.produce(broker.bootstrap(), "kip848-metrics-disk", 50, 60);
            Set<TopicPartition> both = new HashSet<>(ConsumerGroupsIT.partitions("kip848-metrics-cpu", 2));
            both.addAll(ConsumerGroupsIT.partitions("kip848-metrics-disk", 3));
            GroupMember.pollUntil(Duration.ofSeconds(30), List.of(m),
                    () -> m.owned().equals(both) && ledger.consumedCount() >= ledger.producedCount());
            // more partitions for a subscribed topic: a new group epoch, and the new partition is assigned
            admin.createPartitions(Map.of("kip848-metrics-cpu", NewPartitions.increaseTo(3))).all().get();
            Set<TopicPartition> grown = new HashSet<>(both);
            grown.add(new TopicPartition("kip848-metrics-cpu", 2));
            GroupMember.pollUntil(Duration.ofSeconds(30), List.of(m), () -> m.owned().equals(grown));
            ledger.produce(broker.bootstrap(), "kip848-metrics-cpu", 110, 60);
            GroupMember.pollUntil(Duration.ofSeconds(30), List.of(m), () -> ledger.consumedCount() >= ledger.producedCount());
            ledger.assertEachConsumedExactlyOnce();
            assertEquals(GroupState.STABLE, describe("kip848-regex-group").groupState());
        }
    }

    // A static member (group.instance.id) that restarts within its session gets its own partitions back, and
    // the other member is neither given them nor asked to revoke anything meanwhile.
    @Test
    @Timeout(60)
    void staticMemberRestartKeepsItsPartitions() throws Exception {
        GroupClients.createTopic(admin, "kip848-static", 4);
        Set<TopicPartition> all = ConsumerGroupsIT.partitions("kip848-static", 4);
        RecordLedger ledger = new RecordLedger();
        ledger.produce(broker.bootstrap(), "kip848-static", 0, 200);
        Map<String, Object> one = Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-1");
        Map<String, Object> two = Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-2");
        try (GroupMember s2 = member("s2", "kip848-static-group", ledger, two)) {
            Set<TopicPartition> first;
            int s2Events;
            Set<TopicPartition> s2Owned;
            try (GroupMember s1 = member("s1", "kip848-static-group", ledger, one)) {
                s1.subscribe(List.of("kip848-static"));
                s2.subscribe(List.of("kip848-static"));
                GroupMember.pollUntil(Duration.ofSeconds(30), List.of(s1, s2),
                        () -> ConsumerGroupsIT.splitEvenly(List.of(s1, s2), all, 2));
                first = s1.owned();
                s2Owned = s2.owned();
                s2Events = s2.events.size();
            } // s1 closes: a static member leaves "for now" and keeps its partitions for its session
            ledger.produce(broker.bootstrap(), "kip848-static", 200, 200);
            try (GroupMember s1Again = member("s1-again", "kip848-static-group", ledger, one)) {
                s1Again.subscribe(List.of("kip848-static"));
                GroupMember.pollUntil(Duration.ofSeconds(30), List.of(s1Again, s2),
                        () -> s1Again.owned().equals(first) && ledger.consumedCount() >= ledger.producedCount());
                assertEquals(s2Owned, s2.owned());
                assertEquals(s2Events, s2.events.size(), "s2 saw no rebalance: " + s2.events);
                ledger.assertEachConsumedExactlyOnce();
                ConsumerGroupDescription d = describe("kip848-static-group");
                assertEquals(2, d.members().size());
                assertTrue(d.members().stream().anyMatch(m -> "instance-1".equals(m.groupInstanceId().orElse(null))));
            }
        }
    }

    // An empty classic group becomes a consumer group when a group.protocol=consumer member joins (it resumes from
    // the classic group's commits), and an empty consumer group becomes classic again for a classic member.
    @Test
    @Timeout(90)
    void emptyClassicGroupConvertsToConsumerGroupAndBack() throws Exception {
        GroupClients.createTopic(admin, "kip848-convert", 3);
        Set<TopicPartition> all = ConsumerGroupsIT.partitions("kip848-convert", 3);
        RecordLedger ledger = new RecordLedger();
        ledger.produce(broker.bootstrap(), "kip848-convert", 0, 150);
        String group = "kip848-convert-group";
        try (GroupMember classic = GroupMember.create("classic", broker.bootstrap(), group, ledger, Map.of())) {
            classic.subscribe(List.of("kip848-convert"));
            GroupMember.pollUntil(Duration.ofSeconds(30), List.of(classic), () -> ledger.consumedCount() >= 150);
            assertEquals(GroupType.CLASSIC, describe(group).type());
        }
        ledger.produce(broker.bootstrap(), "kip848-convert", 150, 150);
        try (GroupMember modern = member("modern", group, ledger, Map.of())) {
            modern.subscribe(List.of("kip848-convert"));
            GroupMember.pollUntil(Duration.ofSeconds(30), List.of(modern),
                    () -> modern.owned().equals(all) && ledger.consumedCount() >= ledger.producedCount());
            ConsumerGroupDescription d = describe(group);
            assertEquals(GroupType.CONSUMER, d.type());
            assertEquals(1, d.members().size());
        }
        ledger.produce(broker.bootstrap(), "kip848-convert", 300, 150);
        try (GroupMember classicAgain = GroupMember.create("classic-again", broker.bootstrap(), group, ledger, Map.of())) {
            classicAgain.subscribe(List.of("kip848-convert"));
            GroupMember.pollUntil(Duration.ofSeconds(30), List.of(classicAgain),
                    () -> ledger.consumedCount() >= ledger.producedCount());
            assertEquals(GroupType.CLASSIC, describe(group).type());
            ledger.assertEachConsumedExactlyOnce();
            assertCommittedAtEnds(group, classicAgain, all);
        }
        List<GroupListing> listed = List.copyOf(admin.listGroups().all().get());
        assertTrue(listed.stream().anyMatch(g -> g.groupId().equals(group) && g.type().orElse(null) == GroupType.CLASSIC));
    }

    // kafka-consumer-groups (ConsumerGroupCommand 4.4.0): --list --type shows the consumer group as Consumer and a
    // classic group beside it as Classic; --describe --state and --members show the consumer group's assignor,
    // state and members, and --describe its offsets and owners.
    @Test
    @Timeout(90)
    void consumerGroupCommandShowsBothKinds() throws Exception {
        GroupClients.createTopic(admin, "kip848-cli", 4);
        RecordLedger ledger = new RecordLedger();
        ledger.produce(broker.bootstrap(), "kip848-cli", 0, 40);
        String group = "kip848-cli-group";
        try (GroupMember a = member("cli-a", group, ledger, Map.of());
                GroupMember b = member("cli-b", group, ledger, Map.of());
                GroupMember classic = GroupMember.create("cli-classic", broker.bootstrap(), "kip848-cli-classic", ledger,
                        Map.of())) {
            List<GroupMember> all = List.of(a, b, classic);
            all.forEach(m -> m.subscribe(List.of("kip848-cli")));
            Set<TopicPartition> partitions = ConsumerGroupsIT.partitions("kip848-cli", 4);
            GroupMember.pollUntil(Duration.ofSeconds(30), all, () -> ConsumerGroupsIT.splitEvenly(List.of(a, b), partitions, 2)
                    && classic.owned().equals(partitions) && ledger.perMember().getOrDefault("cli-classic", 0) >= 40
                    && ledger.consumedCount() >= 80);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                all.forEach(GroupMember::pollAndCommit);
                return describe(group).groupState() == GroupState.STABLE;
            });

            List<Map<String, String>> types = GroupClients.table(cli("--list", "--type"));
            assertEquals("Consumer", row(types, group).get("TYPE"), types.toString());
            assertEquals("Classic", row(types, "kip848-cli-classic").get("TYPE"), types.toString());
            List<Map<String, String>> states = GroupClients.table(cli("--list", "--state"));
            assertEquals("Stable", row(states, group).get("STATE"), states.toString());

            String state = cli("--describe", "--state", "--group", group);
            Map<String, String> s = GroupClients.table(state).get(0);
            assertEquals(List.of(group, "uniform", "Stable", "2"), List.of(s.get("GROUP"), s.get("ASSIGNMENT-STRATEGY"),
                    s.get("STATE"), s.get("#MEMBERS")), state);
            String members = cli("--describe", "--members", "--group", group);
            List<Map<String, String>> memberRows = GroupClients.table(members);
            assertEquals(Set.of(a.consumer.groupMetadata().memberId(), b.consumer.groupMetadata().memberId()),
                    Set.copyOf(memberRows.stream().map(r -> r.get("CONSUMER-ID")).toList()), members);
            assertTrue(memberRows.stream().allMatch(r -> "2".equals(r.get("#PARTITIONS"))), members);
            String offsets = cli("--describe", "--group", group);
            List<Map<String, String>> offsetRows = GroupClients.table(offsets);
            assertEquals(4, offsetRows.size(), offsets);
            assertTrue(offsetRows.stream().allMatch(r -> "0".equals(r.get("LAG"))), offsets);
        }
    }

    // Online migration: a group.protocol=consumer member joins a live classic group, which becomes a consumer
    // group; its classic members stay (served through JoinGroup, SyncGroup and Heartbeat), the partitions are
    // spread over all three; when the new member leaves, the group goes back to the classic protocol and the
    // classic members take its partitions back. Every record is consumed exactly once throughout.
    @Test
    @Timeout(90)
    void liveClassicGroupConvertsWhenANewProtocolMemberJoins() throws Exception {
        GroupClients.createTopic(admin, "kip848-online", 6);
        Set<TopicPartition> all = ConsumerGroupsIT.partitions("kip848-online", 6);
        RecordLedger ledger = new RecordLedger();
        ledger.produce(broker.bootstrap(), "kip848-online", 0, 300);
        String group = "kip848-online-group";
        try (GroupMember c1 = GroupMember.create("classic-1", broker.bootstrap(), group, ledger, Map.of());
                GroupMember c2 = GroupMember.create("classic-2", broker.bootstrap(), group, ledger, Map.of())) {
            List<GroupMember> classics = List.of(c1, c2);
            classics.forEach(m -> m.subscribe(List.of("kip848-online")));
            GroupMember.pollUntil(Duration.ofSeconds(30), classics, () -> ConsumerGroupsIT.splitEvenly(classics, all, 3)
                    && ledger.consumedCount() >= 300);
            assertEquals(GroupType.CLASSIC, describe(group).type());

            ledger.produce(broker.bootstrap(), "kip848-online", 300, 300);
            try (GroupMember modern = member("modern", group, ledger, Map.of())) {
                modern.subscribe(List.of("kip848-online"));
                List<GroupMember> three = List.of(c1, c2, modern);
                GroupMember.pollUntil(Duration.ofSeconds(40), three, () -> ConsumerGroupsIT.splitEvenly(three, all, 2)
                        && ledger.consumedCount() >= ledger.producedCount());
                ConsumerGroupDescription d = describe(group);
                assertEquals(GroupType.CONSUMER, d.type());
                assertEquals(3, d.members().size());
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    three.forEach(GroupMember::pollAndCommit);
                    return describe(group).groupState() == GroupState.STABLE;
                });
            } // the last member of the new protocol leaves: the group goes back to the classic protocol
            ledger.produce(broker.bootstrap(), "kip848-online", 600, 300);
            GroupMember.pollUntil(Duration.ofSeconds(40), classics, () -> ConsumerGroupsIT.splitEvenly(classics, all, 3)
                    && ledger.consumedCount() >= ledger.producedCount());
            assertEquals(GroupType.CLASSIC, describe(group).type());
            for (GroupMember m : classics) {
                assertTrue(m.listenerCommitFailures.isEmpty(), m.name + ": " + m.listenerCommitFailures);
            }
            ledger.assertEachConsumedExactlyOnce();
            assertCommittedAtEnds(group, c1, all);
        }
    }

    private static Map<String, String> row(List<Map<String, String>> rows, String group) {
        return rows.stream().filter(r -> group.equals(r.get("GROUP"))).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + group + " in " + rows));
    }

    private static String cli(String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-server";
        all[1] = broker.bootstrap();
        System.arraycopy(args, 0, all, 2, args.length);
        KafkaTool.Result r = KafkaTool.run("org.apache.kafka.tools.consumer.group.ConsumerGroupCommand", null, all);
        assertEquals(0, r.exitCode(), "kafka-consumer-groups " + String.join(" ", args) + " failed:\n" + r.output());
        return r.output();
    }
}
