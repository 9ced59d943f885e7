package dev.wharf.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dynamic broker configs in ZooKeeper: Kafka's znodes, followed by every broker, kept across restarts. */
class BrokerConfigStoreTest {
    @TempDir
    Path dir;

    // One broker writes the cluster default and a per-broker entity; the other hears both through
    // its watch, the znodes read as Kafka writes them, and a refused change writes nothing.
    @Test
    void writesKafkasZnodesAndEveryBrokerFollows() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore first = new ZkMetadataStore(zk.connectString(), 10_000, new BrokerInfo(0, "127.0.0.1", 9092));
                ZkMetadataStore second = new ZkMetadataStore(zk.connectString(), 10_000, new BrokerInfo(1, "127.0.0.1", 9093))) {
            first.start();
            second.start();
            Map<String, Map<String, String>> heard = new ConcurrentHashMap<>();
            second.subscribeBrokerConfigs((entity, configs) -> heard.put(entity, configs));

            first.updateBrokerConfigs("", c -> {
                c.put("log.retention.ms", "5000");
                return c;
            });
            first.updateBrokerConfigs("1", c -> {
                c.put("message.max.bytes", "2000");
                return c;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> Map.of("log.retention.ms", "5000").equals(heard.get(""))
                    && Map.of("message.max.bytes", "2000").equals(heard.get("1")));
            assertEquals(Map.of("message.max.bytes", "2000"), second.brokerConfigs("1"));

            try (CuratorFramework raw = CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(100))) {
                raw.start();
                assertEquals("{\"version\":1,\"config\":{\"log.retention.ms\":\"5000\"}}",
                        new String(raw.getData().forPath("/config/brokers/<default>"), StandardCharsets.UTF_8));
                // a change made straight in ZooKeeper (another tool) is followed too
                raw.setData().forPath("/config/brokers/1", "{\"version\":1,\"config\":{}}".getBytes(StandardCharsets.UTF_8));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> Map.of().equals(heard.get("1")));

            assertThrows(IllegalArgumentException.class, () -> first.updateBrokerConfigs("", c -> {
                throw new IllegalArgumentException("refused");
            }));
            assertEquals(Map.of("log.retention.ms", "5000"), first.brokerConfigs(""));
        }
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore again = new ZkMetadataStore(zk.connectString(), 10_000, new BrokerInfo(0, "127.0.0.1", 9092))) {
            again.start();
            Map<String, Map<String, String>> loaded = new HashMap<>();
            again.subscribeBrokerConfigs(loaded::put);
            assertEquals(Map.of("", Map.of("log.retention.ms", "5000")), loaded);
        }
    }
}
