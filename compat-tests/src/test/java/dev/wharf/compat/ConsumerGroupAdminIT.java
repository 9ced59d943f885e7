package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.DeleteConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupsOptions;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AdminClient's consumer-group operations against live and empty classic groups: list (with
 * state filters), describe, delete groups, delete offsets and alter offsets, with Kafka's errors
 * where Kafka refuses.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH,
        ApiKeys.FIND_COORDINATOR, ApiKeys.JOIN_GROUP, ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.SYNC_GROUP,
        ApiKeys.DESCRIBE_GROUPS, ApiKeys.LIST_GROUPS, ApiKeys.CREATE_TOPICS, ApiKeys.DELETE_TOPICS,
        ApiKeys.INIT_PRODUCER_ID, ApiKeys.DELETE_GROUPS, ApiKeys.OFFSET_DELETE, ApiKeys.CONSUMER_GROUP_DESCRIBE})
class ConsumerGroupAdminIT {
    private static final Set<TopicPartition> EVENTS = ConsumerGroupsIT.partitions("events", 4);

    @TempDir
    Path dir;

    private RunningBroker broker;
    private Admin admin;
    private RecordLedger ledger;

    @BeforeEach
    void start() throws Exception {
        broker = new RunningBroker(dir, ConsumerGroupsIT.GROUP_BROKER);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
        admin.createTopics(List.of(new NewTopic("events", 4, (short) 1), new NewTopic("other", 1, (short) 1))).all().get();
        ledger = new RecordLedger();
        ledger.produce(broker.bootstrap(), "events", 0, 200);
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

    private GroupMember member(String name, String group) {
        GroupMember m = GroupMember.create(name, broker.bootstrap(), group, ledger,
                Map.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName()));
        m.subscribe(List.of("events"));
        return m;
    }

    private ConsumerGroupDescription describe(String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
    }

    private Map<TopicPartition, OffsetAndMetadata> offsets(String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    }

    private void awaitEmpty(String group) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> describe(group).groupState() == GroupState.EMPTY);
    }

    private Set<String> listed(ListGroupsOptions options) throws Exception {
        return admin.listGroups(options).all().get().stream().map(GroupListing::groupId).collect(Collectors.toSet());
    }

    // listGroups / listConsumerGroups list live and offsets-only groups and filter them by state; describe shows
    // a live group's state, assignor, and each member's id, client id, host and assignment.
    @Test
    @Timeout(60)
    void listAndDescribeGroups() throws Exception {
        try (KafkaConsumer<String, String> solo = new KafkaConsumer<>(GroupMember.config(broker.bootstrap(), "offsets-only", "solo", Map.of()),
                new StringDeserializer(), new StringDeserializer())) {
            solo.assign(List.of(new TopicPartition("other", 0)));
            solo.commitSync(Map.of(new TopicPartition("other", 0), new OffsetAndMetadata(0)));
        }
        try (GroupMember w1 = member("w1", "watchers"); GroupMember w2 = member("w2", "watchers")) {
            List<GroupMember> both = List.of(w1, w2);
            GroupMember.pollUntil(Duration.ofSeconds(30), both, () -> ConsumerGroupsIT.splitEvenly(both, EVENTS, 2));

            Map<String, GroupListing> all = admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get().stream()
                    .collect(Collectors.toMap(GroupListing::groupId, g -> g));
            assertEquals(Set.of("watchers", "offsets-only"), all.keySet());
            GroupListing watchers = all.get("watchers");
            assertEquals(Optional.of(GroupState.STABLE), watchers.groupState());
            assertEquals(Optional.of(GroupType.CLASSIC), watchers.type());
            assertEquals("consumer", watchers.protocol());
            assertFalse(watchers.isSimpleConsumerGroup());
            assertEquals(Optional.of(GroupState.EMPTY), all.get("offsets-only").groupState());
            assertTrue(all.get("offsets-only").isSimpleConsumerGroup());

            assertEquals(Set.of("watchers"), listed(ListGroupsOptions.forConsumerGroups().inGroupStates(Set.of(GroupState.STABLE))));
            assertEquals(Set.of("offsets-only"), listed(ListGroupsOptions.forConsumerGroups().inGroupStates(Set.of(GroupState.EMPTY))));
            assertEquals(Set.of("watchers", "offsets-only"), listed(ListGroupsOptions.forConsumerGroups()
                    .inGroupStates(Set.of(GroupState.STABLE, GroupState.EMPTY))));
            assertEquals(Set.of(), listed(ListGroupsOptions.forConsumerGroups().inGroupStates(Set.of(GroupState.DEAD))));
            @SuppressWarnings({"deprecation", "removal"}) // listConsumerGroups is what most tools still call
            Set<String> stableConsumerGroups = admin.listConsumerGroups(new ListConsumerGroupsOptions().inGroupStates(Set.of(GroupState.STABLE)))
                    .all().get().stream().map(ConsumerGroupListing::groupId).collect(Collectors.toSet());
            assertEquals(Set.of("watchers"), stableConsumerGroups);

            ConsumerGroupDescription d = describe("watchers");
            assertEquals("watchers", d.groupId());
            assertEquals(GroupState.STABLE, d.groupState());
            assertEquals(GroupType.CLASSIC, d.type());
            assertEquals("range", d.partitionAssignor());
            assertFalse(d.isSimpleConsumerGroup());
            assertEquals(0, d.coordinator().id());
            assertEquals(2, d.members().size());
            for (GroupMember m : both) {
                MemberDescription md = d.members().stream().filter(x -> x.clientId().equals(m.name)).findFirst()
                        .orElseThrow(() -> new AssertionError("no member with client id " + m.name + " in " + d));
                assertEquals(m.consumer.groupMetadata().memberId(), md.consumerId());
                assertEquals(Optional.empty(), md.groupInstanceId());
                assertEquals("/127.0.0.1", md.host());
                assertEquals(m.owned(), md.assignment().topicPartitions());
            }
            ConsumerGroupDescription empty = describe("offsets-only");
            assertEquals(GroupState.EMPTY, empty.groupState());
            assertEquals(0, empty.members().size());
        }
        awaitEmpty("watchers");
        assertEquals(Set.of("watchers", "offsets-only"), listed(ListGroupsOptions.forConsumerGroups().inGroupStates(Set.of(GroupState.EMPTY))));
    }

    // deleteConsumerGroups refuses a group with members (GroupNotEmptyException), deletes it once it is empty
    // (its offsets go with it), and reports an unknown group as GroupIdNotFoundException.
    @Test
    @Timeout(60)
    void deleteGroups() throws Exception {
        try (GroupMember m = member("cleaner", "cleaners")) {
            GroupMember.pollUntil(Duration.ofSeconds(30), List.of(m), () -> m.owned().equals(EVENTS) && ledger.perMember().getOrDefault("cleaner", 0) > 0);
            assertFalse(offsets("cleaners").isEmpty());
            ExecutionException notEmpty = assertThrows(ExecutionException.class,
                    () -> admin.deleteConsumerGroups(List.of("cleaners")).all().get());
            assertInstanceOf(GroupNotEmptyException.class, notEmpty.getCause());
            assertEquals(GroupState.STABLE, describe("cleaners").groupState());
        }
        awaitEmpty("cleaners");
        admin.deleteConsumerGroups(List.of("cleaners")).all().get();
        assertEquals(Map.of(), offsets("cleaners"));
        assertFalse(listed(ListGroupsOptions.forConsumerGroups()).contains("cleaners"));
        ExecutionException gone = assertThrows(ExecutionException.class, () -> describe("cleaners"));
        assertInstanceOf(GroupIdNotFoundException.class, gone.getCause()); // DescribeGroups v6 (KIP-1043)
        ExecutionException unknown = assertThrows(ExecutionException.class,
                () -> admin.deleteConsumerGroups(List.of("never-existed")).all().get());
        assertInstanceOf(GroupIdNotFoundException.class, unknown.getCause());
    }

    // deleteConsumerGroupOffsets refuses a topic the active group subscribes to (GroupSubscribedToTopicException),
    // deletes offsets of a topic it does not subscribe to, and deletes any offsets once the group is empty.
    @Test
    @Timeout(60)
    void deleteGroupOffsets() throws Exception {
        TopicPartition e0 = new TopicPartition("events", 0);
        TopicPartition other = new TopicPartition("other", 0);
        try (GroupMember m = member("partial", "partials")) {
            GroupMember.pollUntil(Duration.ofSeconds(30), List.of(m), () -> m.owned().equals(EVENTS));
            Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
            EVENTS.forEach(tp -> commits.put(tp, new OffsetAndMetadata(3, "three")));
            commits.put(other, new OffsetAndMetadata(5, "not subscribed"));
            m.consumer.commitSync(commits);
            assertEquals(commits.keySet(), offsets("partials").keySet());

            DeleteConsumerGroupOffsetsResult subscribed = admin.deleteConsumerGroupOffsets("partials", Set.of(e0));
            ExecutionException refused = assertThrows(ExecutionException.class, () -> subscribed.partitionResult(e0).get());
            assertInstanceOf(GroupSubscribedToTopicException.class, refused.getCause());
            ExecutionException refusedAll = assertThrows(ExecutionException.class, () -> subscribed.all().get());
            assertInstanceOf(GroupSubscribedToTopicException.class, refusedAll.getCause());
            assertTrue(offsets("partials").containsKey(e0));

            admin.deleteConsumerGroupOffsets("partials", Set.of(other)).all().get();
            assertEquals(EVENTS, offsets("partials").keySet());
        }
        awaitEmpty("partials");
        admin.deleteConsumerGroupOffsets("partials", Set.of(e0)).all().get();
        Set<TopicPartition> rest = new java.util.HashSet<>(EVENTS);
        rest.remove(e0);
        assertEquals(rest, offsets("partials").keySet());
    }

    // alterConsumerGroupOffsets is refused while the group has members (UnknownMemberIdException, as in Kafka);
    // on the empty group it sets offsets and metadata, and the next member resumes exactly there.
    @Test
    @Timeout(60)
    void alterGroupOffsets() throws Exception {
        TopicPartition e0 = new TopicPartition("events", 0);
        TopicPartition e1 = new TopicPartition("events", 1);
        try (GroupMember m = member("reader", "rewinders")) {
            GroupMember.pollUntil(Duration.ofSeconds(30), List.of(m), () -> ledger.consumedCount() >= ledger.producedCount());
            ExecutionException active = assertThrows(ExecutionException.class, () -> admin.alterConsumerGroupOffsets("rewinders",
                    Map.of(e0, new OffsetAndMetadata(0))).all().get());
            assertInstanceOf(UnknownMemberIdException.class, active.getCause());
        }
        awaitEmpty("rewinders");
        Map<TopicPartition, Long> ends;
        try (KafkaConsumer<String, String> probe = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()),
                new StringDeserializer(), new StringDeserializer())) {
            ends = probe.endOffsets(EVENTS);
        }
        for (TopicPartition tp : EVENTS) {
            assertEquals(ends.get(tp), offsets("rewinders").get(tp).offset(), "committed end of " + tp);
        }
        Map<TopicPartition, OffsetAndMetadata> rewind = Map.of(e0, new OffsetAndMetadata(2, "rewound"), e1, new OffsetAndMetadata(0, "from the start"));
        admin.alterConsumerGroupOffsets("rewinders", rewind).all().get();
        Map<TopicPartition, OffsetAndMetadata> after = offsets("rewinders");
        GroupOffsetsSigkillIT.assertSameOffsetsAndMetadata(rewind, Map.of(e0, after.get(e0), e1, after.get(e1)), "after alter");
        assertEquals(EVENTS, after.keySet());
        for (TopicPartition missing : List.of(new TopicPartition("no-such-topic", 0), new TopicPartition("events", 99))) {
            ExecutionException unknown = assertThrows(ExecutionException.class, () -> admin.alterConsumerGroupOffsets("rewinders",
                    Map.of(missing, new OffsetAndMetadata(1))).partitionResult(missing).get());
            assertInstanceOf(UnknownTopicOrPartitionException.class, unknown.getCause(), missing.toString());
        }
        assertEquals(EVENTS, offsets("rewinders").keySet());

        long expected = (ends.get(e0) - 2) + ends.get(e1);
        try (KafkaConsumer<String, String> again = new KafkaConsumer<>(GroupMember.config(broker.bootstrap(), "rewinders", "again", Map.of()),
                new StringDeserializer(), new StringDeserializer())) {
            again.subscribe(List.of("events"));
            Map<TopicPartition, Long> first = new HashMap<>();
            long[] count = {0};
            await().pollInSameThread().pollDelay(Duration.ZERO).atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> r : again.poll(GroupMember.POLL)) {
                    first.putIfAbsent(new TopicPartition(r.topic(), r.partition()), r.offset());
                    count[0]++;
                }
                return count[0] >= expected;
            });
            assertEquals(expected, count[0]);
            assertEquals(Map.of(e0, 2L, e1, 0L), first);
        }
    }

    // Deleting a topic removes every group's committed offsets for it, as Kafka does, so a group reading a re-created
    // topic of the same name starts at auto.offset.reset rather than at the old topic's offsets (and skips nothing).
    @Test
    @Timeout(60)
    void deletingATopicRemovesItsCommittedOffsets() throws Exception {
        TopicPartition temp = new TopicPartition("temp", 0);
        TopicPartition e0 = new TopicPartition("events", 0);
        admin.createTopics(List.of(new NewTopic("temp", 1, (short) 1))).all().get();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(GroupMember.config(broker.bootstrap(), "temp-readers", "old", Map.of()),
                new StringDeserializer(), new StringDeserializer())) {
            c.assign(List.of(temp, e0));
            c.commitSync(Map.of(temp, new OffsetAndMetadata(5, "old topic"), e0, new OffsetAndMetadata(1, "kept")));
        }
        assertEquals(Set.of(temp, e0), offsets("temp-readers").keySet());
        admin.deleteTopics(List.of("temp")).all().get();
        try {
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !offsets("temp-readers").containsKey(temp));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("offsets of the deleted topic are still committed: " + offsets("temp-readers"), e);
        }
        GroupOffsetsSigkillIT.assertSameOffsetsAndMetadata(Map.of(e0, new OffsetAndMetadata(1, "kept")), offsets("temp-readers"),
                "the other topic's offsets");

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> admin.createTopics(List.of(new NewTopic("temp", 1, (short) 1))).all().get() == null);
        ledger.produce(broker.bootstrap(), "temp", 1_000, 10);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(GroupMember.config(broker.bootstrap(), "temp-readers", "new", Map.of()),
                new StringDeserializer(), new StringDeserializer())) {
            c.assign(List.of(temp));
            assertEquals(null, c.committed(Set.of(temp)).get(temp));
            List<Long> seen = new java.util.ArrayList<>();
            await().pollInSameThread().pollDelay(Duration.ZERO).atMost(Duration.ofSeconds(20)).until(() -> {
                c.poll(GroupMember.POLL).forEach(r -> seen.add(r.offset()));
                return seen.size() >= 10;
            });
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), seen);
        }
    }
}
