package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling restart of a three-broker cluster, each broker stopped with SIGTERM (a controlled
 * shutdown: its leadership, group coordination included, moves first) and started again, while an
 * idempotent acks=all producer and a consumer group committing after every poll run: neither sees
 * an error, nothing acknowledged is lost or written twice, and the group gets each record once.
 * The longest pause the producer saw is printed (README, Replication).
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.INIT_PRODUCER_ID})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RollingRestartIT {
    private static final Duration HEAL = Duration.ofSeconds(60);
    private static final int PARTITIONS = 3;

    @TempDir
    static Path dir;

    private Cluster cluster;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = Cluster.start(dir, 3, Map.of("leader.imbalance.check.interval.seconds", "3"));
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aRollingRestartIsInvisibleToClients() throws Exception {
        cluster.createReplicatedTopic("rolling", PARTITIONS, HEAL);
        GroupConsumer group = new GroupConsumer();
        long longestStallMs;
        Set<String> acked;
        try (VerifyingProducer producer = new VerifyingProducer(cluster.bootstrapServers(), "rolling", PARTITIONS, 300)) {
            producer.start();
            group.start();
            awaitAcked(producer, 300);
            for (int id = 1; id <= 3; id++) {
                long before = producer.acked().size();
                group.note("stopping broker " + id);
                cluster.broker(id).stop(); // SIGTERM: a controlled shutdown
                group.note("starting broker " + id);
                cluster.broker(id).start();
                cluster.awaitRegistered(HEAL);
                assertTrue(cluster.awaitFullIsr("rolling", HEAL), "the ISR of rolling did not fill again");
                assertTrue(cluster.awaitFullIsr("__consumer_offsets", HEAL), "the offsets topic did not heal");
                awaitAcked(producer, before + 300);
            }
            producer.close();
            assertEquals(0, producer.failed(), "sends failed during the rolling restart");
            acked = producer.acked();
            longestStallMs = producer.longestStallMs();
        }
        try {
            await().atMost(HEAL).until(() -> group.consumed.containsAll(acked));
        } finally {
            group.stop();
        }
        System.out.println("rolling restart: " + acked.size() + " records acknowledged, longest producer pause "
                + longestStallMs + " ms");
        if (!group.errors.isEmpty()) {
            System.out.println("consumer events: " + group.events);
            printGroupLines();
        }
        assertEquals(List.of(), group.errors, "errors the consumer group saw");
        assertEquals(List.of(), group.redelivered, "records the group was given twice");
        TopicContents.assertEveryAckedValueOnceInOrder(cluster.bootstrapServers(), "rolling", PARTITIONS, acked);
    }

    /** What the brokers logged about groups, to explain an error the consumer saw. */
    private void printGroupLines() throws IOException {
        for (BrokerProcess b : cluster.brokers()) {
            if (Files.exists(b.log())) {
                System.out.println("== " + b.log());
                Files.readAllLines(b.log()).stream()
                        .filter(l -> l.contains("group") || l.contains("consumer_offsets") || l.contains("controlled"))
                        .forEach(System.out::println);
            }
        }
    }

    private static void awaitAcked(VerifyingProducer producer, long count) {
        await().atMost(HEAL).until(() -> producer.acked().size() >= count);
    }

    /** A consumer group member on its own thread, committing synchronously after every poll that returned records. */
    private final class GroupConsumer {
        final Set<String> consumed = ConcurrentHashMap.newKeySet();
        final List<String> redelivered = Collections.synchronizedList(new ArrayList<>());
        final List<String> errors = Collections.synchronizedList(new ArrayList<>());
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread = new Thread(this::run, "rolling-group");

        void start() {
            thread.start();
        }

        void note(String event) {
            events.add(Instant.now() + " " + event);
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(TimeUnit.SECONDS.toMillis(40));
        }

        private void run() {
            try (KafkaConsumer<String, String> c = cluster.groupConsumer("rollers")) {
                c.subscribe(List.of("rolling"));
                while (running.get()) {
                    try {
                        var records = c.poll(Duration.ofMillis(200));
                        records.forEach(r -> {
                            if (!consumed.add(r.value())) {
                                redelivered.add(r.value());
                            }
                        });
                        if (!records.isEmpty()) {
                            c.commitSync(Duration.ofSeconds(30));
                        }
                    } catch (RuntimeException e) {
                        errors.add(e.toString());
                        note("error: " + e + " generation " + c.groupMetadata().generationId()
                                + " member " + c.groupMetadata().memberId());
                    }
                }
            }
        }
    }
}
