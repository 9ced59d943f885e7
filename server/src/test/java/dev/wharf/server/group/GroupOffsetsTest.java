package dev.wharf.server.group;

import static dev.wharf.server.group.CoordinatorHarness.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.group.GroupCoordinator.JoinResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Committed offsets: checks against the group, the order of writes, deletion and retention. */
class GroupOffsetsTest {
    @TempDir
    Path dir;

    CoordinatorHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new CoordinatorHarness(dir, Map.of("offsets.retention.minutes", "1"));
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    private JoinResult stableMember(String group) {
        JoinResult a = h.joinNew(group).join();
        h.sync(group, a.generation(), a.memberId(), Map.of()).join();
        return a;
    }

    /** Only a member of the current generation may commit; a stale one is told which check failed. */
    @Test
    void commitIsCheckedAgainstTheGeneration() {
        JoinResult a = stableMember("g");
        assertError(Errors.NONE, h.commit("g", a.memberId(), 1, "t", 0, 42).get(0));
        assertEquals(Optional.of(42L), h.committed("g", "t", 0));
        assertError(Errors.ILLEGAL_GENERATION, h.commit("g", a.memberId(), 0, "t", 0, 43).get(0));
        assertError(Errors.UNKNOWN_MEMBER_ID, h.commit("g", "nobody", 1, "t", 0, 43).get(0));
        assertError(Errors.UNKNOWN_MEMBER_ID, h.commit("g", "", -1, "t", 0, 43).get(0));
        assertError(Errors.UNKNOWN_TOPIC_OR_PARTITION, h.commit("g", a.memberId(), 1, "t", 4, 43).get(0));
        assertError(Errors.GROUP_ID_NOT_FOUND, h.commit("nope", "m", 3, "t", 0, 1).get(0));
        assertEquals(Optional.of(42L), h.committed("g", "t", 0));

        // mid-rebalance, the member knows the new generation but not its assignment
        CompletableFuture<JoinResult> b = h.joinNew("g");
        h.join("g", a.memberId()).join();
        b.join();
        assertError(Errors.REBALANCE_IN_PROGRESS, h.commit("g", a.memberId(), 2, "t", 0, 44).get(0));
    }

    /**
     * A commit queued when the group's partition moves to another broker hears NOT_COORDINATOR (the
     * client finds the new coordinator and commits there), never UNKNOWN_MEMBER_ID: the member is
     * fine, only its coordinator moved.
     */
    @Test
    void aCommitRacingTheGroupsMoveIsToldToFindTheCoordinator() {
        JoinResult a = stableMember("g");
        CompletableFuture<List<ErrorCode>> racing = h.offsets.commitOffsets("g", a.memberId(), null, a.generation(), -1,
                List.of(new GroupOffsets.OffsetToCommit("t", 0, 5, -1, "")), (short) 9);
        h.store.unload(h.store.partitionOf("g").getAsInt());
        h.drain();
        assertError(Errors.NOT_COORDINATOR, racing.join().get(0));
    }

    /** A consumer assigning its own partitions commits with generation -1 into a group with no members. */
    @Test
    void standaloneCommitCreatesAnEmptyGroup() {
        assertError(Errors.NONE, h.commit("solo", "", -1, "t", 1, 7).get(0));
        assertEquals(Optional.of(7L), h.committed("solo", "t", 1));
        assertEquals("Empty", h.state("solo"));
        assertEquals(List.of("solo"), h.coordinator.list().stream().map(GroupCoordinator.GroupSummary::groupId).toList());
    }

    /** Of two commits racing to one partition, the one written last is the one kept, in memory and on disk. */
    @Test
    void lastWrittenCommitWins() throws Exception {
        CompletableFuture<List<ErrorCode>> first = commitAsync("solo", 1);
        CompletableFuture<List<ErrorCode>> second = commitAsync("solo", 2);
        assertFalse(first.isDone() || second.isDone(), "nothing is answered before it is written");
        assertTrue(h.io.pending() > 0, "the append runs on the partition's writer, not in the caller");
        h.drain();
        assertError(Errors.NONE, first.join().get(0));
        assertError(Errors.NONE, second.join().get(0));
        assertEquals(Optional.of(2L), h.committed("solo", "t", 0));
        h = h.restart();
        assertEquals(Optional.of(2L), h.committed("solo", "t", 0));
    }

    private CompletableFuture<List<ErrorCode>> commitAsync(String group, long offset) {
        return h.offsets.commitOffsets(group, "", null, -1, -1,
                List.of(new GroupOffsets.OffsetToCommit("t", 0, offset, -1, "")), (short) 9);
    }

    /** Offsets live apart from membership: a rebalance does not touch them, and a restart brings both back. */
    @Test
    void offsetsOutliveGenerationsAndRestarts() throws Exception {
        JoinResult a = stableMember("g");
        h.commit("g", a.memberId(), 1, "t", 2, 100);
        CompletableFuture<JoinResult> b = h.joinNew("g");
        h.join("g", a.memberId()).join();
        b.join();
        assertEquals(Optional.of(100L), h.committed("g", "t", 2));
        h = h.restart();
        assertEquals(Optional.of(100L), h.committed("g", "t", 2));
    }

    /** OffsetDelete removes offsets of an empty group; deleting the group takes every offset with it. */
    @Test
    void deleteOffsetsAndGroup() throws Exception {
        h.commit("solo", "", -1, "t", 0, 1);
        h.commit("solo", "", -1, "u", 0, 2);
        CompletableFuture<GroupOffsets.DeleteResult> deleted = h.offsets.deleteOffsets("solo",
                List.of(new TopicPartition("t", 0)));
        h.drain();
        assertError(Errors.NONE, deleted.join().error());
        assertError(Errors.NONE, deleted.join().partitions().get(new TopicPartition("t", 0)));
        assertEquals(Optional.empty(), h.committed("solo", "t", 0));
        assertEquals(Optional.of(2L), h.committed("solo", "u", 0));

        CompletableFuture<ErrorCode> gone = h.coordinator.deleteGroup("solo");
        h.drain();
        assertError(Errors.NONE, gone.join());
        assertEquals(Optional.empty(), h.committed("solo", "u", 0));
        h = h.restart();
        assertEquals(Optional.empty(), h.committed("solo", "u", 0));
        assertTrue(h.coordinator.list().isEmpty());
    }

    /** An empty group's offsets expire after the retention, and the group with them. */
    @Test
    void retentionExpiresOffsetsOfEmptyGroups() {
        h.commit("solo", "", -1, "t", 0, 1);
        h.advance(30_000);
        assertEquals(0, h.offsets.expireOffsets());
        h.advance(31_000);
        assertEquals(1, h.offsets.expireOffsets());
        h.drain();
        assertEquals(Optional.empty(), h.committed("solo", "t", 0));
        assertTrue(h.coordinator.list().isEmpty());
    }

    /** A deleted topic's offsets go from every group. */
    @Test
    void deletedTopicTakesItsOffsets() {
        JoinResult a = stableMember("g");
        h.commit("g", a.memberId(), 1, "t", 0, 5);
        h.commit("g", a.memberId(), 1, "u", 0, 6);
        h.topic.deleteTopic("t");
        h.drain();
        assertEquals(Optional.empty(), h.committed("g", "t", 0));
        assertEquals(Optional.of(6L), h.committed("g", "u", 0));
    }
}
