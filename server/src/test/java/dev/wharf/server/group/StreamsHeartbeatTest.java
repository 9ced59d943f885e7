package dev.wharf.server.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.wire.message.StreamsGroupHeartbeatRequest;
import dev.wharf.wire.message.StreamsGroupHeartbeatResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.StreamsGroupHeartbeatResponse.Status;
import org.junit.jupiter.api.Test;

/** StreamsHeartbeat decided against a group in memory: the topology a group keeps, and the task offsets members report. */
class StreamsHeartbeatTest {
    private static final StreamsHeartbeat.Settings SETTINGS = new StreamsHeartbeat.Settings(45_000, 5_000, 100, 0, 0,
            12_345L, 30_000);

    /** One subtopology reading {@code in} (4 partitions) with a store whose changelog is {@code <store>-changelog}. */
    private static StreamsGroupHeartbeatRequest.Topology topology(int epoch, String store) {
        return new StreamsGroupHeartbeatRequest.Topology().setEpoch(epoch).setSubtopologies(List.of(
                new StreamsGroupHeartbeatRequest.Subtopology().setSubtopologyId("0").setSourceTopics(List.of("in"))
                        .setStateChangelogTopics(List.of(new StreamsGroupHeartbeatRequest.TopicInfo()
                                .setName(store + "-changelog")))));
    }

    private static StreamsGroupHeartbeatRequest join(String member, StreamsGroupHeartbeatRequest.Topology topology) {
        return new StreamsGroupHeartbeatRequest().setGroupId("g").setMemberId(member).setMemberEpoch(0)
                .setRebalanceTimeoutMs(30_000).setProcessId("p-" + member).setTopology(topology)
                .setActiveTasks(List.of()).setStandbyTasks(List.of()).setWarmupTasks(List.of());
    }

    private static List<StreamsGroupHeartbeatRequest.TaskOffset> offsets(long offset, Integer... partitions) {
        List<StreamsGroupHeartbeatRequest.TaskOffset> out = new ArrayList<>();
        for (int p : partitions) {
            out.add(new StreamsGroupHeartbeatRequest.TaskOffset().setSubtopologyId("0").setPartition(p).setOffset(offset));
        }
        return out;
    }

    /** Decides as the coordinator does: the request's topology, checked against topics that all exist. */
    private static StreamsGroupHeartbeatResponse decide(StreamsHeartbeat h, StreamsGroup g,
            StreamsGroupHeartbeatRequest req, long nowMs) {
        StreamsTopology offered = req.topology() == null ? null : StreamsTopology.from(req.topology());
        StreamsTopology target = g.topology != null ? g.topology : offered;
        StreamsConfiguredTopology configured = target == null ? null : StreamsConfiguredTopology.configure(target,
                t -> OptionalInt.of(4), Set.of("in", "app-changelog", "other-changelog"));
        return h.decide(g, req, "client", "/127.0.0.1", offered, configured, nowMs).response();
    }

    private static Set<Integer> partitions(List<StreamsGroupHeartbeatResponse.TaskIds> tasks) {
        Set<Integer> out = new TreeSet<>();
        if (tasks != null) {
            tasks.forEach(t -> out.addAll(t.partitions()));
        }
        return out;
    }

    // Kafka 4.4.0 keeps a group's first topology: another one at the same or a later epoch is INVALID_REQUEST
    // ("Topology updates are not supported yet.") and changes nothing; an older epoch joins and is told STALE_TOPOLOGY
    @Test
    void topologyKeptAndOthersRefused() {
        StreamsHeartbeat h = new StreamsHeartbeat(SETTINGS);
        StreamsGroup g = new StreamsGroup("g", 0);
        assertEquals(Errors.NONE.code(), decide(h, g, join("a", topology(1, "app")), 0).errorCode());
        int groupEpoch = g.groupEpoch;

        for (StreamsGroupHeartbeatRequest.Topology other : List.of(topology(1, "other"), topology(2, "other"),
                topology(2, "app"))) {
            StreamsGroupHeartbeatResponse r = decide(h, g, join("b", other), 1);
            assertEquals(Errors.INVALID_REQUEST.code(), r.errorCode(), "epoch " + other.epoch());
            assertEquals(StreamsHeartbeat.TOPOLOGY_UPDATE, r.errorMessage());
            assertEquals(Set.of("a"), g.members.keySet());
            assertEquals(groupEpoch, g.groupEpoch);
            assertEquals(1, g.topology.epoch());
            assertEquals("app-changelog", g.topology.subtopologies().get(0).changelogTopics().get(0).name());
        }

        StreamsGroupHeartbeatResponse same = decide(h, g, join("b", topology(1, "app")), 2);
        assertEquals(Errors.NONE.code(), same.errorCode());
        assertTrue(same.status().stream().noneMatch(s -> s.statusCode() == Status.STALE_TOPOLOGY.code()));

        StreamsGroupHeartbeatResponse older = decide(h, g, join("c", topology(0, "other")), 3);
        assertEquals(Errors.NONE.code(), older.errorCode());
        assertTrue(older.status().stream().anyMatch(s -> s.statusCode() == Status.STALE_TOPOLOGY.code()),
                older.status()::toString);
        assertEquals(1, g.topology.epoch());
        assertEquals(Set.of("a", "b", "c"), g.members.keySet());
    }

    // the task offsets a member reports are kept (a heartbeat without them keeps the last ones), change no epoch,
    // and the answer carries group.streams.acceptable.recovery.lag and task.offset.interval.ms; no warm-up tasks
    @Test
    void taskOffsetsKeptAndSettingsAnswered() {
        StreamsHeartbeat h = new StreamsHeartbeat(SETTINGS);
        StreamsGroup g = new StreamsGroup("g", 0);
        StreamsGroupHeartbeatResponse joined = decide(h, g, join("a", topology(0, "app")), 0);
        assertEquals(12_345L, joined.acceptableRecoveryLag());
        assertEquals(12_345, joined.acceptableRecoveryLagLegacy());
        assertEquals(30_000, joined.taskOffsetIntervalMs());
        assertEquals(Set.of(0, 1, 2, 3), partitions(joined.activeTasks()));
        assertTrue(partitions(joined.warmupTasks()).isEmpty());
        int groupEpoch = g.groupEpoch;

        StreamsGroupHeartbeatRequest report = new StreamsGroupHeartbeatRequest().setGroupId("g").setMemberId("a")
                .setMemberEpoch(joined.memberEpoch()).setTaskOffsets(offsets(70, 0, 1))
                .setTaskEndOffsets(offsets(100, 0, 1));
        assertEquals(Errors.NONE.code(), decide(h, g, report, 1).errorCode());
        StreamsMember a = g.members.get("a");
        assertEquals(Map.of("0", Map.of(0, 70L, 1, 70L)), a.taskOffsets);
        assertEquals(Map.of("0", Map.of(0, 100L, 1, 100L)), a.taskEndOffsets);
        assertEquals(groupEpoch, g.groupEpoch);

        StreamsGroupHeartbeatRequest quiet = new StreamsGroupHeartbeatRequest().setGroupId("g").setMemberId("a")
                .setMemberEpoch(joined.memberEpoch());
        StreamsGroupHeartbeatResponse r = decide(h, g, quiet, 2);
        assertEquals(Errors.NONE.code(), r.errorCode());
        assertEquals(Map.of("0", Map.of(0, 70L, 1, 70L)), a.taskOffsets);
        assertNull(r.activeTasks(), "unchanged assignment, not sent again");
    }

    // members joining together: the one reporting state for tasks 0_0 and 0_1 gets them, the other the rest; a member
    // without that state gets no warm-up (Kafka 4.4.0's broker assigns none) but the tasks it can start cold
    @Test
    void reportedStateSteersTheFirstAssignment() {
        StreamsHeartbeat h = new StreamsHeartbeat(new StreamsHeartbeat.Settings(45_000, 5_000, 100, 0, 1_000,
                10_000L, 60_000));
        StreamsGroup g = new StreamsGroup("g", 0);
        StreamsGroupHeartbeatResponse b = decide(h, g, join("b", topology(0, "app")), 0);
        assertTrue(b.status().stream().anyMatch(s -> s.statusCode() == Status.ASSIGNMENT_DELAYED.code()));
        StreamsGroupHeartbeatResponse c = decide(h, g, join("c", topology(0, "app")).setTaskOffsets(offsets(500, 0, 1))
                .setTaskEndOffsets(offsets(600, 0, 1)), 10);
        assertEquals(Errors.NONE.code(), c.errorCode());

        StreamsGroupHeartbeatRequest again = new StreamsGroupHeartbeatRequest().setGroupId("g").setMemberId("c")
                .setMemberEpoch(c.memberEpoch());
        StreamsGroupHeartbeatResponse assigned = decide(h, g, again, 2_000);
        assertEquals(Set.of(0, 1), partitions(assigned.activeTasks()), assigned::toString);
        assertTrue(partitions(assigned.warmupTasks()).isEmpty());
        Map<String, Set<Integer>> target = new TreeMap<>(g.targetAssignment.get("b").active());
        assertEquals(Map.of("0", Set.of(2, 3)), target);
        assertTrue(g.targetAssignment.values().stream().allMatch(t -> t.warmup().isEmpty()));
    }
}
