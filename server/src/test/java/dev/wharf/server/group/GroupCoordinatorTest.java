package dev.wharf.server.group;

import static dev.wharf.server.group.CoordinatorHarness.assertError;
import static dev.wharf.server.group.CoordinatorHarness.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.server.group.GroupCoordinator.JoinResult;
import dev.wharf.server.group.GroupCoordinator.SyncResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The classic membership protocol, driven by a manual clock, timer and io executor. */
class GroupCoordinatorTest {
    @TempDir
    Path dir;

    CoordinatorHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new CoordinatorHarness(dir);
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    /** A lone member: join (learning its id first), lead, sync its own assignment, heartbeat. */
    @Test
    void joinSyncHeartbeat() {
        JoinResult joined = h.joinNew("g").join();
        assertError(Errors.NONE, joined.error());
        assertEquals(1, joined.generation());
        assertEquals(joined.memberId(), joined.leaderId());
        assertEquals(1, joined.members().size());
        assertEquals("CompletingRebalance", h.state("g"));

        CompletableFuture<SyncResult> synced = h.coordinator.sync("g", 1, joined.memberId(), null, "consumer",
                "range", Map.of(joined.memberId(), bytes("a0")));
        assertFalse(synced.isDone(), "the assignment is handed out only once it is written");
        h.drain();
        assertError(Errors.NONE, synced.join().error());
        assertArrayEquals(bytes("a0"), synced.join().assignment());
        assertEquals("Stable", h.state("g"));
        assertError(Errors.NONE, h.heartbeat("g", joined.memberId(), 1));
        assertError(Errors.ILLEGAL_GENERATION, h.heartbeat("g", joined.memberId(), 0));
        assertError(Errors.UNKNOWN_MEMBER_ID, h.heartbeat("g", "nobody", 1));
    }

    /** A second member starts a rebalance; both get the next generation and their own assignment. */
    @Test
    void secondMemberRebalances() {
        JoinResult a = h.joinNew("g").join();
        h.sync("g", 1, a.memberId(), Map.of(a.memberId(), bytes("all"))).join();

        CompletableFuture<JoinResult> bJoin = h.joinNew("g");
        assertFalse(bJoin.isDone(), "waits for the known member to join again");
        assertEquals("PreparingRebalance", h.state("g"));
        assertError(Errors.REBALANCE_IN_PROGRESS, h.heartbeat("g", a.memberId(), 1));

        JoinResult a2 = h.join("g", a.memberId()).join();
        JoinResult b = bJoin.join();
        assertEquals(2, a2.generation());
        assertEquals(2, b.generation());
        assertEquals(a.memberId(), a2.leaderId(), "the leader stays");
        assertEquals(2, a2.members().size());
        assertTrue(b.members().isEmpty(), "only the leader gets the members");

        CompletableFuture<SyncResult> bSync = h.sync("g", 2, b.memberId(), Map.of());
        assertFalse(bSync.isDone(), "a follower waits for the leader's assignment");
        SyncResult aSync = h.sync("g", 2, a.memberId(),
                Map.of(a.memberId(), bytes("p0"), b.memberId(), bytes("p1"))).join();
        assertArrayEquals(bytes("p0"), aSync.assignment());
        assertArrayEquals(bytes("p1"), bSync.join().assignment());
        assertEquals("Stable", h.state("g"));
    }

    /** A member that stops heartbeating is removed after its session timeout, and the rest rebalance. */
    @Test
    void sessionExpiryRemovesMember() {
        JoinResult a = h.joinNew("g").join();
        h.sync("g", 1, a.memberId(), Map.of()).join();
        CompletableFuture<JoinResult> bJoin = h.joinNew("g");
        h.join("g", a.memberId()).join();
        JoinResult b = bJoin.join();
        h.sync("g", 2, b.memberId(), Map.of());
        h.sync("g", 2, a.memberId(), Map.of()).join();

        h.advance(CoordinatorHarness.SESSION_MS * 6 / 10);
        assertError(Errors.NONE, h.heartbeat("g", a.memberId(), 2));
        h.advance(CoordinatorHarness.SESSION_MS * 6 / 10);
        assertEquals("PreparingRebalance", h.state("g"), "b missed its session");
        assertError(Errors.UNKNOWN_MEMBER_ID, h.heartbeat("g", b.memberId(), 2));
        assertError(Errors.REBALANCE_IN_PROGRESS, h.heartbeat("g", a.memberId(), 2));

        JoinResult a3 = h.join("g", a.memberId()).join();
        assertEquals(3, a3.generation());
        assertEquals(1, a3.members().size());
    }

    /** A member that does not join again within the rebalance timeout is left out of the next generation. */
    @Test
    void rebalanceTimeoutDropsSlowMember() {
        JoinResult a = h.joinNew("g").join();
        h.sync("g", 1, a.memberId(), Map.of()).join();
        CompletableFuture<JoinResult> bJoin = h.joinNew("g");
        for (int waited = 0; waited < CoordinatorHarness.REBALANCE_MS; waited += 5_000) {
            // a keeps its session alive but never joins again
            assertError(Errors.REBALANCE_IN_PROGRESS, h.heartbeat("g", a.memberId(), 1));
            assertFalse(bJoin.isDone());
            h.advance(5_000);
        }
        JoinResult b = bJoin.join();
        assertError(Errors.NONE, b.error());
        assertEquals(2, b.generation());
        assertEquals(b.memberId(), b.leaderId());
        assertError(Errors.UNKNOWN_MEMBER_ID, h.heartbeat("g", a.memberId(), 2));
    }

    /** A static member restarting under a new member id takes its old place without a rebalance. */
    @Test
    void staticMemberRejoinsWithoutRebalance() throws Exception {
        JoinResult first = h.coordinator.join(CoordinatorHarness.joinRequest("g", "", "i1", (short) 9)).join();
        assertError(Errors.NONE, first.error());
        assertTrue(first.memberId().startsWith("i1-"));
        h.sync("g", 1, first.memberId(), Map.of(first.memberId(), bytes("mine"))).join();

        CompletableFuture<JoinResult> again = h.coordinator.join(CoordinatorHarness.joinRequest("g", "", "i1", (short) 9));
        h.drain();
        JoinResult second = again.join();
        assertError(Errors.NONE, second.error());
        assertNotEquals(first.memberId(), second.memberId());
        assertEquals(1, second.generation(), "no rebalance");
        assertTrue(second.skipAssignment(), "a v9 leader need not assign again");
        assertEquals("Stable", h.state("g"));
        assertError(Errors.FENCED_INSTANCE_ID, h.coordinator.heartbeat("g", first.memberId(), "i1", 1));
        SyncResult synced = h.sync("g", 1, second.memberId(), Map.of()).join();
        assertArrayEquals(bytes("mine"), synced.assignment(), "the assignment carries over");

        // the new id was written before it was handed out: a restarted broker still fences the old one
        h = h.restart();
        assertEquals("Stable", h.state("g"));
        assertError(Errors.FENCED_INSTANCE_ID, h.coordinator.heartbeat("g", first.memberId(), "i1", 1));
        assertError(Errors.NONE, h.coordinator.heartbeat("g", second.memberId(), "i1", 1));
    }

    /** LeaveGroup removes the member at once; the last one leaving empties the group, which may then be deleted. */
    @Test
    void leaveThenDelete() {
        JoinResult a = h.joinNew("g").join();
        h.sync("g", 1, a.memberId(), Map.of()).join();
        assertError(Errors.NON_EMPTY_GROUP, deleteGroup("g"));
        GroupCoordinator.LeaveResult left = h.coordinator.leave("g",
                List.of(new GroupCoordinator.LeavingMember(a.memberId(), null)));
        h.drain();
        assertError(Errors.NONE, left.members().get(0));
        assertEquals("Empty", h.state("g"));
        assertEquals(1, h.coordinator.list().size());
        assertError(Errors.NONE, deleteGroup("g"));
        assertTrue(h.coordinator.list().isEmpty());
        assertError(Errors.GROUP_ID_NOT_FOUND, deleteGroup("g"));
    }

    private dev.wharf.server.ErrorCode deleteGroup(String group) {
        CompletableFuture<dev.wharf.server.ErrorCode> f = h.coordinator.deleteGroup(group);
        h.drain();
        return f.join();
    }
}
