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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A share group's state (start offset, acknowledged records, delivery counts) survives a broker restart. */
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
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(21L, admin.listShareGroupOffsets(
                    Map.of("keep", new ListShareGroupOffsetsSpec())).all().get().get("keep")
                    .get(new TopicPartition("durable", 0)).startOffset()));
        }
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
