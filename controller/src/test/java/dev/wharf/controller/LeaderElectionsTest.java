package dev.wharf.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller moving leadership off brokers that are gone, against a real (embedded) ZooKeeper. */
class LeaderElectionsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final BrokerInfo B0 = new BrokerInfo(0, "127.0.0.1", 9092);
    private static final BrokerInfo B1 = new BrokerInfo(1, "127.0.0.1", 9093);
    private static final BrokerInfo B2 = new BrokerInfo(2, "127.0.0.1", 9094);

    @TempDir
    Path dir;

    private static TopicInfo.PartitionInfo state(List<Integer> replicas, int leader, int epoch, List<Integer> isr) {
        return new TopicInfo.PartitionInfo(0, replicas, leader, epoch, isr, 3);
    }

    // the decisions, one by one: Kafka's rules for clean elections, ISR shrinking and offline partitions
    @Test
    void decisions() {
        TopicInfo.PartitionInfo p = state(List.of(1, 2, 3), 1, 5, List.of(1, 2, 3));
        assertNull(LeaderElections.decide(p, Set.of(1, 2, 3), Set.of(), Set.of(), false), "all well");
        assertEquals(state(List.of(1, 2, 3), 1, 5, List.of(1, 3)),
                LeaderElections.decide(p, Set.of(1, 3), Set.of(), Set.of(), false), "a follower went: it leaves the ISR, same epoch");
        assertEquals(state(List.of(1, 2, 3), 2, 6, List.of(2, 3)),
                LeaderElections.decide(p, Set.of(2, 3), Set.of(), Set.of(), false), "the leader went: the next in-sync replica leads");
        assertEquals(state(List.of(1, 2, 3), 3, 6, List.of(3)),
                LeaderElections.decide(state(List.of(1, 2, 3), 1, 5, List.of(1, 3)), Set.of(2, 3), Set.of(), Set.of(), false),
                "only in-sync replicas may lead");
        assertEquals(state(List.of(1, 2, 3), -1, 6, List.of(1)),
                LeaderElections.decide(state(List.of(1, 2, 3), 1, 5, List.of(1)), Set.of(2, 3), Set.of(), Set.of(), false),
                "nobody in sync: offline, and the ISR waits for its last member");
        assertEquals(state(List.of(1, 2, 3), 2, 6, List.of(2)),
                LeaderElections.decide(state(List.of(1, 2, 3), 1, 5, List.of(1)), Set.of(2, 3), Set.of(), Set.of(), true),
                "unclean election when allowed");
        assertEquals(state(List.of(1, 2, 3), 1, 7, List.of(1)),
                LeaderElections.decide(state(List.of(1, 2, 3), -1, 6, List.of(1)), Set.of(1, 2), Set.of(), Set.of(), false),
                "the last in-sync replica is back: it leads");
        assertEquals(state(List.of(1, 2, 3), 2, 6, List.of(2, 3)),
                LeaderElections.decide(p, Set.of(1, 2, 3), Set.of(1), Set.of(), false),
                "the leader restarted: another in-sync replica leads, it catches up as a follower");
        assertEquals(state(List.of(1, 2, 3), 1, 6, List.of(1)),
                LeaderElections.decide(state(List.of(1, 2, 3), 1, 5, List.of(1)), Set.of(1, 2, 3), Set.of(1), Set.of(), false),
                "restarted, but the only one in sync: it leads again in a new epoch");
    }

    // controlled shutdown: a leader shutting down hands over to the next in-sync replica and every
    // broker shutting down leaves the ISR; alone in sync, a leader keeps leading until it is gone
    @Test
    void brokersShuttingDownHandOver() {
        TopicInfo.PartitionInfo p = state(List.of(1, 2, 3), 1, 5, List.of(1, 2, 3));
        Set<Integer> all = Set.of(1, 2, 3);
        assertEquals(state(List.of(1, 2, 3), 2, 6, List.of(2, 3)), LeaderElections.decide(p, all, Set.of(), Set.of(1), false),
                "the leader is leaving: the next in-sync replica leads, it leaves the ISR");
        assertEquals(state(List.of(1, 2, 3), 1, 5, List.of(1, 3)), LeaderElections.decide(p, all, Set.of(), Set.of(2), false),
                "a follower is leaving: it leaves the ISR, same epoch");
        assertEquals(state(List.of(1, 2, 3), 3, 6, List.of(3)), LeaderElections.decide(p, all, Set.of(), Set.of(1, 2), false),
                "two leaving: the third leads alone");
        assertNull(LeaderElections.decide(state(List.of(1, 2, 3), 1, 5, List.of(1)), all, Set.of(), Set.of(1), false),
                "alone in sync: it leads until it goes");
        assertNull(LeaderElections.decide(state(List.of(1), 1, 5, List.of(1)), all, Set.of(), Set.of(1), false),
                "one replica: nothing can move");
    }

    // preferred and unclean elections as an operator asks for them (ElectLeaders)
    @Test
    void electionVerdicts() {
        Set<Integer> all = Set.of(1, 2, 3);
        TopicInfo.PartitionInfo away = state(List.of(1, 2, 3), 2, 5, List.of(1, 2, 3));
        assertEquals(Election.ELECTED, LeaderElections.preferredVerdict(away, all, Set.of()));
        assertEquals(state(List.of(1, 2, 3), 1, 6, List.of(1, 2, 3)), LeaderElections.preferredLeader(away, all, Set.of()));
        assertEquals(Election.NOT_NEEDED,
                LeaderElections.preferredVerdict(state(List.of(1, 2, 3), 1, 5, List.of(1, 2, 3)), all, Set.of()));
        assertEquals(Election.PREFERRED_NOT_AVAILABLE,
                LeaderElections.preferredVerdict(state(List.of(1, 2, 3), 2, 5, List.of(2, 3)), all, Set.of()), "out of sync");
        assertEquals(Election.PREFERRED_NOT_AVAILABLE, LeaderElections.preferredVerdict(away, Set.of(2, 3), Set.of()), "gone");
        assertEquals(Election.PREFERRED_NOT_AVAILABLE, LeaderElections.preferredVerdict(away, all, Set.of(1)), "leaving");
        assertEquals(Election.NOT_NEEDED, LeaderElections.uncleanVerdict(away, all, Set.of()));
        assertEquals(Election.ELECTED,
                LeaderElections.uncleanVerdict(state(List.of(1, 2, 3), -1, 6, List.of(1)), Set.of(2, 3), Set.of()));
        assertEquals(Election.NO_ELIGIBLE_LEADER,
                LeaderElections.uncleanVerdict(state(List.of(1, 2), -1, 6, List.of(1)), Set.of(3), Set.of()));
    }

    // auto.leader.rebalance.enable: a broker back after its partitions moved away gets the
    // leadership of those it is preferred for back, and only once it is in sync
    @Test
    void leadershipMovesBackToPreferredReplicas() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore controller = new ZkMetadataStore(zk.connectString(), 10_000, B0)) {
            controller.start();
            ZkMetadataStore b1 = new ZkMetadataStore(zk.connectString(), 10_000, B1);
            b1.start();
            await().atMost(WAIT).until(() -> controller.liveBrokers().size() == 2);
            controller.createTopic("preferred", List.of(List.of(1, 0), List.of(0, 1), List.of(1, 0)), Map.of());
            b1.close();
            await().atMost(WAIT).until(() -> controller.topic("preferred").get().partitions().stream()
                    .allMatch(p -> p.leader() == 0));
            try (ZkMetadataStore back = new ZkMetadataStore(zk.connectString(), 10_000, B1)) {
                back.start();
                await().atMost(WAIT).until(() -> controller.liveBrokers().size() == 2);
                assertEquals(0, controller.rebalanceLeaders(10), "broker 1 is not in sync yet: nothing moves");
                // broker 1 caught up (as its leader would tell): back in every ISR
                for (TopicInfo.PartitionInfo p : controller.topic("preferred").get().partitions()) {
                    controller.alterIsr("preferred", p.partition(), p.leaderEpoch(), p.partitionEpoch(), List.of(0, 1));
                }
                assertEquals(2, controller.rebalanceLeaders(10));
                await().atMost(WAIT).untilAsserted(() -> assertEquals(List.of(1, 0, 1), controller.topic("preferred").get()
                        .partitions().stream().map(TopicInfo.PartitionInfo::leader).toList()));
                assertEquals(0, controller.rebalanceLeaders(10), "balanced: nothing more to move");
            }
        }
    }

    // a replica in a failed log dir counts as gone for its partition only: leadership moves off it, it leaves the ISR
    @Test
    void offlineReplicasAreNotLiveForTheirPartition() {
        Set<Integer> live = Set.of(1, 2, 3);
        TopicInfo.PartitionInfo p = state(List.of(1, 2, 3), 1, 5, List.of(1, 2, 3));
        assertEquals(live, LeaderElections.liveFor(live, Set.of()));
        assertEquals(state(List.of(1, 2, 3), 2, 6, List.of(2, 3)),
                LeaderElections.decide(p, LeaderElections.liveFor(live, Set.of(1)), Set.of(), Set.of(), false),
                "the leader's replica is offline: the next in-sync replica leads");
        assertEquals(state(List.of(1, 2, 3), 1, 5, List.of(1, 3)),
                LeaderElections.decide(p, LeaderElections.liveFor(live, Set.of(2)), Set.of(), Set.of(), false),
                "a follower's replica is offline: it leaves the ISR");
        assertEquals(Set.of(1, 2, 3), live, "the broker stays live for its other partitions");
    }

    // a broker reports replicas in a failed log dir: the controller moves their leadership, Metadata
    // lists them offline; the report dies with the broker's session
    @Test
    void reportedOfflineReplicasLoseLeadership() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore controller = new ZkMetadataStore(zk.connectString(), 10_000, B0)) {
            controller.start();
            ZkMetadataStore b1 = new ZkMetadataStore(zk.connectString(), 10_000, B1);
            b1.start();
            await().atMost(WAIT).until(() -> controller.liveBrokers().size() == 2);
            controller.createTopic("disks", List.of(List.of(1, 0), List.of(1, 0)), Map.of());
            b1.reportOfflineReplicas(1, Map.of("disks", List.of(0)));
            await().atMost(WAIT).untilAsserted(() -> {
                List<TopicInfo.PartitionInfo> ps = controller.topic("disks").get().partitions();
                assertEquals(0, ps.get(0).leader());
                assertEquals(List.of(0), ps.get(0).isr());
                assertEquals(1, ps.get(1).leader(), "the other dir's partition keeps its leader");
                assertEquals(List.of(1), controller.offlineReplicas("disks", ps.get(0)));
                assertEquals(List.of(), controller.offlineReplicas("disks", ps.get(1)));
            });
            b1.close();
            await().atMost(WAIT).until(() -> controller.liveBrokers().size() == 1);
            try (ZkMetadataStore back = new ZkMetadataStore(zk.connectString(), 10_000, B1)) {
                back.start();
                await().atMost(WAIT).until(() -> controller.liveBrokers().size() == 2);
                TopicInfo.PartitionInfo p0 = controller.topic("disks").get().partitions().get(0);
                assertEquals(List.of(), controller.offlineReplicas("disks", p0), "a restart clears the report");
            }
        }
    }

    // a broker's session ends: the controller moves its partitions to live in-sync replicas; when
    // every replica of a partition is gone it goes offline, and comes back with its last leader
    @Test
    void leadershipMovesOffAGoneBroker() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore controller = new ZkMetadataStore(zk.connectString(), 10_000, B0)) {
            controller.start();
            ZkMetadataStore b1 = new ZkMetadataStore(zk.connectString(), 10_000, B1);
            b1.start();
            await().atMost(WAIT).until(() -> controller.liveBrokers().size() == 2);
            TopicInfo t = controller.createTopic("moving", 2, 2, Map.of());
            int ledBy1 = t.partitions().stream().filter(p -> p.leader() == 1).findFirst().orElseThrow().partition();
            TopicInfo solo = controller.createTopic("solo", 2, 1, Map.of());
            int soloOn1 = solo.partitions().stream().filter(p -> p.leader() == 1).findFirst().orElseThrow().partition();
            java.util.List<Boolean> elected = new java.util.concurrent.CopyOnWriteArrayList<>(); // unclean or not, per election
            controller.onLeaderElection((millis, unclean) -> elected.add(unclean));

            b1.close();
            await().atMost(WAIT).untilAsserted(() -> {
                TopicInfo.PartitionInfo p = controller.topic("moving").get().partitions().get(ledBy1);
                assertEquals(0, p.leader());
                assertEquals(t.partitions().get(ledBy1).leaderEpoch() + 1, p.leaderEpoch());
                assertEquals(List.of(0), p.isr());
                TopicInfo.PartitionInfo offline = controller.topic("solo").get().partitions().get(soloOn1);
                assertEquals(-1, offline.leader());
                assertEquals(List.of(1), offline.isr());
            });
            // the partition led by 0 lost 1 from its ISR, without a new leader epoch
            int ledBy0 = 1 - ledBy1;
            assertEquals(List.of(0), controller.topic("moving").get().partitions().get(ledBy0).isr());
            assertEquals(0, controller.topic("moving").get().partitions().get(ledBy0).leaderEpoch());

            try (ZkMetadataStore back = new ZkMetadataStore(zk.connectString(), 10_000, B1)) {
                back.start();
                await().atMost(WAIT).untilAsserted(() -> {
                    TopicInfo.PartitionInfo p = controller.topic("solo").get().partitions().get(soloOn1);
                    assertEquals(1, p.leader());
                    assertEquals(2, p.leaderEpoch());
                });
                // what the controller wrote, every broker reads
                await().atMost(WAIT).until(() -> back.topic("solo").equals(controller.topic("solo")));
                // two leaders elected (moving's partition to 0, solo's back to 1), both from the ISR; going offline is none
                assertEquals(List.of(false, false), elected);
            }
        }
    }

    // a new controller (the old one's session ended) takes over the elections; the old one, still
    // running as a zombie with its old epoch, cannot write a partition state any more
    @Test
    void aNewControllerElectsAndAZombieIsFenced() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore zombie = new ZkMetadataStore(zk.connectString(), 10_000, B0);
                ZkMetadataStore b1 = new ZkMetadataStore(zk.connectString(), 10_000, B1);
                CuratorFramework admin = CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(100))) {
            zombie.start();
            b1.start();
            admin.start();
            ZkMetadataStore b2 = new ZkMetadataStore(zk.connectString(), 10_000, B2);
            b2.start();
            await().atMost(WAIT).until(() -> zombie.liveBrokers().size() == 3);
            assertTrue(zombie.isController());
            TopicInfo t = zombie.createTopic("fenced", 3, 2, Map.of());

            // another controller takes over: the epoch znode moves on, and the zombie does not know
            admin.setData().forPath(ZkData.CONTROLLER_EPOCH, "9".getBytes(StandardCharsets.UTF_8));
            b2.close(); // the zombie reacts to this, and its writes fail on the epoch check
            await().atMost(WAIT).until(() -> zombie.liveBrokers().size() == 2);
            zombie.nextProducerId(); // runs after the zombie's reaction on its ZooKeeper thread
            for (TopicInfo.PartitionInfo p : t.partitions()) {
                byte[] state = admin.getData().forPath(ZkData.partitionState("fenced", p.partition()));
                assertEquals(p.leader(), ZkData.partitionState(p, state, 0).leader(),
                        "a zombie controller moved a leader");
                assertEquals(p.isr(), ZkData.partitionState(p, state, 0).isr());
            }
            assertFalse(zombie.isController() && zombie.controllerEpoch() == 9);
        }
    }
}
