package dev.wharf.server.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.coordinator.CoordinatorLog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StreamsRecordsTest {
    // a streams group's records rebuild it at load: topology, epochs, members with their tasks and targets
    @Test
    void restoredFromItsRecords() {
        StreamsGroup g = new StreamsGroup("app", 0);
        g.topology = new StreamsTopology(3, List.of(new StreamsTopology.Subtopology("0", List.of("in"), List.of("in-.*"),
                List.of(new StreamsTopology.TopicInfo("app-store-changelog", 0, (short) 1, Map.of("cleanup.policy", "compact"))),
                List.of("app-rep"), List.of(new StreamsTopology.TopicInfo("app-rep", 4, (short) 0, Map.of())),
                List.of(new StreamsTopology.CopartitionGroup(List.of((short) 0), List.of(), List.of((short) 0))))));
        g.groupEpoch = 7;
        g.targetAssignmentEpoch = 6;
        StreamsMember m = new StreamsMember("m1");
        m.clientId = "client";
        m.clientHost = "/127.0.0.1";
        m.processId = "proc";
        m.userEndpoint = new StreamsMember.Endpoint("host", 8080);
        m.clientTags = Map.of("zone", "a");
        m.memberEpoch = 6;
        m.previousMemberEpoch = 5;
        m.state = StreamsMember.State.UNREVOKED_TASKS;
        m.assigned = new StreamsTasks(Map.of("0", Set.of(1)), Map.of("0", Set.of(2)), Map.of());
        m.pendingRevocation = new StreamsTasks(Map.of("0", Set.of(3)), Map.of(), Map.of());
        g.members.put("m1", m);
        g.targetAssignment.put("m1", new StreamsTasks(Map.of("0", Set.of(1)), Map.of(), Map.of()));
        g.groupDirty = true;
        g.dirtyMembers.add("m1");

        Map<String, CoordinatorLog.Entry> log = new LinkedHashMap<>();
        StreamsRecords.changes(g).forEach(e -> log.put(new String(e.key(), java.nio.charset.StandardCharsets.ISO_8859_1), e));
        List<CoordinatorLog.Entry> entries = new ArrayList<>(log.values());
        java.util.Collections.reverse(entries); // members before their group: any order must do
        Map<String, Group> groups = new HashMap<>();
        GroupPersistence.restore(entries, 100, groups, new OffsetTable());

        StreamsGroup r = assertInstanceOf(StreamsGroup.class, groups.get("app"));
        assertEquals(g.topology, r.topology);
        assertEquals(7, r.groupEpoch);
        assertEquals(6, r.targetAssignmentEpoch);
        StreamsMember rm = r.members.get("m1");
        assertEquals(m.assigned, rm.assigned);
        assertEquals(m.pendingRevocation, rm.pendingRevocation);
        assertEquals(StreamsMember.State.UNREVOKED_TASKS, rm.state);
        assertEquals(m.userEndpoint, rm.userEndpoint);
        assertEquals(m.clientTags, rm.clientTags);
        assertEquals(5, rm.previousMemberEpoch);
        assertEquals(g.targetAssignment, r.targetAssignment);
        // the restored member commits with its epoch, or its previous one (a commit sent before it heard of the
        // current epoch); an older or newer epoch is stale, another member unknown
        assertEquals(ErrorCode.NONE, r.validateOffsetCommit("m1", null, 6, false, (short) 9, 0));
        assertEquals(ErrorCode.NONE, r.validateOffsetCommit("m1", null, 5, false, (short) 9, 0));
        assertEquals(ErrorCode.STALE_MEMBER_EPOCH, r.validateOffsetCommit("m1", null, 4, false, (short) 9, 0));
        assertEquals(ErrorCode.STALE_MEMBER_EPOCH, r.validateOffsetCommit("m1", null, 7, false, (short) 9, 0));
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, r.validateOffsetCommit("m2", null, 6, false, (short) 9, 0));
        assertEquals(ErrorCode.NONE, r.validateOffsetCommit("", null, -1, true, (short) 3, 0)); // TxnOffsetCommit without a member
        // as Kafka: a streams member commits with OffsetCommit v9+; an OffsetCommit naming no member is refused
        assertEquals(ErrorCode.UNSUPPORTED_VERSION, r.validateOffsetCommit("m1", null, 6, false, (short) 8, 0));
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, r.validateOffsetCommit("", null, -1, false, (short) 9, 0));
        assertEquals(ErrorCode.STALE_MEMBER_EPOCH, r.validateOffsetFetch("m1", 4));
        assertEquals(ErrorCode.NONE, r.validateOffsetFetch(null, -1));
    }

    // the group's tombstones delete every record of it
    @Test
    void tombstonesCoverGroupAndMembers() {
        StreamsGroup g = new StreamsGroup("app", 0);
        g.members.put("m1", new StreamsMember("m1"));
        List<CoordinatorLog.Entry> t = g.tombstones();
        assertEquals(2, t.size());
        t.forEach(e -> assertNull(e.value()));
    }

    // a record with a count larger than itself is refused before anything is allocated
    @Test
    void corruptCountsRefused() {
        byte[] key = StreamsRecords.groupKey("app");
        byte[] value = {0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        assertThrows(IllegalArgumentException.class, () -> GroupPersistence.restore(
                List.of(new CoordinatorLog.Entry(key, value)), 0, new HashMap<>(), new OffsetTable()));
    }
}
