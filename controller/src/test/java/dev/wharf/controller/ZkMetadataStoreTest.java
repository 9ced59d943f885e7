package dev.wharf.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cluster metadata against a real (embedded) ZooKeeper server. */
class ZkMetadataStoreTest {
    @TempDir
    Path dir;

    private static final BrokerInfo BROKER = new BrokerInfo(0, "127.0.0.1", 9092);

    // A broker registers, becomes controller, creates topics; everything survives a full restart.
    @Test
    void metadataSurvivesRestart() throws Exception {
        String clusterId;
        TopicInfo created;
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore store = new ZkMetadataStore(zk.connectString(), 10_000, BROKER)) {
            store.start();
            assertTrue(store.isController());
            assertEquals(0, store.controllerId());
            assertEquals(List.of(BROKER), store.liveBrokers());
            clusterId = store.clusterId();
            assertEquals(22, clusterId.length());
            created = store.createTopic("orders", 3, 1, Map.of("retention.ms", "1000"));
            assertEquals(3, created.partitions().size());
            assertEquals(new TopicInfo.PartitionInfo(2, List.of(0), 0, 0, List.of(0)), created.partitions().get(2));
            assertThrows(TopicExistsException.class, () -> store.createTopic("orders", 1, 1, Map.of()));
            assertThrows(IllegalArgumentException.class, () -> store.createTopic("wide", 1, 2, Map.of()));
            store.createTopic("gone", 1, 1, Map.of());
            store.deleteTopic("gone");
        }
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore store = new ZkMetadataStore(zk.connectString(), 10_000, BROKER)) {
            store.start(); // the previous session's ephemeral nodes are replaced, not waited out
            assertEquals(clusterId, store.clusterId());
            assertTrue(store.isController());
            assertEquals(2, store.controllerEpoch());
            assertEquals(Map.of("orders", created), store.topics());
            TopicInfo updated = store.setTopicConfigs("orders", Map.of("retention.ms", "5000"));
            assertEquals("5000", updated.configs().get("retention.ms"));
        }
    }

    // A broker follows the topic changes the controller makes: creation, new partitions,
    // configs and deletion, looked up by name and by id.
    @Test
    void followsTopicChangesMadeByAnotherBroker() throws Exception {
        BrokerInfo second = new BrokerInfo(1, "127.0.0.1", 9093);
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore controller = new ZkMetadataStore(zk.connectString(), 10_000, BROKER);
                ZkMetadataStore follower = new ZkMetadataStore(zk.connectString(), 10_000, second)) {
            controller.start();
            follower.start();
            assertFalse(follower.isController());
            TopicInfo created = controller.createTopic("shared", 2, 1, Map.of("retention.ms", "1000"));
            await().atMost(Duration.ofSeconds(10)).until(() -> follower.topic("shared").equals(Optional.of(created)));
            assertEquals(Optional.of(created), follower.topic(created.id()));

            controller.addPartitions("shared", 4);
            await().atMost(Duration.ofSeconds(10)).until(() -> follower.topic("shared").get().partitions().size() == 4);
            controller.setTopicConfigs("shared", Map.of("retention.ms", "7"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> "7".equals(follower.topic("shared").get().configs().get("retention.ms")));

            controller.deleteTopic("shared");
            await().atMost(Duration.ofSeconds(10)).until(() -> follower.topic("shared").isEmpty());
            assertTrue(follower.topic(created.id()).isEmpty());
        }
    }

    // Replica lists given to the controller are written as given (the first replica leads) and
    // checked against the registered brokers; placement refuses brokers with and without racks mixed.
    @Test
    void explicitAssignmentsAndRacks() throws Exception {
        BrokerInfo racked = new BrokerInfo(1, List.of(new BrokerInfo.Endpoint("PLAINTEXT", "PLAINTEXT", "127.0.0.1", 9093)),
                Optional.of("r1"));
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore controller = new ZkMetadataStore(zk.connectString(), 10_000, BROKER);
                ZkMetadataStore follower = new ZkMetadataStore(zk.connectString(), 10_000, racked)) {
            controller.start();
            follower.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> controller.liveBrokers().equals(List.of(BROKER, racked)));
            assertEquals(Optional.of("r1"), follower.liveBrokers().get(1).rack());

            TopicInfo manual = controller.createTopic("manual", List.of(List.of(1, 0), List.of(0, 1)), Map.of());
            assertEquals(new TopicInfo.PartitionInfo(0, List.of(1, 0), 1, 0, List.of(1, 0)), manual.partitions().get(0));
            assertEquals(0, manual.partitions().get(1).leader());
            TopicInfo grown = controller.addPartitions("manual", List.of(List.of(1, 0)));
            assertEquals(new TopicInfo.PartitionInfo(2, List.of(1, 0), 1, 0, List.of(1, 0)), grown.partitions().get(2));
            await().atMost(Duration.ofSeconds(10)).until(() -> follower.topic("manual").equals(Optional.of(grown)));

            assertThrows(InvalidReplicaAssignmentException.class,
                    () -> controller.createTopic("stray", List.of(List.of(0, 5)), Map.of()));
            assertThrows(InvalidReplicaAssignmentException.class,
                    () -> controller.addPartitions("manual", List.of(List.of(0))));
            assertThrows(InconsistentRacksException.class, () -> controller.createTopic("placed", 2, 2, Map.of()));
            assertThrows(InconsistentRacksException.class, () -> controller.addPartitions("manual", 4));
            assertFalse(controller.topics().containsKey("stray") || controller.topics().containsKey("placed"));
        }
    }

    // Live brokers come from a watched cache: a broker joining or leaving shows up without a
    // restart, and subscribed listeners hear of broker and topic changes.
    @Test
    void cacheFollowsBrokersAndTellsListeners() throws Exception {
        BrokerInfo second = new BrokerInfo(1, "127.0.0.1", 9093);
        List<List<BrokerInfo>> brokerChanges = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> topicChanges = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore store = new ZkMetadataStore(zk.connectString(), 10_000, BROKER)) {
            store.start();
            store.subscribe(new MetadataListener() {
                @Override
                public void topicChanged(String name, Optional<TopicInfo> now) {
                    topicChanges.add(name + (now.isPresent() ? "+" : "-"));
                }

                @Override
                public void brokersChanged(List<BrokerInfo> live) {
                    brokerChanges.add(live);
                }
            });
            try (ZkMetadataStore other = new ZkMetadataStore(zk.connectString(), 10_000, second)) {
                other.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> store.liveBrokers().equals(List.of(BROKER, second)));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> store.liveBrokers().equals(List.of(BROKER)));
            // told first how things are, then of each change
            assertEquals(List.of(List.of(BROKER), List.of(BROKER, second), List.of(BROKER)), brokerChanges);
            store.createTopic("heard", 1, 1, Map.of());
            store.deleteTopic("heard");
            await().atMost(Duration.ofSeconds(10)).until(() -> topicChanges.equals(List.of("heard+", "heard-")));
        }
    }

    // Any broker writes topics (as in Kafka's ZooKeeper mode); the controller's elections are what the epoch fences.
    @Test
    void anyBrokerWritesTopics() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore controller = new ZkMetadataStore(zk.connectString(), 10_000, BROKER);
                ZkMetadataStore other = new ZkMetadataStore(zk.connectString(), 10_000, new BrokerInfo(1, "127.0.0.1", 9093))) {
            controller.start();
            other.start();
            assertFalse(other.isController());
            TopicInfo created = other.createTopic("anywhere", 2, 2, Map.of());
            await().atMost(Duration.ofSeconds(10)).until(() -> controller.topic("anywhere").equals(Optional.of(created)));
            other.setTopicConfigs("anywhere", Map.of("retention.ms", "1000"));
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    controller.topic("anywhere").get().configs().equals(Map.of("retention.ms", "1000")));
            other.deleteTopic("anywhere");
            await().atMost(Duration.ofSeconds(10)).until(() -> controller.topic("anywhere").isEmpty());
        }
    }

    // After its ZooKeeper session expires, the broker registers again and is controller again.
    @Test
    void registersAgainAfterSessionExpiry() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore store = new ZkMetadataStore(zk.connectString(), 4_000, BROKER);
                CuratorFramework observer = CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(100))) {
            store.start();
            observer.start();
            long oldSession = observer.checkExists().forPath("/brokers/ids/0").getEphemeralOwner();
            expireSession(zk.connectString(), store);
            // the old session's node goes with it; a new one appears under the new session
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
                org.apache.zookeeper.data.Stat stat = observer.checkExists().forPath("/brokers/ids/0");
                return stat != null && stat.getEphemeralOwner() != oldSession && store.isController();
            });
            assertEquals(List.of(BROKER), store.liveBrokers());
            assertEquals(0, store.controllerId());
            assertEquals(2, store.controllerEpoch());
        }
    }

    /** Expires a client's session the standard way: a second connection with its id and password, closed. */
    static void expireSession(String connect, ZkMetadataStore store) throws Exception {
        org.apache.zookeeper.ZooKeeper victim = store.zooKeeperForTests();
        java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(1);
        org.apache.zookeeper.ZooKeeper twin = new org.apache.zookeeper.ZooKeeper(connect, 4_000, e -> {
            if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, victim.getSessionId(), victim.getSessionPasswd());
        assertTrue(connected.await(10, java.util.concurrent.TimeUnit.SECONDS));
        twin.close();
    }
}
