package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several kafka-clients 4.4.0 consumers (classic protocol) in one group: the coordinator splits the
 * partitions between them, hands a leaving member's partitions to the rest, and with commitSync
 * after processing every record is consumed exactly once across the group.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH,
        ApiKeys.FIND_COORDINATOR, ApiKeys.JOIN_GROUP, ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.SYNC_GROUP,
        ApiKeys.DESCRIBE_GROUPS, ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID, ApiKeys.CONSUMER_GROUP_DESCRIBE})
class ConsumerGroupsIT {
    static final Map<String, String> GROUP_BROKER = Map.of(
            "group.initial.rebalance.delay.ms", "0",
            "offsets.topic.num.partitions", "5");

    @TempDir
    Path dir;

    private RunningBroker broker;
    private Admin admin;

    @BeforeEach
    void start() throws Exception {
        broker = new RunningBroker(dir, GROUP_BROKER);
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

    static Set<TopicPartition> partitions(String topic, int count) {
        return IntStream.range(0, count).mapToObj(p -> new TopicPartition(topic, p)).collect(Collectors.toSet());
    }

    /** True when the members' partitions are disjoint, cover {@code all}, and each member holds {@code each}. */
    static boolean splitEvenly(List<GroupMember> members, Set<TopicPartition> all, int each) {
        Set<TopicPartition> union = new HashSet<>();
        int total = 0;
        for (GroupMember m : members) {
            Set<TopicPartition> owned = m.owned();
            if (owned.size() != each) {
                return false;
            }
            union.addAll(owned);
            total += owned.size();
        }
        return union.equals(all) && total == all.size();
    }

    // Three members get two of six partitions each; after one leaves cleanly the other two hold three each,
    // and every record produced before and during the hand-over is consumed exactly once, intact.
    @Test
    @Timeout(90)
    void membersSplitPartitionsAndTakeOverWithoutLossOrDuplicates() throws Exception {
        admin.createTopics(List.of(new NewTopic("orders", 6, (short) 1))).all().get();
        Set<TopicPartition> all = partitions("orders", 6);
        RecordLedger ledger = new RecordLedger();
        ledger.produce(broker.bootstrap(), "orders", 0, 900);

        try (GroupMember a = GroupMember.create("a", broker.bootstrap(), "order-processors", ledger, Map.of());
                GroupMember b = GroupMember.create("b", broker.bootstrap(), "order-processors", ledger, Map.of());
                GroupMember c = GroupMember.create("c", broker.bootstrap(), "order-processors", ledger, Map.of())) {
            List<GroupMember> three = List.of(a, b, c);
            three.forEach(m -> m.subscribe(List.of("orders")));
            GroupMember.pollUntil(Duration.ofSeconds(30), three, () -> splitEvenly(three, all, 2));
            int generation = a.generation();
            for (GroupMember m : three) {
                assertEquals(m.owned(), m.consumer.assignment(), m.name);
                assertEquals(generation, m.generation(), "all members are in one generation");
            }
            ConsumerGroupDescription described = admin.describeConsumerGroups(List.of("order-processors"))
                    .describedGroups().get("order-processors").get();
            assertEquals(GroupState.STABLE, described.groupState());
            assertEquals(3, described.members().size());

            // c handles one more batch, commits, and leaves; then more records arrive while the rest rebalance
            GroupMember.pollUntil(Duration.ofSeconds(10), List.of(c), () -> ledger.perMember().getOrDefault("c", 0) > 0);
            assertEquals(generation, c.generation());
            c.close();
            ledger.produce(broker.bootstrap(), "orders", 900, 600);
            List<GroupMember> two = List.of(a, b);
            GroupMember.pollUntil(Duration.ofSeconds(30), two,
                    () -> splitEvenly(two, all, 3) && ledger.consumedCount() >= ledger.producedCount());
            assertTrue(a.generation() > generation, "a rebalance followed c leaving");
            assertEquals(a.generation(), b.generation());
            for (GroupMember m : three) {
                assertTrue(m.listenerCommitFailures.isEmpty(), m.name + ": " + m.listenerCommitFailures);
            }
            ledger.assertEachConsumedExactlyOnce();

            // the group's committed offsets are exactly the ends of the partitions
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("order-processors")
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, Long> ends = a.consumer.endOffsets(all);
            assertEquals(all, committed.keySet());
            for (TopicPartition tp : all) {
                assertEquals(ends.get(tp), committed.get(tp).offset(), tp.toString());
            }
            described = admin.describeConsumerGroups(List.of("order-processors")).describedGroups().get("order-processors").get();
            assertEquals(2, described.members().size());
        }
    }

    // A member that dies without leaving (closed with REMAIN_IN_GROUP: no LeaveGroup) keeps its partitions until
    // its session times out; then the survivor takes them over from the committed offsets, losing nothing.
    @Test
    @Timeout(90)
    void crashedMemberIsEvictedAfterItsSessionTimeout() throws Exception {
        admin.createTopics(List.of(new NewTopic("jobs", 4, (short) 1))).all().get();
        Set<TopicPartition> all = partitions("jobs", 4);
        RecordLedger ledger = new RecordLedger();
        ledger.produce(broker.bootstrap(), "jobs", 0, 400);
        try (GroupMember survivor = GroupMember.create("survivor", broker.bootstrap(), "workers", ledger, Map.of());
                GroupMember doomed = GroupMember.create("doomed", broker.bootstrap(), "workers", ledger, Map.of())) {
            List<GroupMember> both = List.of(survivor, doomed);
            both.forEach(m -> m.subscribe(List.of("jobs")));
            GroupMember.pollUntil(Duration.ofSeconds(30), both, () -> splitEvenly(both, all, 2));
            GroupMember.pollUntil(Duration.ofSeconds(10), List.of(doomed), () -> ledger.perMember().getOrDefault("doomed", 0) > 0);
            Set<TopicPartition> survivorOwned = survivor.owned();
            int generation = survivor.generation();
            long crashed = System.nanoTime();
            doomed.consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                    .withTimeout(Duration.ZERO));

            // the session (10 s) has not expired: nothing moves yet
            await().pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                    .during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(8)).until(() -> {
                        survivor.pollAndCommit();
                        return survivor.owned().equals(survivorOwned) && survivor.generation() == generation;
                    });
            ledger.produce(broker.bootstrap(), "jobs", 400, 200);
            GroupMember.pollUntil(Duration.ofSeconds(30), List.of(survivor),
                    () -> survivor.owned().equals(all) && ledger.consumedCount() >= ledger.producedCount());
            long tookMs = (System.nanoTime() - crashed) / 1_000_000;
            assertTrue(tookMs >= 5_000, "partitions moved " + tookMs + " ms after the crash, before a 10 s session could expire");
            assertTrue(survivor.generation() > generation);
            ledger.assertEachConsumedExactlyOnce();
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of("workers")).describedGroups().get("workers").get();
            assertEquals(1, d.members().size());
            assertEquals(survivor.consumer.groupMetadata().memberId(), d.members().iterator().next().consumerId());
        }
    }

    // enable.auto.commit: positions are committed while polling and on close, so the next member of the group
    // starts where the previous one stopped; commitAsync reports success to its callback.
    @Test
    @Timeout(60)
    void autoCommitAndCommitAsync() throws Exception {
        admin.createTopics(List.of(new NewTopic("clicks", 2, (short) 1))).all().get();
        Set<TopicPartition> all = partitions("clicks", 2);
        RecordLedger ledger = new RecordLedger();
        ledger.produce(broker.bootstrap(), "clicks", 0, 100);
        Map<String, Object> autoCommit = Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true",
                ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG, "200");
        Map<TopicPartition, Long> ends;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                GroupMember.config(broker.bootstrap(), "auto", "auto-1", autoCommit), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("clicks"));
            ends = consumer.endOffsets(all);
            int[] count = {0};
            await().pollInSameThread().pollDelay(Duration.ZERO).atMost(Duration.ofSeconds(30)).until(() -> {
                count[0] += consumer.poll(GroupMember.POLL).count();
                if (count[0] < 100) {
                    return false;
                }
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("auto").partitionsToOffsetAndMetadata().get();
                return all.stream().allMatch(tp -> committed.get(tp) != null && committed.get(tp).offset() == ends.get(tp));
            });
            assertEquals(100, count[0]);
        }
        ledger.produce(broker.bootstrap(), "clicks", 100, 50);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                GroupMember.config(broker.bootstrap(), "auto", "auto-2", Map.of()), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("clicks"));
            List<Integer> seqs = new java.util.ArrayList<>();
            await().pollInSameThread().pollDelay(Duration.ZERO).atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(GroupMember.POLL).forEach(r -> seqs.add(Integer.parseInt(r.key().substring(2))));
                return seqs.size() >= 50;
            });
            assertEquals(IntStream.range(100, 150).boxed().collect(Collectors.toSet()), Set.copyOf(seqs));
            assertEquals(50, seqs.size());

            java.util.concurrent.CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> done = new java.util.concurrent.CompletableFuture<>();
            consumer.commitAsync((offsets, e) -> {
                if (e != null) {
                    done.completeExceptionally(e);
                } else {
                    done.complete(offsets);
                }
            });
            await().pollInSameThread().atMost(Duration.ofSeconds(20)).until(() -> {
                consumer.poll(Duration.ZERO); // callbacks run inside poll
                return done.isDone();
            });
            Map<TopicPartition, OffsetAndMetadata> async = done.get();
            Map<TopicPartition, Long> endsNow = consumer.endOffsets(all);
            for (TopicPartition tp : all) {
                assertEquals(endsNow.get(tp), async.get(tp).offset());
                assertEquals(endsNow.get(tp), consumer.committed(Set.of(tp)).get(tp).offset());
            }
        }
    }

    // A member that changes its subscription rejoins with new metadata and the group rebalances: the new topic's
    // partitions go to the only member subscribed to it, the shared topic stays split.
    @Test
    @Timeout(60)
    void subscriptionChangeRebalancesTheGroup() throws Exception {
        admin.createTopics(List.of(new NewTopic("shared", 2, (short) 1), new NewTopic("extra", 2, (short) 1))).all().get();
        RecordLedger ledger = new RecordLedger();
        Set<TopicPartition> shared = partitions("shared", 2);
        Set<TopicPartition> extra = partitions("extra", 2);
        try (GroupMember a = GroupMember.create("a", broker.bootstrap(), "changers", ledger, Map.of());
                GroupMember b = GroupMember.create("b", broker.bootstrap(), "changers", ledger, Map.of())) {
            List<GroupMember> both = List.of(a, b);
            both.forEach(m -> m.subscribe(List.of("shared")));
            GroupMember.pollUntil(Duration.ofSeconds(30), both, () -> splitEvenly(both, shared, 1));
            int generation = a.generation();
            a.subscribe(List.of("shared", "extra"));
            GroupMember.pollUntil(Duration.ofSeconds(30), both, () -> a.owned().containsAll(extra) && a.owned().size() == 3
                    && b.owned().size() == 1 && a.generation() == b.generation() && a.generation() > generation);
            Set<TopicPartition> union = new HashSet<>(a.owned());
            union.addAll(b.owned());
            Set<TopicPartition> expected = new HashSet<>(shared);
            expected.addAll(extra);
            assertEquals(expected, union);
            assertTrue(shared.containsAll(b.owned()));
        }
    }

    // Churn: while three members consume, a fourth joins and leaves cleanly three times and records keep arriving;
    // across all those generations every record is consumed exactly once.
    @Test
    @Timeout(90)
    void churnLosesAndDuplicatesNothing() throws Exception {
        admin.createTopics(List.of(new NewTopic("churn", 6, (short) 1))).all().get();
        Set<TopicPartition> all = partitions("churn", 6);
        RecordLedger ledger = new RecordLedger();
        ledger.produce(broker.bootstrap(), "churn", 0, 600);
        try (GroupMember a = GroupMember.create("a", broker.bootstrap(), "churners", ledger, Map.of());
                GroupMember b = GroupMember.create("b", broker.bootstrap(), "churners", ledger, Map.of());
                GroupMember c = GroupMember.create("c", broker.bootstrap(), "churners", ledger, Map.of())) {
            List<GroupMember> three = List.of(a, b, c);
            three.forEach(m -> m.subscribe(List.of("churn")));
            GroupMember.pollUntil(Duration.ofSeconds(30), three, () -> splitEvenly(three, all, 2));
            for (int round = 0; round < 3; round++) {
                String name = "visitor-" + round;
                try (GroupMember visitor = GroupMember.create(name, broker.bootstrap(), "churners", ledger, Map.of())) {
                    visitor.subscribe(List.of("churn"));
                    List<GroupMember> four = List.of(a, b, c, visitor);
                    GroupMember.pollUntil(Duration.ofSeconds(30), four, () -> !visitor.owned().isEmpty()
                            && four.stream().mapToInt(m -> m.owned().size()).sum() == all.size()
                            && four.stream().allMatch(m -> m.generation() == visitor.generation()));
                    ledger.produce(broker.bootstrap(), "churn", 600 + round * 200, 200);
                    GroupMember.pollUntil(Duration.ofSeconds(10), List.of(visitor), () -> ledger.perMember().getOrDefault(name, 0) > 0);
                    assertTrue(visitor.listenerCommitFailures.isEmpty(), visitor.listenerCommitFailures.toString());
                }
                GroupMember.pollUntil(Duration.ofSeconds(30), three, () -> splitEvenly(three, all, 2));
            }
            GroupMember.pollUntil(Duration.ofSeconds(30), three, () -> ledger.consumedCount() >= ledger.producedCount());
            for (GroupMember m : three) {
                assertTrue(m.listenerCommitFailures.isEmpty(), m.name + ": " + m.listenerCommitFailures);
            }
            ledger.assertEachConsumedExactlyOnce();
        }
    }

    // Groups are independent: two groups on one topic each consume every record once, and each has its own offsets.
    @Test
    @Timeout(60)
    void eachGroupConsumesEverything() throws Exception {
        admin.createTopics(List.of(new NewTopic("fanout", 3, (short) 1))).all().get();
        Set<TopicPartition> all = partitions("fanout", 3);
        RecordLedger first = new RecordLedger();
        RecordLedger second = new RecordLedger();
        first.produce(broker.bootstrap(), "fanout", 0, 300);
        second.expectSameAs(first);
        try (GroupMember f1 = GroupMember.create("f1", broker.bootstrap(), "first", first, Map.of());
                GroupMember f2 = GroupMember.create("f2", broker.bootstrap(), "first", first, Map.of());
                GroupMember s1 = GroupMember.create("s1", broker.bootstrap(), "second", second, Map.of())) {
            List<GroupMember> members = List.of(f1, f2, s1);
            members.forEach(m -> m.subscribe(List.of("fanout")));
            GroupMember.pollUntil(Duration.ofSeconds(30), members, () -> first.consumedCount() >= 300 && second.consumedCount() >= 300
                    && s1.owned().equals(all) && f1.owned().size() + f2.owned().size() == 3 && !f1.owned().isEmpty() && !f2.owned().isEmpty());
            first.assertEachConsumedExactlyOnce();
            second.assertEachConsumedExactlyOnce();
            Map<TopicPartition, Long> ends = s1.consumer.endOffsets(all);
            for (String group : List.of("first", "second")) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                assertEquals(all, committed.keySet(), group);
                all.forEach(tp -> assertEquals(ends.get(tp), committed.get(tp).offset(), group + " " + tp));
            }
        }
    }
}
