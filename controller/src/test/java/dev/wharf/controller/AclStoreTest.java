package dev.wharf.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ACLs in ZooKeeper: Kafka's znodes and JSON, followed by every broker, kept across restarts. */
class AclStoreTest {
    private static final AclResource TOPIC_T = new AclResource(false, "Topic", "t");
    private static final AclResource PREFIX_ORDERS = new AclResource(true, "Topic", "orders-");
    private static final StoredAcl ALICE_READS = new StoredAcl("User:alice", "Allow", "Read", "*");
    private static final StoredAcl BOB_DENIED = new StoredAcl("User:bob", "Deny", "Write", "10.0.0.1");

    @TempDir
    Path dir;

    // ACLs written through one broker reach the other through its watch, as Kafka's znodes; an
    // emptied resource loses its znode; a restarted store reads everything back.
    @Test
    void writesKafkasZnodesAndEveryBrokerFollows() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore first = new ZkMetadataStore(zk.connectString(), 10_000, new BrokerInfo(0, "127.0.0.1", 9092));
                ZkMetadataStore second = new ZkMetadataStore(zk.connectString(), 10_000, new BrokerInfo(1, "127.0.0.1", 9093));
                CuratorFramework raw = CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(100))) {
            first.start();
            second.start();
            raw.start();
            Map<AclResource, List<StoredAcl>> heard = new ConcurrentHashMap<>();
            second.subscribeAcls(changes -> changes.forEach(heard::put));

            first.updateAcls(TOPIC_T, acls -> append(acls, ALICE_READS));
            second.updateAcls(TOPIC_T, acls -> append(acls, BOB_DENIED)); // applied to what the first wrote
            first.updateAcls(PREFIX_ORDERS, acls -> append(acls, ALICE_READS));
            await().atMost(Duration.ofSeconds(10)).until(() -> List.of(ALICE_READS).equals(heard.get(PREFIX_ORDERS)));
            assertEquals(Map.of(TOPIC_T, List.of(ALICE_READS, BOB_DENIED), PREFIX_ORDERS, List.of(ALICE_READS)),
                    second.acls());
            await().atMost(Duration.ofSeconds(10)).until(() -> first.acls().equals(second.acls()));
            assertEquals("{\"version\":1,\"acls\":[{\"principal\":\"User:alice\",\"permissionType\":\"Allow\","
                    + "\"operation\":\"Read\",\"host\":\"*\"}]}",
                    new String(raw.getData().forPath("/kafka-acl-extended/prefixed/Topic/orders-"), StandardCharsets.UTF_8));

            // a change made straight in ZooKeeper (another tool) is followed too
            raw.setData().forPath("/kafka-acl/Topic/t", ZkData.acls(List.of(BOB_DENIED)));
            await().atMost(Duration.ofSeconds(10)).until(() -> List.of(BOB_DENIED).equals(heard.get(TOPIC_T)));

            second.updateAcls(PREFIX_ORDERS, acls -> List.of());
            assertNull(raw.checkExists().forPath("/kafka-acl-extended/prefixed/Topic/orders-"));
            await().atMost(Duration.ofSeconds(10)).until(() -> List.of().equals(heard.get(PREFIX_ORDERS))
                    && !first.acls().containsKey(PREFIX_ORDERS));
        }
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore again = new ZkMetadataStore(zk.connectString(), 10_000, new BrokerInfo(0, "127.0.0.1", 9092))) {
            again.start();
            Map<AclResource, List<StoredAcl>> loaded = new ConcurrentHashMap<>();
            again.subscribeAcls(loaded::putAll);
            assertEquals(Map.of(TOPIC_T, List.of(BOB_DENIED)), loaded);
        }
    }

    // A store whose session expired reads everything again under the new one: a change made while
    // it had no session (its watch was gone) is seen, a resource emptied meanwhile is dropped.
    @Test
    void newSessionRereadsEverything() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore follower = new ZkMetadataStore(zk.connectString(), 4_000, new BrokerInfo(0, "127.0.0.1", 9092));
                CuratorFramework raw = CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(100))) {
            follower.start();
            raw.start();
            raw.create().creatingParentsIfNeeded().forPath("/kafka-acl/Topic/t", ZkData.acls(List.of(ALICE_READS)));
            await().atMost(Duration.ofSeconds(10)).until(() -> List.of(ALICE_READS).equals(follower.acls().get(TOPIC_T)));

            org.apache.zookeeper.ZooKeeper victim = follower.zooKeeperForTests();
            long oldSession = victim.getSessionId();
            // the old session ends (another connection with its id and password, closed) while ZooKeeper changes
            java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(1);
            org.apache.zookeeper.ZooKeeper twin = new org.apache.zookeeper.ZooKeeper(zk.connectString(), 4_000, e -> {
                if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            }, oldSession, victim.getSessionPasswd());
            org.junit.jupiter.api.Assertions.assertTrue(connected.await(10, java.util.concurrent.TimeUnit.SECONDS));
            twin.close();
            raw.delete().forPath("/kafka-acl/Topic/t");
            raw.create().creatingParentsIfNeeded().forPath("/kafka-acl-extended/prefixed/Topic/orders-",
                    ZkData.acls(List.of(BOB_DENIED)));

            await().atMost(Duration.ofSeconds(30)).until(() -> follower.zooKeeperForTests().getSessionId() != oldSession
                    && Map.of(PREFIX_ORDERS, List.of(BOB_DENIED)).equals(follower.acls()));
        }
    }

    // Group names and transactional ids may hold '/', '%' or spaces: each is one znode, read back as written.
    @Test
    void namesWithSlashesAreOneZnode() throws Exception {
        AclResource slashed = new AclResource(false, "Group", "team/a b%");
        AclResource prefix = new AclResource(true, "TransactionalId", "app/");
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore store = new ZkMetadataStore(zk.connectString(), 10_000, new BrokerInfo(0, "127.0.0.1", 9092));
                CuratorFramework raw = CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(100))) {
            store.start();
            raw.start();
            store.updateAcls(slashed, acls -> append(acls, ALICE_READS));
            store.updateAcls(prefix, acls -> append(acls, BOB_DENIED));
            assertEquals(List.of("team%2Fa%20b%25"), raw.getChildren().forPath("/kafka-acl/Group"));
            assertEquals(List.of("app%2F"), raw.getChildren().forPath("/kafka-acl-extended/prefixed/TransactionalId"));
            assertEquals(Map.of(slashed, List.of(ALICE_READS), prefix, List.of(BOB_DENIED)), store.acls());
        }
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore again = new ZkMetadataStore(zk.connectString(), 10_000, new BrokerInfo(0, "127.0.0.1", 9092))) {
            again.start();
            Map<AclResource, List<StoredAcl>> loaded = new ConcurrentHashMap<>();
            again.subscribeAcls(loaded::putAll);
            assertEquals(Map.of(slashed, List.of(ALICE_READS), prefix, List.of(BOB_DENIED)), loaded);
        }
    }

    private static List<StoredAcl> append(List<StoredAcl> acls, StoredAcl acl) {
        acls.add(acl);
        return acls;
    }
}
