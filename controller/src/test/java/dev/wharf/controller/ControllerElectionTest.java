package dev.wharf.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Controller election on {@code /controller} against a real (embedded) ZooKeeper server. */
class ControllerElectionTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    // A rival that creates /controller between our store's check and its create has won: the store
    // must not delete the rival's node (only nodes of its own earlier sessions), and follows it.
    @Test
    void doesNotUnseatAControllerThatWonTheRace() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                CuratorFramework rival = CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(100))) {
            rival.start();
            assertTrue(rival.blockUntilConnected(10, java.util.concurrent.TimeUnit.SECONDS));
            byte[] rivalNode = "{\"version\":1,\"brokerid\":1,\"timestamp\":\"0\"}".getBytes(StandardCharsets.UTF_8);
            Runnable rivalWins = () -> {
                try {
                    rival.create().withMode(CreateMode.EPHEMERAL).forPath(ZkData.CONTROLLER, rivalNode);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            long rivalSession = rival.getZookeeperClient().getZooKeeper().getSessionId();
            try (InterceptingZkProxy proxy = new InterceptingZkProxy(zk.connectString(), ZkData.CONTROLLER, rivalWins);
                    ZkMetadataStore store = new ZkMetadataStore(proxy.connectString(), 10_000,
                            new BrokerInfo(0, "127.0.0.1", 9092))) {
                store.start();
                assertTrue(proxy.fired(), "the store never tried to create /controller");
                Stat stat = rival.checkExists().forPath(ZkData.CONTROLLER);
                assertNotNull(stat, "the rival's /controller was deleted");
                assertEquals(rivalSession, stat.getEphemeralOwner(), "the rival's /controller was replaced");
                assertFalse(store.isController());
                await().atMost(WAIT).until(() -> store.controllerId() == 1);
            }
        }
    }

    // The election watches /controller all the time: when the controller's session ends, another
    // live broker takes over at the next epoch, without a restart or reconnect.
    @Test
    void anotherBrokerTakesOverWhenTheControllerGoes() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore second = new ZkMetadataStore(zk.connectString(), 10_000, new BrokerInfo(1, "127.0.0.1", 9093))) {
            ZkMetadataStore first = new ZkMetadataStore(zk.connectString(), 10_000, new BrokerInfo(0, "127.0.0.1", 9092));
            try {
                first.start();
                second.start();
                assertTrue(first.isController());
                assertFalse(second.isController());
                assertEquals(0, second.controllerId());
            } finally {
                first.close(); // closing the session deletes its ephemeral /controller
            }
            await().atMost(WAIT).until(second::isController);
            assertEquals(1, second.controllerId());
            assertEquals(2, second.controllerEpoch());
            // the new controller can write, fenced by its own epoch
            second.createTopic("after-failover", 1, 1, java.util.Map.of());
            await().atMost(WAIT).until(() -> second.liveBrokers().size() == 1);
        }
    }
}
