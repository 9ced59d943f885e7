package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records held by a share consumer that stops answering go to another once their acquisition lock runs out. */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FIND_COORDINATOR, ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID,
        ApiKeys.SHARE_GROUP_HEARTBEAT, ApiKeys.SHARE_FETCH, ApiKeys.SHARE_ACKNOWLEDGE})
class ShareGroupLockExpiryIT {
    private static final long LOCK_MS = 2000;

    @TempDir
    static Path dir;
    static RunningBroker broker;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = new RunningBroker(dir, Map.of(
                "group.share.record.lock.duration.ms", Long.toString(LOCK_MS),
                "group.share.min.record.lock.duration.ms", "1000",
                "group.share.heartbeat.interval.ms", "500"));
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

    // A consumer that acquired records and went silent (no acknowledgement, no close): another gets them after the lock.
    @Test
    void silentConsumersRecordsAreRedeliveredAfterTheLock() throws Exception {
        GroupClients.createTopic(admin, "locked", 1);
        GroupClients.produce(broker.bootstrap(), "locked", 0, 10, null, 0);
        ShareClients.startAtEarliest(admin, "expiry", "locked", 1);
        try (KafkaShareConsumer<String, String> silent = ShareClients.consumer(broker.bootstrap(), "expiry", "silent", true, 100);
                KafkaShareConsumer<String, String> other = ShareClients.consumer(broker.bootstrap(), "expiry", "other", false, 100)) {
            silent.subscribe(List.of("locked"));
            Map<Long, ConsumerRecord<String, String>> held = new TreeMap<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                ShareClients.poll(silent).forEach(r -> held.put(r.offset(), r));
                return held.size() >= 10;
            });
            assertEquals(Integer.valueOf((int) LOCK_MS), silent.acquisitionLockTimeoutMs().orElseThrow());
            long acquiredAt = System.nanoTime();
            // the silent consumer is never polled again: it acknowledges nothing
            other.subscribe(List.of("locked"));
            Map<Long, ConsumerRecord<String, String>> got = new TreeMap<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                ShareClients.poll(other).forEach(r -> got.put(r.offset(), r));
                return got.size() >= 10;
            });
            long waitedMs = (System.nanoTime() - acquiredAt) / 1_000_000;
            assertEquals(held.keySet(), got.keySet());
            got.values().forEach(r -> assertEquals(2, r.deliveryCount().orElseThrow().intValue(), "offset " + r.offset()));
            assertTrue(waitedMs >= LOCK_MS - 500, "redelivered after " + waitedMs + " ms, before the lock ran out");
            ShareClients.poll(other); // accepts them
            other.commitSync();
        }
    }

    // A consumer closed with records it did not acknowledge: they go to another at once, no lock to wait for.
    @Test
    void recordsOfAClosedConsumerAreReleased() throws Exception {
        GroupClients.createTopic(admin, "closing", 1);
        GroupClients.produce(broker.bootstrap(), "closing", 0, 5, null, 0);
        ShareClients.startAtEarliest(admin, "close-group", "closing", 1);
        Map<Long, ConsumerRecord<String, String>> held = new TreeMap<>();
        try (KafkaShareConsumer<String, String> first = ShareClients.consumer(broker.bootstrap(), "close-group", "first", true, 100)) {
            first.subscribe(List.of("closing"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                ShareClients.poll(first).forEach(r -> held.put(r.offset(), r));
                return held.size() >= 5;
            });
        }
        try (KafkaShareConsumer<String, String> second = ShareClients.consumer(broker.bootstrap(), "close-group", "second", false, 100)) {
            second.subscribe(List.of("closing"));
            Map<Long, ConsumerRecord<String, String>> got = new TreeMap<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                ShareClients.poll(second).forEach(r -> got.put(r.offset(), r));
                return got.size() >= 5;
            });
            assertEquals(held.keySet(), got.keySet());
            got.values().forEach(r -> assertEquals(2, r.deliveryCount().orElseThrow().intValue(), "offset " + r.offset()));
        }
    }
}
