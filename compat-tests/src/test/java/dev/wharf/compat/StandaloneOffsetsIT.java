package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetMetadataTooLarge;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commits from a consumer that uses assign() with a group.id (a "simple" group with no members):
 * they stay while the offset-expiry check runs often, are read back by any consumer of the group,
 * and the broker enforces offset.metadata.max.bytes.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH,
        ApiKeys.FIND_COORDINATOR, ApiKeys.JOIN_GROUP, ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.SYNC_GROUP,
        ApiKeys.DESCRIBE_GROUPS, ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID, ApiKeys.CONSUMER_GROUP_DESCRIBE})
class StandaloneOffsetsIT {
    @TempDir
    Path dir;

    private RunningBroker broker;
    private Admin admin;

    @BeforeEach
    void start() throws Exception {
        Map<String, String> config = new HashMap<>(ConsumerGroupsIT.GROUP_BROKER);
        config.put("offsets.retention.check.interval.ms", "200");
        config.put("offset.metadata.max.bytes", "100");
        broker = new RunningBroker(dir, config);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
        admin.createTopics(List.of(new NewTopic("solo", 2, (short) 1))).all().get();
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

    private KafkaConsumer<String, String> consumer(String clientId) {
        return new KafkaConsumer<>(GroupMember.config(broker.bootstrap(), "solo-group", clientId, Map.of()),
                new StringDeserializer(), new StringDeserializer());
    }

    // A standalone commit is not expired by the periodic expiry check (retention is days, the check runs every
    // 200 ms); another consumer of the group reads it back and resumes there; the group is a simple, Empty group.
    @Test
    @Timeout(60)
    void standaloneCommitStaysWhileExpiryChecksRun() throws Exception {
        TopicPartition s0 = new TopicPartition("solo", 0);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>("solo", 0, "k" + i, "v" + i));
            }
            producer.flush();
        }
        Map<TopicPartition, OffsetAndMetadata> commit = Map.of(s0, new OffsetAndMetadata(42, "kept"));
        try (KafkaConsumer<String, String> committer = consumer("committer")) {
            committer.assign(List.of(s0));
            committer.commitSync(commit);
            GroupOffsetsSigkillIT.assertSameOffsetsAndMetadata(commit, committer.committed(Set.of(s0)), "committed() right after commit");
        }
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() -> {
            Map<TopicPartition, OffsetAndMetadata> listed = admin.listConsumerGroupOffsets("solo-group").partitionsToOffsetAndMetadata().get();
            return listed.size() == 1 && listed.get(s0) != null && listed.get(s0).offset() == 42 && "kept".equals(listed.get(s0).metadata());
        });
        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of("solo-group")).describedGroups().get("solo-group").get();
        assertEquals(GroupState.EMPTY, d.groupState());
        assertTrue(d.isSimpleConsumerGroup(), d.toString());
        assertEquals(0, d.members().size());

        try (KafkaConsumer<String, String> reader = consumer("reader")) {
            reader.assign(List.of(s0));
            GroupOffsetsSigkillIT.assertSameOffsetsAndMetadata(commit, reader.committed(Set.of(s0)), "committed() from another consumer");
            long[] first = {-1};
            int[] count = {0};
            await().pollInSameThread().pollDelay(Duration.ZERO).atMost(Duration.ofSeconds(20)).until(() -> {
                for (ConsumerRecord<String, String> r : reader.poll(GroupMember.POLL)) {
                    if (first[0] < 0) {
                        first[0] = r.offset();
                    }
                    count[0]++;
                }
                return count[0] >= 8;
            });
            assertEquals(42, first[0]);
            assertEquals(8, count[0]);
        }
    }

    // Metadata up to offset.metadata.max.bytes is accepted; one byte more fails the commit with
    // OffsetMetadataTooLarge and leaves the previous commit in place.
    @Test
    @Timeout(60)
    void metadataLongerThanTheLimitIsRefused() throws Exception {
        TopicPartition s1 = new TopicPartition("solo", 1);
        try (KafkaConsumer<String, String> committer = consumer("limits")) {
            committer.assign(List.of(s1));
            Map<TopicPartition, OffsetAndMetadata> atLimit = Map.of(s1, new OffsetAndMetadata(5, "m".repeat(100)));
            committer.commitSync(atLimit);
            assertThrows(OffsetMetadataTooLarge.class,
                    () -> committer.commitSync(Map.of(s1, new OffsetAndMetadata(6, "m".repeat(101)))));
            GroupOffsetsSigkillIT.assertSameOffsetsAndMetadata(atLimit, committer.committed(Set.of(s1)), "committed() after the refused commit");
        }
    }

    // The leader epoch committed with an offset (OffsetCommit v6+) comes back from OffsetFetch, so a consumer resuming
    // there can check the log for truncation.
    @Test
    @Timeout(60)
    void committedLeaderEpochComesBack() throws Exception {
        TopicPartition s1 = new TopicPartition("solo", 1);
        try (KafkaConsumer<String, String> committer = consumer("epochs")) {
            committer.assign(List.of(s1));
            committer.commitSync(Map.of(s1, new OffsetAndMetadata(0, java.util.Optional.of(0), "epoch zero")));
            OffsetAndMetadata got = committer.committed(Set.of(s1)).get(s1);
            assertEquals(java.util.Optional.of(0), got.leaderEpoch());
            assertEquals("epoch zero", got.metadata());
            OffsetAndMetadata listed = admin.listConsumerGroupOffsets("solo-group").partitionsToOffsetAndMetadata().get().get(s1);
            assertEquals(java.util.Optional.of(0), listed.leaderEpoch());
        }
    }

    // OffsetFetch for chosen partitions: an uncommitted partition comes back as null (offset -1 on the wire), and one
    // ListConsumerGroupOffsets call for several groups (batched OffsetFetch, v8+) answers each group separately.
    @Test
    @Timeout(60)
    void offsetFetchForChosenPartitionsAndSeveralGroups() throws Exception {
        TopicPartition s0 = new TopicPartition("solo", 0);
        TopicPartition s1 = new TopicPartition("solo", 1);
        try (KafkaConsumer<String, String> committer = consumer("chooser")) {
            committer.assign(List.of(s0, s1));
            committer.commitSync(Map.of(s0, new OffsetAndMetadata(9, "nine")));
            Map<TopicPartition, OffsetAndMetadata> committed = committer.committed(Set.of(s0, s1));
            assertEquals(9, committed.get(s0).offset());
            assertEquals(null, committed.get(s1));
        }
        admin.alterConsumerGroupOffsets("other-group", Map.of(s1, new OffsetAndMetadata(4, "four"))).all().get();
        ListConsumerGroupOffsetsSpec both = new ListConsumerGroupOffsetsSpec().topicPartitions(List.of(s0, s1));
        ListConsumerGroupOffsetsResult result = admin.listConsumerGroupOffsets(Map.of("solo-group", both, "other-group", both));
        Map<String, Map<TopicPartition, OffsetAndMetadata>> all = result.all().get();
        assertEquals(Set.of("solo-group", "other-group"), all.keySet());
        Map<TopicPartition, OffsetAndMetadata> solo = all.get("solo-group");
        assertEquals(Set.of(s0, s1), solo.keySet());
        assertEquals(9, solo.get(s0).offset());
        assertEquals("nine", solo.get(s0).metadata());
        assertEquals(null, solo.get(s1));
        Map<TopicPartition, OffsetAndMetadata> other = all.get("other-group");
        assertEquals(Set.of(s0, s1), other.keySet());
        assertEquals(null, other.get(s0));
        assertEquals(4, other.get(s1).offset());
        assertEquals("four", other.get(s1).metadata());
    }
}
