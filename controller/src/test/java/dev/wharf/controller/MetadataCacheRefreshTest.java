package dev.wharf.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another broker's cache following a topic's changes: a partition's state alone (read alone), then
 * its assignment and configs (read whole), against a real (embedded) ZooKeeper.
 */
class MetadataCacheRefreshTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void partitionStatesConfigsAndNewPartitionsReachAnotherBroker() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore writer = new ZkMetadataStore(zk.connectString(), 10_000, new BrokerInfo(0, "127.0.0.1", 9092));
                ZkMetadataStore reader = new ZkMetadataStore(zk.connectString(), 10_000, new BrokerInfo(1, "127.0.0.1", 9093))) {
            writer.start();
            reader.start();
            await().atMost(WAIT).until(() -> reader.liveBrokers().size() == 2);
            writer.createTopic("t", List.of(List.of(0, 1), List.of(0, 1), List.of(0, 1)), Map.of());
            await().atMost(WAIT).until(() -> reader.topic("t").isPresent());

            TopicInfo.PartitionInfo p1 = writer.topic("t").get().partitions().get(1);
            assertEquals(List.of(0), writer.alterIsr("t", 1, p1.leaderEpoch(), p1.partitionEpoch(), List.of(0)).orElseThrow().isr());
            await().atMost(WAIT).untilAsserted(() -> {
                TopicInfo seen = reader.topic("t").get();
                assertEquals(List.of(0), seen.partitions().get(1).isr());
                assertEquals(p1.partitionEpoch() + 1, seen.partitions().get(1).partitionEpoch());
                assertEquals(List.of(0, 1), seen.partitions().get(0).isr(), "the others as they were");
            });

            writer.setTopicConfigs("t", Map.of("retention.ms", "1000"));
            writer.addPartitions("t", List.of(List.of(1, 0)));
            await().atMost(WAIT).untilAsserted(() -> {
                TopicInfo seen = reader.topic("t").get();
                assertEquals(4, seen.partitions().size());
                assertEquals("1000", seen.configs().get("retention.ms"));
                assertEquals(List.of(0), seen.partitions().get(1).isr(), "still the state written before");
            });
            // read whole after the assignment changed, the topic's states are read alone again
            TopicInfo.PartitionInfo p2 = writer.topic("t").get().partitions().get(2);
            assertEquals(List.of(0), writer.alterIsr("t", 2, p2.leaderEpoch(), p2.partitionEpoch(), List.of(0)).orElseThrow().isr());
            await().atMost(WAIT).untilAsserted(() -> assertEquals(List.of(0), reader.topic("t").get().partitions().get(2).isr()));
        }
    }

    @Test
    void statePathsNameTheirPartition() {
        assertEquals(7, ZkData.statePartition("t", "/brokers/topics/t/partitions/7/state"));
        assertEquals(-1, ZkData.statePartition("t", "/brokers/topics/t/partitions/7"));
        assertEquals(-1, ZkData.statePartition("t", "/brokers/topics/t"));
        assertEquals(-1, ZkData.statePartition("t", "/config/topics/t"));
        assertEquals(-1, ZkData.statePartition("t", "/brokers/topics/t/partitions/x/state"));
    }
}
