package dev.wharf.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller's partition reassignment (KIP-455's steps), as decisions and against a real (embedded) ZooKeeper. */
class ReassignmentsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final BrokerInfo B0 = new BrokerInfo(0, "127.0.0.1", 9092);
    private static final BrokerInfo B1 = new BrokerInfo(1, "127.0.0.1", 9093);

    @TempDir
    Path dir;

    private static TopicInfo.PartitionInfo state(List<Integer> replicas, int leader, int epoch, List<Integer> isr) {
        return new TopicInfo.PartitionInfo(0, replicas, leader, epoch, isr, 3);
    }

    // [1,2,3] -> [2,3,4]: the target first, then the replica that leaves; 4 added, 1 removed; the leader stays, in a new epoch
    @Test
    void aMoveStartsWithTargetAndOriginalTogether() {
        TopicInfo.PartitionInfo started = Reassignments.started(state(List.of(1, 2, 3), 1, 5, List.of(1, 2, 3)), List.of(2, 3, 4));
        assertEquals(List.of(2, 3, 4, 1), started.replicas());
        assertEquals(List.of(4), started.adding());
        assertEquals(List.of(1), started.removing());
        assertEquals(1, started.leader());
        assertEquals(6, started.leaderEpoch());
        assertEquals(List.of(1, 2, 3), started.isr());
        assertEquals(List.of(2, 3, 4), started.targetReplicas());
        assertEquals(List.of(2, 3, 1), started.originalReplicas(), "in the order of the replica set, as Kafka has it");
        assertNull(Reassignments.started(state(List.of(1, 2, 3), 1, 5, List.of(1, 2, 3)), List.of(1, 2, 3)), "nothing to move");

        // not done until every target replica is in sync
        assertNull(Reassignments.completed(started));
        TopicInfo.PartitionInfo inSync = started.withLeaderAndIsr(1, 6, List.of(1, 2, 3, 4));
        TopicInfo.PartitionInfo done = Reassignments.completed(inSync);
        assertEquals(List.of(2, 3, 4), done.replicas());
        assertEquals(List.of(), done.adding());
        assertEquals(List.of(), done.removing());
        assertEquals(2, done.leader(), "the leader leaves: the first target replica in sync takes over");
        assertEquals(7, done.leaderEpoch());
        assertEquals(List.of(2, 3, 4), done.isr());
    }

    // a second target replaces the first: the original replicas stay what they were; cancelling goes back to them
    @Test
    void aNewTargetReplacesTheMoveAndCancellingRestoresTheOriginal() {
        TopicInfo.PartitionInfo first = Reassignments.started(state(List.of(1, 2, 3), 1, 5, List.of(1, 2, 3)), List.of(2, 3, 4));
        TopicInfo.PartitionInfo copying = first.withLeaderAndIsr(1, 6, List.of(1, 2, 3, 4));
        TopicInfo.PartitionInfo second = Reassignments.started(copying, List.of(1, 2, 5));
        assertEquals(List.of(1, 2, 5, 3), second.replicas());
        assertEquals(List.of(5), second.adding());
        assertEquals(List.of(3), second.removing());
        assertEquals(List.of(1, 2, 3), second.isr(), "4, no longer wanted, leaves the ISR");

        TopicInfo.PartitionInfo cancelled = Reassignments.cancelled(second.withLeaderAndIsr(5, 8, List.of(2, 3, 5)));
        assertEquals(List.of(1, 2, 3), cancelled.replicas());
        assertEquals(2, cancelled.leader(), "5 led, and goes: the first original replica in sync leads");
        assertEquals(List.of(2, 3), cancelled.isr());
        assertEquals(9, cancelled.leaderEpoch());
        assertNull(Reassignments.cancelled(state(List.of(1, 2, 3), 1, 5, List.of(1, 2, 3))), "nothing under way");
    }

    /** Starts both stores, waits until {@code controller} controls the two brokers, and creates "moved" on broker 0. */
    private static void startWithMovedTopic(ZkMetadataStore controller, ZkMetadataStore b1) throws Exception {
        controller.start();
        b1.start();
        await().atMost(WAIT).until(() -> controller.liveBrokers().size() == 2 && controller.isController());
        controller.createTopic("moved", List.of(List.of(0)), Map.of());
    }

    // through ZooKeeper: the move is recorded in the topic znode, finishes when the leader takes the new replica in
    // sync, and every broker reads the result; bad requests get their answers
    @Test
    void theControllerRunsAMoveToTheEnd() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore controller = new ZkMetadataStore(zk.connectString(), 10_000, B0);
                ZkMetadataStore b1 = new ZkMetadataStore(zk.connectString(), 10_000, B1)) {
            startWithMovedTopic(controller, b1);

            Map<Integer, ReassignmentResult> results = controller.reassign(Map.of("moved", Map.of(
                    0, Optional.of(List.of(1)), 1, Optional.of(List.of(1)))), true).orElseThrow().get("moved");
            assertEquals(ReassignmentResult.Kind.DONE, results.get(0).kind());
            assertEquals(ReassignmentResult.Kind.UNKNOWN_PARTITION, results.get(1).kind());
            assertEquals(ReassignmentResult.Kind.INVALID_ASSIGNMENT, controller.reassign(Map.of("moved", Map.of(
                    0, Optional.of(List.of(7)))), true).orElseThrow().get("moved").get(0).kind());
            assertEquals(ReassignmentResult.Kind.INVALID_REPLICATION_FACTOR, controller.reassign(Map.of("moved", Map.of(
                    0, Optional.of(List.of(0, 1)))), false).orElseThrow().get("moved").get(0).kind());
            assertTrue(b1.reassign(Map.of(), true).isEmpty(), "only the controller reassigns");

            TopicInfo.PartitionInfo moving = controller.ongoingReassignments(null).orElseThrow().get("moved").get(0);
            assertEquals(List.of(1, 0), moving.replicas());
            assertEquals(List.of(1), moving.adding());
            assertEquals(List.of(0), moving.removing());
            await().atMost(WAIT).until(() -> b1.topic("moved").get().partitions().get(0).equals(moving));

            // the leader (broker 0) finds 1 caught up and takes it into the ISR: the controller finishes the move
            assertTrue(controller.alterIsr("moved", 0, moving.leaderEpoch(), moving.partitionEpoch(), List.of(0, 1)).isPresent());
            await().atMost(WAIT).untilAsserted(() -> {
                TopicInfo.PartitionInfo done = b1.topic("moved").get().partitions().get(0);
                assertEquals(List.of(1), done.replicas());
                assertEquals(1, done.leader());
                assertEquals(List.of(1), done.isr());
                assertEquals(moving.leaderEpoch() + 1, done.leaderEpoch());
            });
            assertEquals(Map.of(), controller.ongoingReassignments(null).orElseThrow());
            assertEquals(ReassignmentResult.Kind.NOT_IN_PROGRESS, controller.reassign(Map.of("moved", Map.of(
                    0, Optional.empty())), true).orElseThrow().get("moved").get(0).kind());
        }
    }

    // a broker reads a topic while the controller starts a move: the replicas it gets go with the leader epoch they
    // were written with. The assignment read just before the controller's write and the partition state just after it
    // made a partition of the old replicas in the new epoch, which a leader kept: its new follower never joined.
    @Test
    void aBrokerReadingDuringAMoveNeverGetsTheOldReplicasInTheNewEpoch() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                InterceptingZkProxy proxy = InterceptingZkProxy.onRead(zk.connectString(), ZkData.partitionState("moved", 0));
                ZkMetadataStore controller = new ZkMetadataStore(zk.connectString(), 10_000, B0);
                ZkMetadataStore b1 = new ZkMetadataStore(proxy.connectString(), 10_000, B1)) {
            startWithMovedTopic(controller, b1);
            await().atMost(WAIT).until(() -> b1.topic("moved").isPresent());
            TopicInfo.PartitionInfo before = b1.topic("moved").get().partitions().get(0);
            List<TopicInfo.PartitionInfo> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
            b1.subscribe(new MetadataListener() {
                @Override
                public void topicChanged(String name, Optional<TopicInfo> now) {
                    now.ifPresent(t -> heard.add(t.partitions().get(0)));
                }
            });

            // broker 1's next read of the partition state waits until the controller has started a move
            proxy.arm(() -> {
                try {
                    controller.reassign(Map.of("moved", Map.of(0, Optional.of(List.of(1)))), true).orElseThrow();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // a change of the partition state alone (an ISR write) makes broker 1 read the topic again
            assertTrue(controller.alterIsr("moved", 0, before.leaderEpoch(), before.partitionEpoch(), List.of(0)).isPresent());
            await().atMost(WAIT).until(() -> b1.topic("moved").get().partitions().get(0).reassigning());
            assertTrue(proxy.fired(), "broker 1 never read the partition state again");

            await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> heard.get(heard.size() - 1).reassigning());
            for (TopicInfo.PartitionInfo p : heard) {
                List<Integer> replicas = p.leaderEpoch() == before.leaderEpoch() ? List.of(0) : List.of(1, 0);
                assertEquals(replicas, p.replicas(), "broker 1 heard " + p + " (all it heard: " + heard + ")");
            }
        }
    }

    // the controller completes the move while it tells its listeners that the new replica is in sync: its other
    // listeners (its broker's replica manager) hear that state, then the completed one, never the other way round,
    // or the broker moved away from would open its replica again, empty, as leader of an epoch already over
    @Test
    void theControllersOtherListenersHearTheCompletedMoveLast() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore controller = new ZkMetadataStore(zk.connectString(), 10_000, B0);
                ZkMetadataStore b1 = new ZkMetadataStore(zk.connectString(), 10_000, B1)) {
            startWithMovedTopic(controller, b1);
            List<TopicInfo.PartitionInfo> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
            controller.subscribe(new MetadataListener() { // after the controller's own listeners, like a replica manager
                @Override
                public void topicChanged(String name, Optional<TopicInfo> now) {
                    now.ifPresent(t -> heard.add(t.partitions().get(0)));
                }
            });
            controller.reassign(Map.of("moved", Map.of(0, Optional.of(List.of(1)))), true).orElseThrow();
            TopicInfo.PartitionInfo moving = controller.ongoingReassignments(null).orElseThrow().get("moved").get(0);

            assertTrue(controller.alterIsr("moved", 0, moving.leaderEpoch(), moving.partitionEpoch(), List.of(0, 1)).isPresent());
            await().atMost(WAIT).until(() -> heard.stream().anyMatch(p -> p.replicas().equals(List.of(1))));
            await().during(Duration.ofMillis(300)).atMost(WAIT).untilAsserted(() -> {
                TopicInfo.PartitionInfo last = heard.get(heard.size() - 1);
                assertEquals(List.of(1), last.replicas(), "heard last: " + heard);
                assertEquals(moving.leaderEpoch() + 1, last.leaderEpoch());
            });
            List<Integer> epochs = heard.stream().map(TopicInfo.PartitionInfo::partitionEpoch).toList();
            assertEquals(epochs.stream().sorted().toList(), epochs, "heard out of order: " + heard);
        }
    }
}
