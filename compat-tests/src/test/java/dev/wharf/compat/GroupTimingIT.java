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
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Timing the coordinator owes its members: the initial rebalance delay gathers members that start
 * together into one generation, and heartbeats alone keep a member that is slow between polls.
 */
@Exercises({ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH, ApiKeys.FIND_COORDINATOR, ApiKeys.JOIN_GROUP,
        ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.SYNC_GROUP, ApiKeys.DESCRIBE_GROUPS, ApiKeys.CREATE_TOPICS,
        ApiKeys.CONSUMER_GROUP_DESCRIBE})
class GroupTimingIT {
    @TempDir
    Path dir;

    private RunningBroker broker;
    private Admin admin;

    @BeforeEach
    void start() throws Exception {
        // group.initial.rebalance.delay.ms stays at its default of 3000
        // Kafka's default initial rebalance delay (3 s), which the baseline of an external broker turns off
        broker = new RunningBroker(dir, Map.of("offsets.topic.num.partitions", "5", "group.initial.rebalance.delay.ms", "3000"));
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
        admin.createTopics(List.of(new NewTopic("timed", 6, (short) 1))).all().get();
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

    // Three members that start together join a new group within group.initial.rebalance.delay.ms (3 s): the
    // first rebalance waits for all of them, so the group forms once, at generation 1, two partitions each.
    @Test
    @Timeout(60)
    void membersStartingTogetherFormOneGeneration() throws Exception {
        Set<TopicPartition> all = ConsumerGroupsIT.partitions("timed", 6);
        RecordLedger ledger = new RecordLedger();
        try (GroupMember a = GroupMember.create("a", broker.bootstrap(), "together", ledger, Map.of());
                GroupMember b = GroupMember.create("b", broker.bootstrap(), "together", ledger, Map.of());
                GroupMember c = GroupMember.create("c", broker.bootstrap(), "together", ledger, Map.of())) {
            List<GroupMember> three = List.of(a, b, c);
            three.forEach(m -> m.subscribe(List.of("timed")));
            long started = System.nanoTime();
            GroupMember.pollUntil(Duration.ofSeconds(30), three, () -> ConsumerGroupsIT.splitEvenly(three, all, 2));
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            for (GroupMember m : three) {
                assertEquals(1, m.generation(), m.toString());
                assertEquals(1, m.events.stream().filter(e -> e.startsWith("assigned")).count(), m.toString());
            }
            assertTrue(tookMs >= 2_500, "the first rebalance completed after " + tookMs + " ms, before the 3 s initial delay");
        }
    }

    // A member that does not poll for longer than its session timeout (but less than max.poll.interval.ms) stays in
    // the group: the consumer's heartbeat thread keeps it alive, and nobody's partitions move.
    @Test
    @Timeout(60)
    void heartbeatsKeepASlowMemberInTheGroup() throws Exception {
        Set<TopicPartition> all = ConsumerGroupsIT.partitions("timed", 6);
        RecordLedger ledger = new RecordLedger();
        Map<String, Object> sixSeconds = Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000",
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "30000");
        try (GroupMember slow = GroupMember.create("slow", broker.bootstrap(), "patient", ledger, sixSeconds);
                GroupMember quick = GroupMember.create("quick", broker.bootstrap(), "patient", ledger, sixSeconds)) {
            List<GroupMember> both = List.of(slow, quick);
            both.forEach(m -> m.subscribe(List.of("timed")));
            GroupMember.pollUntil(Duration.ofSeconds(30), both, () -> ConsumerGroupsIT.splitEvenly(both, all, 3));
            int generation = quick.generation();
            int slowEvents = slow.events.size();
            int quickEvents = quick.events.size();
            Set<TopicPartition> slowOwned = slow.owned();

            // slow does not poll for 9 s (1.5 session timeouts) while quick keeps polling
            await().pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                    .during(Duration.ofSeconds(9)).atMost(Duration.ofSeconds(15)).until(() -> {
                        quick.pollAndCommit();
                        return quick.events.size() == quickEvents && quick.generation() == generation;
                    });
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of("patient")).describedGroups().get("patient").get();
            assertEquals(GroupState.STABLE, d.groupState());
            assertEquals(2, d.members().size());
            GroupMember.pollUntil(Duration.ofSeconds(5), both, () -> true);
            assertEquals(slowEvents, slow.events.size(), slow.toString());
            assertEquals(slowOwned, slow.owned());
            assertEquals(generation, slow.generation());
        }
    }
}
