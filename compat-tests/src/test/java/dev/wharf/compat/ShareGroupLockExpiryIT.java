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
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records held by a share consumer that stops answering go to another once their acquisition lock runs out. */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FIND_COORDINATOR, ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID,
        ApiKeys.SHARE_GROUP_HEARTBEAT, ApiKeys.SHARE_FETCH, ApiKeys.SHARE_ACKNOWLEDGE,
        ApiKeys.INCREMENTAL_ALTER_CONFIGS})
class ShareGroupLockExpiryIT {
    /**
     * The groups' acquisition lock, set as the group config share.record.lock.duration.ms: 2 s on a
     * broker of the test's own (its group.share.min.record.lock.duration.ms lowered to 1 s), 15 s (the
     * lowest a group may set by default) on an external broker, which keeps its own minimum.
     */
    private static final long LOCK_MS = ExternalBroker.active() ? 15_000 : 2_000;

    @TempDir
    static Path dir;
    static RunningBroker broker;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = new RunningBroker(dir, ExternalBroker.active()
                ? Map.of("group.share.heartbeat.interval.ms", "500")
                : Map.of("group.share.min.record.lock.duration.ms", "1000", "group.share.heartbeat.interval.ms", "500"));
        admin = GroupClients.admin(broker.bootstrap());
    }

    /** The group's share-partitions of {@code topic} start at 0, with records locked for {@link #LOCK_MS}. */
    private static void startGroup(String group, String topic) throws Exception {
        ShareClients.startAtEarliest(admin, group, topic, 1);
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), List.of(new AlterConfigOp(
                new ConfigEntry("share.record.lock.duration.ms", Long.toString(LOCK_MS)), AlterConfigOp.OpType.SET))))
                .all().get();
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
        startGroup("expiry", "locked");
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
            await().atMost(Duration.ofMillis(LOCK_MS + 30_000)).until(() -> {
                ShareClients.poll(other).forEach(r -> got.put(r.offset(), r));
                return got.size() >= 10;
            });
            long waitedMs = (System.nanoTime() - acquiredAt) / 1_000_000;
            assertEquals(held.keySet(), got.keySet());
            // a redelivery (2), or 3 when the silent consumer's client, whose background fetch may still be out,
            // took them once more and let that lock run out too
            got.values().forEach(r -> assertTrue(r.deliveryCount().orElseThrow() >= 2, "offset " + r.offset()
                    + " delivered " + r.deliveryCount().orElseThrow() + " times"));
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
        startGroup("close-group", "closing");
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
