package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Static membership (KIP-345, {@code group.instance.id}): a member that restarts within its session
 * timeout gets its partitions back without a rebalance, and a second live instance with the same id
 * fences the first.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH, ApiKeys.FIND_COORDINATOR,
        ApiKeys.JOIN_GROUP, ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.SYNC_GROUP, ApiKeys.DESCRIBE_GROUPS,
        ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID, ApiKeys.CONSUMER_GROUP_DESCRIBE})
class StaticMembershipIT {
    @TempDir
    Path dir;

    private RunningBroker broker;
    private Admin admin;

    @BeforeEach
    void start() throws Exception {
        broker = new RunningBroker(dir, ConsumerGroupsIT.GROUP_BROKER);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
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

    private static Map<String, Object> staticMember(String instanceId) {
        return Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId,
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
    }

    // A static member closes and a new consumer with the same group.instance.id comes back within the session
    // timeout: the other member sees no rebalance (no listener call, same generation), and the returning
    // instance gets the same partitions in the same generation.
    @Test
    @Timeout(90)
    void restartWithinSessionTimeoutCausesNoRebalance() throws Exception {
        admin.createTopics(List.of(new NewTopic("sensors", 4, (short) 1))).all().get();
        Set<TopicPartition> all = ConsumerGroupsIT.partitions("sensors", 4);
        RecordLedger ledger = new RecordLedger();
        ledger.produce(broker.bootstrap(), "sensors", 0, 200);
        try (GroupMember first = GroupMember.create("first", broker.bootstrap(), "statics", ledger, staticMember("instance-1"));
                GroupMember other = GroupMember.create("other", broker.bootstrap(), "statics", ledger, staticMember("instance-2"))) {
            List<GroupMember> both = List.of(first, other);
            both.forEach(m -> m.subscribe(List.of("sensors")));
            GroupMember.pollUntil(Duration.ofSeconds(30), both,
                    () -> ConsumerGroupsIT.splitEvenly(both, all, 2) && first.generation() == other.generation());
            int generation = other.generation();
            Set<TopicPartition> firstOwned = first.owned();
            Set<TopicPartition> otherOwned = other.owned();
            int otherEvents = other.events.size();
            ConsumerGroupDescription before = admin.describeConsumerGroups(List.of("statics")).describedGroups().get("statics").get();
            assertEquals(Set.of(Optional.of("instance-1"), Optional.of("instance-2")),
                    Set.copyOf(before.members().stream().map(MemberDescription::groupInstanceId).toList()));
            first.close(); // a static member does not send LeaveGroup: its session stays

            ledger.produce(broker.bootstrap(), "sensors", 200, 200);
            try (GroupMember second = GroupMember.create("second", broker.bootstrap(), "statics", ledger, staticMember("instance-1"))) {
                second.subscribe(List.of("sensors"));
                List<GroupMember> now = List.of(second, other);
                GroupMember.pollUntil(Duration.ofSeconds(20), now, () -> !second.owned().isEmpty());
                assertEquals(firstOwned, second.owned());
                assertEquals(generation, second.generation());
                // for a few heartbeat intervals more, nothing changes for the other member
                try {
                    await().pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                            .during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> {
                                second.pollAndCommit();
                                other.pollAndCommit();
                                return other.events.size() == otherEvents && other.generation() == generation
                                        && second.generation() == generation;
                            });
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("the other member saw a rebalance after the static restart: generation "
                            + generation + " -> " + other.generation() + ", listener " + other.events.subList(otherEvents, other.events.size()), e);
                }
                assertEquals(otherOwned, other.owned());
                assertEquals(firstOwned, second.owned());
                GroupMember.pollUntil(Duration.ofSeconds(20), now, () -> ledger.consumedCount() >= ledger.producedCount());
                ledger.assertEachConsumedExactlyOnce();
            }
        }
    }

    // Two live consumers with the same group.instance.id: the newer one takes the identity (and the partitions),
    // and the older one is fenced — FencedInstanceIdException from poll or commitSync.
    @Test
    @Timeout(90)
    void duplicateInstanceIdFencesTheOlderConsumer() throws Exception {
        admin.createTopics(List.of(new NewTopic("meters", 3, (short) 1))).all().get();
        Set<TopicPartition> all = ConsumerGroupsIT.partitions("meters", 3);
        RecordLedger ledger = new RecordLedger();
        ledger.produce(broker.bootstrap(), "meters", 0, 30);
        try (GroupMember older = GroupMember.create("older", broker.bootstrap(), "fenced", ledger, staticMember("the-one"));
                GroupMember newer = GroupMember.create("newer", broker.bootstrap(), "fenced", ledger, staticMember("the-one"))) {
            older.subscribe(List.of("meters"));
            GroupMember.pollUntil(Duration.ofSeconds(30), List.of(older), () -> older.owned().equals(all));
            newer.subscribe(List.of("meters"));
            GroupMember.pollUntil(Duration.ofSeconds(20), List.of(newer), () -> newer.owned().equals(all));

            AtomicReference<Exception> failure = new AtomicReference<>();
            await().pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(15))
                    .until(() -> {
                        try {
                            older.consumer.poll(GroupMember.POLL);
                            older.consumer.commitSync();
                        } catch (Exception e) {
                            failure.set(e);
                        }
                        return failure.get() != null;
                    });
            assertInstanceOf(FencedInstanceIdException.class, failure.get());

            // the newer instance is unaffected and keeps working
            ledger.produce(broker.bootstrap(), "meters", 30, 30);
            GroupMember.pollUntil(Duration.ofSeconds(20), List.of(newer), () -> ledger.perMember().getOrDefault("newer", 0) >= 30);
            assertEquals(all, newer.owned());
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of("fenced")).describedGroups().get("fenced").get();
            assertEquals(1, d.members().size());
            MemberDescription member = d.members().iterator().next();
            assertEquals(Optional.of("the-one"), member.groupInstanceId());
            assertEquals(newer.consumer.groupMetadata().memberId(), member.consumerId());
            assertNotEquals("", member.consumerId());
            assertTrue(newer.generation() > 0);
        }
    }

    // A static member closed with CloseOptions LEAVE_GROUP does leave (KIP-1092): the other member gets every
    // partition at once, well within the 10 s session timeout that would otherwise hold them.
    @Test
    @Timeout(60)
    void staticMemberLeavesWhenAskedTo() throws Exception {
        admin.createTopics(List.of(new NewTopic("gauges", 2, (short) 1))).all().get();
        Set<TopicPartition> all = ConsumerGroupsIT.partitions("gauges", 2);
        RecordLedger ledger = new RecordLedger();
        try (GroupMember leaving = GroupMember.create("leaving", broker.bootstrap(), "leavers", ledger, staticMember("leaving-1"));
                GroupMember staying = GroupMember.create("staying", broker.bootstrap(), "leavers", ledger, staticMember("staying-1"))) {
            List<GroupMember> both = List.of(leaving, staying);
            both.forEach(m -> m.subscribe(List.of("gauges")));
            GroupMember.pollUntil(Duration.ofSeconds(30), both, () -> ConsumerGroupsIT.splitEvenly(both, all, 1));
            leaving.consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            GroupMember.pollUntil(Duration.ofSeconds(6), List.of(staying), () -> staying.owned().equals(all));
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of("leavers")).describedGroups().get("leavers").get();
            assertEquals(List.of(Optional.of("staying-1")), d.members().stream().map(MemberDescription::groupInstanceId).toList());
        }
    }

    // AdminClient.removeMembersFromConsumerGroup removes a departed static member by group.instance.id at once
    // (no waiting for its session timeout): the remaining member gets its partitions. An unknown instance id is
    // reported as UnknownMemberIdException.
    @Test
    @Timeout(60)
    void adminRemovesAStaticMember() throws Exception {
        admin.createTopics(List.of(new NewTopic("dials", 2, (short) 1))).all().get();
        Set<TopicPartition> all = ConsumerGroupsIT.partitions("dials", 2);
        RecordLedger ledger = new RecordLedger();
        try (GroupMember gone = GroupMember.create("gone", broker.bootstrap(), "removals", ledger, staticMember("gone-1"));
                GroupMember staying = GroupMember.create("staying", broker.bootstrap(), "removals", ledger, staticMember("staying-1"))) {
            List<GroupMember> both = List.of(gone, staying);
            both.forEach(m -> m.subscribe(List.of("dials")));
            GroupMember.pollUntil(Duration.ofSeconds(30), both, () -> ConsumerGroupsIT.splitEvenly(both, all, 1));
            gone.close(); // static: stays in the group until its session times out
            assertEquals(2, admin.describeConsumerGroups(List.of("removals")).describedGroups().get("removals").get().members().size());

            RemoveMembersFromConsumerGroupResult removed = admin.removeMembersFromConsumerGroup("removals",
                    new RemoveMembersFromConsumerGroupOptions(List.of(new MemberToRemove("gone-1"))));
            removed.all().get();
            GroupMember.pollUntil(Duration.ofSeconds(6), List.of(staying), () -> staying.owned().equals(all));
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of("removals")).describedGroups().get("removals").get();
            assertEquals(List.of(Optional.of("staying-1")), d.members().stream().map(MemberDescription::groupInstanceId).toList());

            MemberToRemove nobody = new MemberToRemove("nobody");
            RemoveMembersFromConsumerGroupResult unknown = admin.removeMembersFromConsumerGroup("removals",
                    new RemoveMembersFromConsumerGroupOptions(List.of(nobody)));
            ExecutionException e = assertThrows(ExecutionException.class, () -> unknown.memberResult(nobody).get());
            assertInstanceOf(UnknownMemberIdException.class, e.getCause());
        }
    }
}
