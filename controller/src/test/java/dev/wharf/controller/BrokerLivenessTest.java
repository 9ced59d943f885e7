package dev.wharf.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller noticing a crashed broker by its listener refusing connections, long before the
 * broker's ZooKeeper session (a minute here) could expire; against a real (embedded) ZooKeeper and
 * real sockets standing in for the brokers' listeners.
 */
class BrokerLivenessTest {
    private static final int SESSION_MS = 60_000;
    /** Well below the session timeout: only the liveness connections can move leadership this fast. */
    private static final Duration FAST = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    // broker 1's listener goes (its process died; its session lingers): its partitions move to broker 0,
    // the one it alone held goes offline; broker 2, whose listener was never reached, keeps its leadership;
    // broker 1's listener back under the same registration: its lone partition is led by it again
    @Test
    void aBrokerWhoseListenerRefusesConnectionsLosesLeadershipBeforeItsSessionEnds() throws Exception {
        ServerSocket listener1 = listen(0);
        int port1 = listener1.getLocalPort();
        int unreachable = freePort();
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore controller = new ZkMetadataStore(zk.connectString(), SESSION_MS, new BrokerInfo(0, "127.0.0.1", freePort()));
                ZkMetadataStore b1 = new ZkMetadataStore(zk.connectString(), SESSION_MS, new BrokerInfo(1, "127.0.0.1", port1));
                ZkMetadataStore b2 = new ZkMetadataStore(zk.connectString(), SESSION_MS, new BrokerInfo(2, "127.0.0.1", unreachable))) {
            controller.start();
            await().atMost(FAST).until(controller::isController);
            b1.start();
            b2.start();
            await().atMost(FAST).until(() -> controller.liveBrokers().size() == 3);
            controller.createTopic("shared", List.of(List.of(1, 0), List.of(2, 0)), Map.of());
            controller.createTopic("lone", List.of(List.of(1)), Map.of());
            TopicInfo.PartitionInfo before = controller.topic("shared").get().partitions().get(0);
            assertEquals(1, before.leader());

            listener1.close();
            await().atMost(FAST).untilAsserted(() -> {
                TopicInfo.PartitionInfo moved = controller.topic("shared").get().partitions().get(0);
                assertEquals(0, moved.leader());
                assertEquals(before.leaderEpoch() + 1, moved.leaderEpoch());
                assertEquals(List.of(0), moved.isr());
                assertEquals(-1, controller.topic("lone").get().partitions().get(0).leader(), "no other replica: offline");
            });
            assertEquals(3, controller.liveBrokers().size(), "broker 1's session is still there");
            assertEquals(2, controller.topic("shared").get().partitions().get(1).leader(),
                    "a broker never reached proves nothing by refusing: broker 2 keeps leading");

            try (ServerSocket back = listen(port1)) {
                await().atMost(FAST).untilAsserted(() -> assertEquals(1, controller.topic("lone").get().partitions().get(0).leader(),
                        "broker 1 takes connections again: live, and its partition's last in-sync replica"));
            }
        } finally {
            listener1.close();
        }
    }

    private static ServerSocket listen(int port) throws Exception {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress("127.0.0.1", port));
        return s;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
