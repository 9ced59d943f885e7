package dev.wharf.server.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StreamsReconcilerTest {
    private static StreamsTasks active(String subtopology, Integer... partitions) {
        return new StreamsTasks(Map.of(subtopology, Set.of(partitions)), Map.of(), Map.of());
    }

    private static StreamsMember member(StreamsGroup g, String id, int epoch, StreamsTasks assigned) {
        StreamsMember m = new StreamsMember(id);
        m.processId = "p-" + id;
        m.memberEpoch = epoch;
        m.assigned = assigned;
        m.rebalanceTimeoutMs = 1000;
        g.members.put(id, m);
        return m;
    }

    // a task moves only after its owner released it: the owner first revokes and stays at its epoch, the new
    // owner waits (UNRELEASED_TASKS) until then, and gets the task on its next heartbeat after the release
    @Test
    void revocationBeforeReassignment() {
        StreamsGroup g = new StreamsGroup("g", 0);
        StreamsMember a = member(g, "a", 1, active("0", 0, 1));
        StreamsMember b = member(g, "b", 0, StreamsTasks.EMPTY);
        g.groupEpoch = 2;
        g.targetAssignmentEpoch = 2;
        g.targetAssignment.put("a", active("0", 0));
        g.targetAssignment.put("b", active("0", 1));

        assertTrue(StreamsReconciler.reconcile(g, b, StreamsTasks.EMPTY, 0));
        assertEquals(StreamsMember.State.UNRELEASED_TASKS, b.state);
        assertEquals(2, b.memberEpoch);
        assertTrue(b.assigned.isEmpty(), "b got task 0_1 while a still owns it");

        assertTrue(StreamsReconciler.reconcile(g, a, active("0", 0, 1), 0));
        assertEquals(StreamsMember.State.UNREVOKED_TASKS, a.state);
        assertEquals(1, a.memberEpoch, "a stays at its epoch until it has revoked");
        assertEquals(active("0", 0), a.assigned);
        assertEquals(active("0", 1), a.pendingRevocation);
        assertEquals(1000, a.revocationDeadlineMs);

        assertFalse(StreamsReconciler.reconcile(g, b, null, 0), "0_1 is still being revoked");
        assertFalse(StreamsReconciler.reconcile(g, a, active("0", 0, 1), 0), "a still reports 0_1");

        assertTrue(StreamsReconciler.reconcile(g, a, active("0", 0), 0));
        assertEquals(StreamsMember.State.STABLE, a.state);
        assertEquals(2, a.memberEpoch);
        assertEquals(1, a.previousMemberEpoch);
        assertTrue(a.pendingRevocation.isEmpty());

        assertTrue(StreamsReconciler.reconcile(g, b, null, 0));
        assertEquals(StreamsMember.State.STABLE, b.state);
        assertEquals(active("0", 1), b.assigned);
    }

    // a member that already gave the tasks up (it reports not owning them) moves to the new epoch at once
    @Test
    void noRevocationWaitWhenNotOwned() {
        StreamsGroup g = new StreamsGroup("g", 0);
        StreamsMember a = member(g, "a", 1, active("0", 0, 1));
        g.targetAssignmentEpoch = 2;
        g.targetAssignment.put("a", active("0", 0));
        assertTrue(StreamsReconciler.reconcile(g, a, active("0", 0), 0));
        assertEquals(StreamsMember.State.STABLE, a.state);
        assertEquals(2, a.memberEpoch);
    }

    // a standby is not given to a process that still runs the task as active
    @Test
    void standbyWaitsForTheActiveOnItsProcess() {
        StreamsGroup g = new StreamsGroup("g", 0);
        StreamsMember a = member(g, "a", 1, active("0", 0));
        StreamsMember a2 = member(g, "a2", 1, StreamsTasks.EMPTY);
        a2.processId = a.processId;
        g.targetAssignmentEpoch = 2;
        g.targetAssignment.put("a", StreamsTasks.EMPTY);
        g.targetAssignment.put("a2", new StreamsTasks(Map.of(), Map.of("0", Set.of(0)), Map.of()));
        assertTrue(StreamsReconciler.reconcile(g, a2, StreamsTasks.EMPTY, 0));
        assertEquals(StreamsMember.State.UNRELEASED_TASKS, a2.state);
        assertTrue(a2.assigned.isEmpty());
    }
}
