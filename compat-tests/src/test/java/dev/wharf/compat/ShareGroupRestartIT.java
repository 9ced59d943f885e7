package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A share group's state (start offset, acknowledged records, delivery counts) survives a broker restart. */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FIND_COORDINATOR, ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID,
        ApiKeys.SHARE_GROUP_HEARTBEAT, ApiKeys.SHARE_GROUP_DESCRIBE, ApiKeys.SHARE_FETCH, ApiKeys.SHARE_ACKNOWLEDGE,
        ApiKeys.DESCRIBE_SHARE_GROUP_OFFSETS})
class ShareGroupRestartIT {
    private static final Map<String, String> FAST_HEARTBEATS = Map.of("group.share.heartbeat.interval.ms", "500");

    @TempDir
    Path dir;

    // Accepted records are not delivered again after a restart; the records held unacknowledged are, counted as a second delivery.
    @Test
    void acknowledgedRecordsStayDoneAcrossARestart() throws Exception {
        RunningBroker first = new RunningBroker(dir, FAST_HEARTBEATS);
        KafkaShareConsumer<String, String> gone;
        try {
            gone = acceptHalf(first.bootstrap());
        } finally {
            first.close(); // with records 10-19 still acquired by a consumer that never answers again
        }
        gone.close(Duration.ZERO);
        try (RunningBroker broker = new RunningBroker(dir, FAST_HEARTBEATS);
                Admin admin = GroupClients.admin(broker.bootstrap());
                KafkaShareConsumer<String, String> c = ShareClients.consumer(broker.bootstrap(), "keep", "after", true, 100)) {
            c.subscribe(List.of("durable"));
            GroupClients.produce(broker.bootstrap(), "durable", 0, 1, null, 0); // a marker at offset 20
            Map<Long, ConsumerRecord<String, String>> got = new TreeMap<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> r : ShareClients.poll(c)) {
                    got.put(r.offset(), r);
                    c.acknowledge(r, AcknowledgeType.ACCEPT);
                }
                return got.containsKey(20L) && got.size() >= 11;
            });
            c.commitSync();
            assertEquals(List.of(10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L), List.copyOf(got.keySet()));
            for (long o = 10; o < 20; o++) {
                assertEquals(2, got.get(o).deliveryCount().orElseThrow().intValue(), "delivery count of " + o);
            }
            assertEquals(1, got.get(20L).deliveryCount().orElseThrow().intValue());
            // all done with: no lag (as in Kafka, the stored start offset trails by one write of the state)
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(java.util.Optional.of(0L),
                    admin.listShareGroupOffsets(Map.of("keep", new ListShareGroupOffsetsSpec())).all().get().get("keep")
                    .get(new TopicPartition("durable", 0)).lag()));
        }
    }

    // Members are durable: consumers that live through a broker restart carry on in their epochs (no UNKNOWN_MEMBER_ID,
    // no rejoin: the group and member epochs are those from before) and every record is delivered exactly once.
    @Test
    void membersCarryOnAcrossARestart() throws Exception {
        try (BrokerProcess broker = new BrokerProcess(dir.resolve("restarting"), FAST_HEARTBEATS)) {
            broker.start();
            String bootstrap = broker.bootstrap();
            try (Admin admin = GroupClients.admin(bootstrap)) {
                GroupClients.createTopic(admin, "carry", 2);
                ShareClients.startAtEarliest(admin, "carriers", "carry", 2);
            }
            Map<String, Integer> counts = new TreeMap<>();
            try (KafkaShareConsumer<String, String> a = ShareClients.consumer(bootstrap, "carriers", "a", true, 100);
                    KafkaShareConsumer<String, String> b = ShareClients.consumer(bootstrap, "carriers", "b", true, 100)) {
                a.subscribe(List.of("carry"));
                b.subscribe(List.of("carry"));
                produceTo(bootstrap, 10);
                consumeUntil(List.of(a, b), counts, 20);
                Map<String, Integer> before;
                try (Admin admin = GroupClients.admin(bootstrap)) {
                    await().atMost(Duration.ofSeconds(20)).until(() -> epochs(admin).size() == 3); // group + both members
                    before = epochs(admin);
                }

                broker.restart();
                produceTo(bootstrap, 10);
                consumeUntil(List.of(a, b), counts, 40);
                try (Admin admin = GroupClients.admin(bootstrap)) {
                    assertEquals(before, epochs(admin), "the same members in the same epochs: none had to join again");
                }
            }
            assertEquals(40, counts.size());
            counts.forEach((record, times) -> assertEquals(1, times, record + " delivered " + times + " times"));
        }
    }

    /** The group's epoch ("group") and each member's, by client id; members only once they have an assignment. */
    private static Map<String, Integer> epochs(Admin admin) throws Exception {
        var group = admin.describeShareGroups(List.of("carriers")).all().get().get("carriers");
        Map<String, Integer> out = new TreeMap<>();
        out.put("group", group.groupEpoch());
        group.members().stream().filter(m -> !m.assignment().topicPartitions().isEmpty())
                .forEach(m -> out.put(m.clientId() + "/" + m.consumerId(), m.memberEpoch()));
        return out;
    }

    /** {@code count} records to each of the two partitions. */
    private static void produceTo(String bootstrap, int count) throws Exception {
        for (int p = 0; p < 2; p++) {
            GroupClients.produce(bootstrap, "carry", p, count, null, 0);
        }
    }

    /** Polls both consumers, accepting and committing all they get, until {@code total} distinct records came. */
    private static void consumeUntil(List<KafkaShareConsumer<String, String>> consumers, Map<String, Integer> counts,
            int total) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (KafkaShareConsumer<String, String> c : consumers) {
                List<ConsumerRecord<String, String>> got = ShareClients.poll(c);
                for (ConsumerRecord<String, String> r : got) {
                    counts.merge(r.partition() + "@" + r.offset(), 1, Integer::sum);
                    c.acknowledge(r, AcknowledgeType.ACCEPT);
                }
                if (!got.isEmpty()) {
                    c.commitSync();
                }
            }
            return counts.size() >= total;
        });
    }

    /** Twenty records, all acquired by one consumer which accepts the first ten and renews its lock on the rest. */
    private static KafkaShareConsumer<String, String> acceptHalf(String bootstrap) throws Exception {
        try (Admin admin = GroupClients.admin(bootstrap)) {
            GroupClients.createTopic(admin, "durable", 1);
            GroupClients.produce(bootstrap, "durable", 0, 20, null, 0);
            ShareClients.startAtEarliest(admin, "keep", "durable", 1);
        }
        KafkaShareConsumer<String, String> c = ShareClients.consumer(bootstrap, "keep", "before", true, 100);
        c.subscribe(List.of("durable"));
        Map<Long, ConsumerRecord<String, String>> got = new TreeMap<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            ShareClients.poll(c).forEach(r -> got.put(r.offset(), r));
            return got.size() >= 20;
        });
        got.values().forEach(r -> c.acknowledge(r, r.offset() < 10 ? AcknowledgeType.ACCEPT : AcknowledgeType.RENEW));
        c.commitSync();
        return c;
    }
}
