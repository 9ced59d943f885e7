package dev.wharf.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A leader's ISR changes: who may join the ISR, against a real (embedded) ZooKeeper. */
class IsrWritesTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final BrokerInfo B0 = new BrokerInfo(0, "127.0.0.1", 9092);
    private static final BrokerInfo B1 = new BrokerInfo(1, "127.0.0.1", 9093);

    @TempDir
    Path dir;

    // a broker in a controlled shutdown leaves the ISR and must not come back into it while it still fetches
    // (the bench's rolling restart: it did, and once it had stopped, acks=all writes waited for it ~40 s)
    @Test
    void aBrokerShuttingDownOrGoneMayNotJoinTheIsr() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore leader = new ZkMetadataStore(zk.connectString(), 10_000, B0)) {
            leader.start();
            ZkMetadataStore b1 = new ZkMetadataStore(zk.connectString(), 10_000, B1);
            b1.start();
            await().atMost(WAIT).until(() -> leader.liveBrokers().size() == 2);
            leader.createTopic("t", List.of(List.of(0, 1)), Map.of());
            await().atMost(WAIT).until(() -> leader.topic("t").isPresent());

            b1.announceShutdown(1);
            await().atMost(WAIT).until(() -> leader.topic("t").get().partitions().get(0).isr().equals(List.of(0)));
            TopicInfo.PartitionInfo p = leader.topic("t").get().partitions().get(0);
            assertTrue(leader.alterIsr("t", 0, p.leaderEpoch(), p.partitionEpoch(), List.of(0, 1)).isEmpty(),
                    "shutting down: refused");
            assertEquals(List.of(0), leader.topic("t").get().partitions().get(0).isr());

            b1.close();
            await().atMost(WAIT).until(() -> leader.liveBrokers().size() == 1);
            p = leader.topic("t").get().partitions().get(0);
            assertTrue(leader.alterIsr("t", 0, p.leaderEpoch(), p.partitionEpoch(), List.of(0, 1)).isEmpty(),
                    "not registered: refused");

            try (ZkMetadataStore back = new ZkMetadataStore(zk.connectString(), 10_000, B1)) {
                back.start();
                await().atMost(WAIT).until(() -> leader.liveBrokers().size() == 2 && leader.shuttingDown().isEmpty());
                TopicInfo.PartitionInfo now = leader.topic("t").get().partitions().get(0);
                assertEquals(List.of(0, 1), leader.alterIsr("t", 0, now.leaderEpoch(), now.partitionEpoch(), List.of(0, 1))
                        .orElseThrow().isr(), "back and caught up: it joins");
            }
        }
    }
}
