package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offsets a group committed (commitSync returned) survive a SIGKILL of the broker process: after a
 * restart on the same directories, the AdminClient and the consumer see the same offsets and
 * metadata strings, and a consumer in the group resumes exactly there.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH,
        ApiKeys.FIND_COORDINATOR, ApiKeys.JOIN_GROUP, ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.SYNC_GROUP,
        ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID})
class GroupOffsetsSigkillIT {
    private static final int PER_PARTITION = 50;

    @TempDir
    Path dir;

    // Committed offsets with their metadata are durable once commitSync returns, even if the broker is
    // SIGKILLed immediately after; a new member of the group resumes at exactly those offsets.
    @Test
    @Timeout(150)
    void committedOffsetsSurviveSigkill() throws Exception {
        TopicPartition p0 = new TopicPartition("ledger", 0);
        TopicPartition p1 = new TopicPartition("ledger", 1);
        TopicPartition p2 = new TopicPartition("ledger", 2);
        Set<TopicPartition> all = Set.of(p0, p1, p2);
        Map<TopicPartition, OffsetAndMetadata> commit = Map.of(
                p0, new OffsetAndMetadata(17, "meta-0"),
                p1, new OffsetAndMetadata(23, "métadonnées {\"batch\": 1}"),
                p2, new OffsetAndMetadata(PER_PARTITION, ""));

        try (BrokerProcess broker = new BrokerProcess(dir, ConsumerGroupsIT.GROUP_BROKER)) {
            broker.start();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
                    KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(), ProducerConfig.ACKS_CONFIG, "all"),
                            new StringSerializer(), new StringSerializer())) {
                admin.createTopics(List.of(new NewTopic("ledger", 3, (short) 1))).all().get();
                for (int p = 0; p < 3; p++) {
                    for (int i = 0; i < PER_PARTITION; i++) {
                        producer.send(new ProducerRecord<>("ledger", p, "p" + p + "-" + i, "v" + i));
                    }
                }
                producer.flush();
            }

            // no rebalance listener: nothing but the explicit commit below writes offsets
            KafkaConsumer<String, String> member = new KafkaConsumer<>(
                    GroupMember.config(broker.bootstrap(), "durable-group", "before-kill", Map.of()),
                    new StringDeserializer(), new StringDeserializer());
            try {
                member.subscribe(List.of("ledger"));
                await().pollInSameThread().pollDelay(Duration.ZERO).atMost(Duration.ofSeconds(30)).until(() -> {
                    member.poll(GroupMember.POLL);
                    return member.assignment().equals(all);
                });
                member.commitSync(commit);
                broker.sigkill(); // SIGKILL right after the commit was acknowledged
            } finally {
                member.close(CloseOptions.timeout(Duration.ZERO));
            }

            broker.start();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
                    KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()), new StringSerializer(), new StringSerializer());
                    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                            GroupMember.config(broker.bootstrap(), "durable-group", "after-restart", Map.of()),
                            new StringDeserializer(), new StringDeserializer())) {
                Map<TopicPartition, OffsetAndMetadata> listed = admin.listConsumerGroupOffsets("durable-group")
                        .partitionsToOffsetAndMetadata().get();
                assertSameOffsetsAndMetadata(commit, listed, "AdminClient.listConsumerGroupOffsets after SIGKILL");
                assertSameOffsetsAndMetadata(commit, consumer.committed(all), "KafkaConsumer.committed after SIGKILL");

                producer.send(new ProducerRecord<>("ledger", 2, "p2-" + PER_PARTITION, "after restart")).get();
                consumer.subscribe(List.of("ledger"));
                Map<TopicPartition, Long> firstOffset = new HashMap<>();
                int[] count = {0};
                int expected = (PER_PARTITION - 17) + (PER_PARTITION - 23) + 1;
                // the killed member may still be in the restored group until its session times out
                await().pollInSameThread().pollDelay(Duration.ZERO).atMost(Duration.ofSeconds(45)).until(() -> {
                    for (ConsumerRecord<String, String> r : consumer.poll(GroupMember.POLL)) {
                        firstOffset.putIfAbsent(new TopicPartition(r.topic(), r.partition()), r.offset());
                        count[0]++;
                    }
                    return count[0] >= expected;
                });
                assertEquals(Map.of(p0, 17L, p1, 23L, p2, (long) PER_PARTITION), firstOffset);
                assertEquals(expected, count[0]);
            }
        }
    }

    // SIGKILL while a consumer commits as fast as it can to a small, often-compacted __consumer_offsets: after the
    // restart the committed offset is the last acknowledged one (or the one in flight), never older, and a key
    // committed once before all those rewrites is still there.
    @Test
    @Timeout(150)
    void acknowledgedCommitsSurviveSigkillDuringCompaction() throws Exception {
        Map<String, String> config = new HashMap<>(ConsumerGroupsIT.GROUP_BROKER);
        config.put("offsets.topic.num.partitions", "1");
        config.put("offsets.topic.segment.bytes", "16384");
        config.put("log.cleaner.backoff.ms", "200"); // the cleaner keeps __consumer_offsets short
        TopicPartition hot = new TopicPartition("ticks", 0);
        TopicPartition cold = new TopicPartition("ticks", 1);
        AtomicInteger acked = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean committing = new java.util.concurrent.atomic.AtomicBoolean(true);
        int attempted;
        try (BrokerProcess broker = new BrokerProcess(dir, config)) {
            broker.start();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
                admin.createTopics(List.of(new NewTopic("ticks", 2, (short) 1))).all().get();
            }
            KafkaConsumer<String, String> committer = new KafkaConsumer<>(GroupMember.config(broker.bootstrap(), "ticker", "committer",
                    Map.of(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000", ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000")),
                    new StringDeserializer(), new StringDeserializer());
            Thread killer = new Thread(() -> {
                try {
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1))
                            .until(() -> acked.get() >= 1_500 || !committing.get());
                    broker.sigkill();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "broker-killer");
            try {
                committer.assign(List.of(hot, cold));
                committer.commitSync(Map.of(cold, new OffsetAndMetadata(7, "committed once, before the rewrites")));
                killer.start();
                int i = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (i < 1_000_000 && System.nanoTime() < deadline) {
                    i++;
                    try {
                        committer.commitSync(Map.of(hot, new OffsetAndMetadata(i, "tick " + i + " " + "p".repeat(60))));
                    } catch (KafkaException e) {
                        break; // the broker is gone
                    }
                    acked.set(i);
                }
                attempted = i;
                committing.set(false);
                killer.join(60_000);
            } finally {
                committer.close(CloseOptions.timeout(Duration.ZERO));
            }
            assertTrue(acked.get() >= 1_500, "commits acknowledged before the kill: " + acked.get());

            broker.start();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
                Map<TopicPartition, OffsetAndMetadata> listed = admin.listConsumerGroupOffsets("ticker").partitionsToOffsetAndMetadata().get();
                assertEquals(Set.of(hot, cold), listed.keySet(), listed.toString());
                long recovered = listed.get(hot).offset();
                System.out.printf("group offsets sigkill: %d commits acknowledged, %d attempted, %d recovered%n",
                        acked.get(), attempted, recovered);
                assertTrue(recovered >= acked.get() && recovered <= attempted,
                        "recovered " + recovered + ", acknowledged " + acked.get() + ", attempted " + attempted);
                assertEquals("tick " + recovered + " " + "p".repeat(60), listed.get(hot).metadata());
                assertEquals(7, listed.get(cold).offset());
                assertEquals("committed once, before the rewrites", listed.get(cold).metadata());
            }
        }
    }

    // A live group rides out a SIGKILL and restart of the broker: its members keep polling, consumption resumes,
    // no record is lost, and only records whose commit never succeeded may be delivered twice.
    @Test
    @Timeout(150)
    void groupKeepsConsumingAcrossASigkill() throws Exception {
        try (BrokerProcess broker = new BrokerProcess(dir, ConsumerGroupsIT.GROUP_BROKER)) {
            broker.start();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
                admin.createTopics(List.of(new NewTopic("stream", 4, (short) 1))).all().get();
            }
            Set<TopicPartition> all = ConsumerGroupsIT.partitions("stream", 4);
            RecordLedger ledger = new RecordLedger();
            ledger.produce(broker.bootstrap(), "stream", 0, 400);
            Map<String, Object> shortTimeouts = Map.of(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000",
                    ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
            try (GroupMember a = GroupMember.create("a", broker.bootstrap(), "riders", ledger, shortTimeouts);
                    GroupMember b = GroupMember.create("b", broker.bootstrap(), "riders", ledger, shortTimeouts)) {
                List<GroupMember> both = List.of(a, b);
                both.forEach(m -> {
                    m.tolerateCommitFailures = true;
                    m.subscribe(List.of("stream"));
                });
                GroupMember.pollUntil(Duration.ofSeconds(30), both,
                        () -> ConsumerGroupsIT.splitEvenly(both, all, 2) && ledger.consumedCount() >= 100);
                broker.sigkill();
                for (GroupMember m : both) {
                    m.pollAndCommit(); // polls against a dead broker
                }
                broker.start();
                ledger.produce(broker.bootstrap(), "stream", 400, 400);
                GroupMember.pollUntil(Duration.ofSeconds(60), both,
                        () -> ConsumerGroupsIT.splitEvenly(both, all, 2) && ledger.distinctConsumed() >= ledger.producedCount());
                Set<String> mayRepeat = new java.util.HashSet<>(a.mayRepeat);
                mayRepeat.addAll(b.mayRepeat);
                System.out.printf("group across sigkill: %d records, %d deliveries, %d may repeat; commit failures a=%s b=%s%n",
                        ledger.producedCount(), ledger.consumedCount(), mayRepeat.size(), a.commitFailures, b.commitFailures);
                ledger.assertEachConsumed(mayRepeat);
            }
        }
    }

    static void assertSameOffsetsAndMetadata(Map<TopicPartition, OffsetAndMetadata> expected,
            Map<TopicPartition, OffsetAndMetadata> actual, String what) {
        assertEquals(expected.keySet(), actual.keySet(), what + ": " + actual);
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : expected.entrySet()) {
            OffsetAndMetadata got = actual.get(e.getKey());
            assertNotNull(got, what + ": no offset for " + e.getKey());
            assertEquals(e.getValue().offset(), got.offset(), what + ": offset of " + e.getKey());
            assertEquals(e.getValue().metadata(), got.metadata(), what + ": metadata of " + e.getKey());
        }
    }
}
