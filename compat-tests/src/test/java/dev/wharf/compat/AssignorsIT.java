package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client-side assignors run through the coordinator unchanged: the leader's plan reaches every
 * member (range, round-robin), and the cooperative protocol's two-step rebalance moves only the
 * partitions it has to (cooperative-sticky).
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH, ApiKeys.FIND_COORDINATOR,
        ApiKeys.JOIN_GROUP, ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.SYNC_GROUP, ApiKeys.DESCRIBE_GROUPS,
        ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID, ApiKeys.CONSUMER_GROUP_DESCRIBE})
class AssignorsIT {
    private static final TopicPartition L0 = new TopicPartition("left", 0);
    private static final TopicPartition L1 = new TopicPartition("left", 1);
    private static final TopicPartition L2 = new TopicPartition("left", 2);
    private static final TopicPartition R0 = new TopicPartition("right", 0);
    private static final TopicPartition R1 = new TopicPartition("right", 1);
    private static final TopicPartition R2 = new TopicPartition("right", 2);
    private static final Set<TopicPartition> ALL = Set.of(L0, L1, L2, R0, R1, R2);

    @TempDir
    Path dir;

    private RunningBroker broker;
    private Admin admin;

    @BeforeEach
    void start() throws Exception {
        broker = new RunningBroker(dir, ConsumerGroupsIT.GROUP_BROKER);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
        admin.createTopics(List.of(new NewTopic("left", 3, (short) 1), new NewTopic("right", 3, (short) 1))).all().get();
    }

    @AfterEach
    void stop() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private Set<Set<TopicPartition>> twoMemberSplit(String group, Class<?> assignor, String protocolName) throws Exception {
        RecordLedger ledger = new RecordLedger();
        Map<String, Object> extra = Map.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor.getName());
        try (GroupMember a = GroupMember.create("a", broker.bootstrap(), group, ledger, extra);
                GroupMember b = GroupMember.create("b", broker.bootstrap(), group, ledger, extra)) {
            List<GroupMember> both = List.of(a, b);
            both.forEach(m -> m.subscribe(List.of("left", "right")));
            GroupMember.pollUntil(Duration.ofSeconds(30), both,
                    () -> a.generation() > 0 && a.generation() == b.generation() && !a.owned().isEmpty() && !b.owned().isEmpty()
                            && union(both).equals(ALL) && a.owned().size() + b.owned().size() == ALL.size());
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
            assertEquals(protocolName, d.partitionAssignor());
            assertEquals(GroupState.STABLE, d.groupState());
            return Set.of(a.owned(), b.owned());
        }
    }

    private static Set<TopicPartition> union(List<GroupMember> members) {
        Set<TopicPartition> u = new HashSet<>();
        members.forEach(m -> u.addAll(m.owned()));
        return u;
    }

    // RangeAssignor: per topic, the first member (by member id) gets partitions 0 and 1, the second gets 2.
    @Test
    @Timeout(60)
    void rangeAssignor() throws Exception {
        assertEquals(Set.of(Set.of(L0, L1, R0, R1), Set.of(L2, R2)), twoMemberSplit("ranged", RangeAssignor.class, "range"));
    }

    // RoundRobinAssignor: all six partitions in order, dealt alternately to the two members.
    @Test
    @Timeout(60)
    void roundRobinAssignor() throws Exception {
        assertEquals(Set.of(Set.of(L0, L2, R1), Set.of(L1, R0, R2)),
                twoMemberSplit("dealt", RoundRobinAssignor.class, "roundrobin"));
    }

    // CooperativeStickyAssignor: when a third member joins, the two existing members keep the partitions they
    // still own (each gives up exactly the one it is told to revoke, never all), every partition ends up with
    // exactly one member, and every record is consumed exactly once across the hand-over.
    @Test
    @Timeout(90)
    void cooperativeStickyKeepsOwnedPartitions() throws Exception {
        RecordLedger ledger = new RecordLedger();
        ledger.produce(broker.bootstrap(), "left", 0, 300);
        ledger.produce(broker.bootstrap(), "right", 300, 300);
        Map<String, Object> extra = Map.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        try (GroupMember a = GroupMember.create("a", broker.bootstrap(), "sticky", ledger, extra);
                GroupMember b = GroupMember.create("b", broker.bootstrap(), "sticky", ledger, extra);
                GroupMember c = GroupMember.create("c", broker.bootstrap(), "sticky", ledger, extra)) {
            List<GroupMember> two = List.of(a, b);
            two.forEach(m -> m.subscribe(List.of("left", "right")));
            GroupMember.pollUntil(Duration.ofSeconds(30), two, () -> ConsumerGroupsIT.splitEvenly(two, ALL, 3));
            Set<TopicPartition> beforeA = a.owned();
            Set<TopicPartition> beforeB = b.owned();
            int eventsA = a.events.size();
            int eventsB = b.events.size();
            int revocationsA = a.revocations.size();
            int revocationsB = b.revocations.size();
            int generation = a.generation();

            c.subscribe(List.of("left", "right"));
            ledger.produce(broker.bootstrap(), "left", 600, 300);
            ledger.produce(broker.bootstrap(), "right", 900, 300);
            List<GroupMember> three = List.of(a, b, c);
            GroupMember.pollUntil(Duration.ofSeconds(40), three,
                    () -> ConsumerGroupsIT.splitEvenly(three, ALL, 2) && ledger.consumedCount() >= ledger.producedCount());

            assertTrue(beforeA.containsAll(a.owned()), "a kept its own partitions: before " + beforeA + " after " + a);
            assertTrue(beforeB.containsAll(b.owned()), "b kept its own partitions: before " + beforeB + " after " + b);
            Set<TopicPartition> gaveA = new HashSet<>(beforeA);
            gaveA.removeAll(a.owned());
            Set<TopicPartition> gaveB = new HashSet<>(beforeB);
            gaveB.removeAll(b.owned());
            assertEquals(List.of(gaveA), a.revocations.subList(revocationsA, a.revocations.size()),
                    "a is asked to revoke only the partition that moves: " + a.events.subList(eventsA, a.events.size()));
            assertEquals(List.of(gaveB), b.revocations.subList(revocationsB, b.revocations.size()),
                    "b is asked to revoke only the partition that moves: " + b.events.subList(eventsB, b.events.size()));
            Set<TopicPartition> moved = new HashSet<>(gaveA);
            moved.addAll(gaveB);
            assertEquals(moved, c.owned());
            assertTrue(a.generation() > generation);
            for (GroupMember m : three) {
                assertTrue(m.events.stream().noneMatch(e -> e.startsWith("lost")), m.toString());
                assertTrue(m.listenerCommitFailures.isEmpty(), m.name + ": " + m.listenerCommitFailures);
            }
            ledger.assertEachConsumedExactlyOnce();
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of("sticky")).describedGroups().get("sticky").get();
            assertEquals("cooperative-sticky", d.partitionAssignor());
            assertEquals(3, d.members().size());
        }
    }
}
