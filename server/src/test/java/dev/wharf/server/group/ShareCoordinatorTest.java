package dev.wharf.server.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.wharf.controller.TopicInfo;
import dev.wharf.server.ErrorCode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The share side of the group coordinator over real {@code __consumer_offsets} logs, with a manual clock and timer. */
class ShareCoordinatorTest {
    private static final UUID TOPIC_ID = UUID.randomUUID();
    private static final TopicInfo TOPIC = new TopicInfo("orders", TOPIC_ID, List.of(
            new TopicInfo.PartitionInfo(0, List.of(0), 0, 0, List.of(0)),
            new TopicInfo.PartitionInfo(1, List.of(0), 0, 0, List.of(0))), Map.of());

    @TempDir
    Path dir;

    CoordinatorHarness h;
    ShareCoordinator share;
    ShareOffsetsAdmin offsets;

    @BeforeEach
    void start() throws Exception {
        open(new CoordinatorHarness(dir, Map.of("offsets.retention.minutes", "1", "group.share.session.timeout.ms", "5000")));
    }

    private void open(CoordinatorHarness harness) {
        h = harness;
        share = new ShareCoordinator(h.store, name -> name.equals("orders") ? Optional.of(TOPIC) : Optional.empty(),
                group -> group.equals("patient") ? Map.of("share.session.timeout.ms", "8000",
                        "share.heartbeat.interval.ms", "6000") : Map.of(), h.io,
                h.timer, h.now::get);
        offsets = new ShareOffsetsAdmin(h.store, h.now::get);
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    private ShareCoordinator.HeartbeatResult beat(String member, int epoch) {
        ShareCoordinator.HeartbeatResult r = share.heartbeat("g", member, epoch, null, epoch == 0 ? List.of("orders") : null,
                "client-" + member, "/127.0.0.1");
        h.drain();
        return r;
    }

    private <T> T done(CompletableFuture<T> f) {
        h.drain();
        return f.join();
    }

    // Members share the partitions: two partitions, three members, each member one partition; a new epoch each time.
    @Test
    void membersShareThePartitionsAndAreFencedOnAFutureEpoch() {
        ShareCoordinator.HeartbeatResult a = beat("a", 0);
        assertEquals(Map.of(TOPIC_ID, List.of(0, 1)), a.assignment());
        beat("b", 0);
        ShareCoordinator.HeartbeatResult c = beat("c", 0);
        assertEquals(Map.of(TOPIC_ID, List.of(0)), c.assignment(), "c is third: partition 2 % 2 = 0");
        ShareCoordinator.HeartbeatResult a2 = beat("a", a.memberEpoch());
        assertEquals(Map.of(TOPIC_ID, List.of(0)), a2.assignment(), "a learns its smaller assignment");
        assertEquals(Errors.FENCED_MEMBER_EPOCH.code(), beat("a", a2.memberEpoch() + 1).error());
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), beat("nobody", 3).error());
        assertEquals(Errors.NONE.code(), beat("c", -1).error());
        assertEquals(2, share.describe("g").members().size());
    }

    // A member that stops heartbeating is removed after the session timeout; the group goes Empty.
    @Test
    void silentMembersAreRemoved() {
        beat("a", 0);
        h.advance(4_000);
        assertEquals("Stable", share.describe("g").state());
        h.advance(2_000);
        h.drain();
        assertEquals("Empty", share.describe("g").state());
    }

    // A group's share.session.timeout.ms and share.heartbeat.interval.ms replace the broker's for its members.
    @Test
    void groupConfigsSetTheSessionAndHeartbeat() {
        ShareCoordinator.HeartbeatResult r = share.heartbeat("patient", "a", 0, null, List.of("orders"), "c", "/127.0.0.1");
        h.drain();
        assertEquals(6000, r.intervalMs());
        h.advance(7_000);
        assertEquals("Stable", share.describe("patient").state(), "the broker's 5 s are not this group's");
        h.advance(2_000);
        h.drain();
        assertEquals("Empty", share.describe("patient").state());
    }

    // Share-partition state survives a restart of the coordinator; an empty share group is never expired by offset retention.
    @Test
    void stateIsDurableAndNeverExpires() throws Exception {
        ShareStateRecord s = new ShareStateRecord(TOPIC_ID, 0, 0, 3, 42, List.of(new ShareStateRecord.Batch(42, 44, (byte) 2, (short) 1)));
        assertEquals(ErrorCode.NONE, done(share.writeState("g", s)));
        h.advance(3_600_000);
        h.offsets.expireOffsets();
        h.drain();
        open(h.restart());
        assertEquals(s, share.readState("g", TOPIC_ID, 0).state());
        assertNull(share.readState("g", TOPIC_ID, 1).state());
        assertEquals(ErrorCode.FENCED_LEADER_EPOCH, done(share.writeState("g",
                new ShareStateRecord(TOPIC_ID, 0, 0, 2, 50, List.of()))), "an older leader");
    }

    // Altered start offsets start a new state epoch: a leader still writing the old state is refused.
    @Test
    void alteredOffsetsFenceTheOldState() {
        assertEquals(ErrorCode.NONE, done(offsets.alter("g", Map.of(TOPIC_ID, Map.of(0, 7L)))));
        ShareStateRecord altered = share.readState("g", TOPIC_ID, 0).state();
        assertNotNull(altered);
        assertEquals(7, altered.startOffset());
        assertEquals(ErrorCode.FENCED_STATE_EPOCH, done(share.writeState("g",
                new ShareStateRecord(TOPIC_ID, 0, altered.stateEpoch() - 1, 5, 9, List.of()))));
        beat("a", 0);
        assertEquals(ErrorCode.NON_EMPTY_GROUP, done(offsets.alter("g", Map.of(TOPIC_ID, Map.of(0, 0L)))));
        assertEquals(ErrorCode.NON_EMPTY_GROUP, done(offsets.delete("g", java.util.Set.of(TOPIC_ID))));
    }

    // Members are durable (Kafka's share member records): after a restart a member carries on with its epoch and
    // assignment, no UNKNOWN_MEMBER_ID; a member that left stays gone; a restored member that stays silent expires.
    @Test
    void membersCarryOnAfterARestart() throws Exception {
        ShareCoordinator.HeartbeatResult a = beat("a", 0);
        ShareCoordinator.HeartbeatResult b = beat("b", 0);
        ShareCoordinator.HeartbeatResult a2 = beat("a", a.memberEpoch());
        assertEquals(Map.of(TOPIC_ID, List.of(0)), a2.assignment());
        beat("c", 0);
        assertEquals(Errors.NONE.code(), beat("c", -1).error());
        ShareCoordinator.DescribedGroup before = share.describe("g");

        open(h.restart());
        ShareCoordinator.DescribedGroup after = share.describe("g");
        assertEquals(before.epoch(), after.epoch());
        assertEquals(before.state(), after.state());
        assertEquals(byId(before), byId(after), "the same members, epochs, assignments and clients");
        ShareCoordinator.HeartbeatResult a3 = beat("a", a2.memberEpoch());
        assertEquals(Errors.NONE.code(), a3.error());
        assertEquals(a2.memberEpoch(), a3.memberEpoch());
        assertNull(a3.assignment(), "nothing changed for a");
        ShareCoordinator.HeartbeatResult b2 = beat("b", b.memberEpoch());
        assertEquals(Errors.NONE.code(), b2.error());
        assertEquals(Map.of(TOPIC_ID, List.of(1)), share.describe("g").members().stream()
                .filter(m -> m.memberId().equals("b")).findFirst().orElseThrow().assignment());

        assertEquals(Errors.NONE.code(), beat("b", b2.memberEpoch()).error());
        assertEquals(Errors.NONE.code(), beat("b", -1).error());
        open(h.restart());
        assertEquals(List.of("a"), share.describe("g").members().stream().map(ShareCoordinator.DescribedMember::memberId).toList());
        assertEquals(Map.of(TOPIC_ID, List.of(0, 1)), share.describe("g").members().get(0).assignment(),
                "a was given both partitions when b left");
        h.advance(6_000);
        h.drain();
        assertEquals("Empty", share.describe("g").state(), "a restored member gets a session timeout too");
        open(h.restart());
        assertEquals("Empty", share.describe("g").state());
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), beat("a", a2.memberEpoch()).error());
    }

    // Deleted offsets fence like altered ones: a leader still holding the old state cannot write it back, even
    // after a restart; the next leader starts afresh in the new state epoch; Describe no longer shows the partition.
    @Test
    void deletedOffsetsFenceTheOldState() throws Exception {
        ShareStateRecord held = new ShareStateRecord(TOPIC_ID, 0, 0, 3, 42, List.of(new ShareStateRecord.Batch(42, 44, (byte) 2, (short) 1)));
        assertEquals(ErrorCode.NONE, done(share.writeState("g", held)));
        assertEquals(ErrorCode.NONE, done(offsets.delete("g", java.util.Set.of(TOPIC_ID))));
        ShareStateRecord marker = share.readState("g", TOPIC_ID, 0).state();
        assertNotNull(marker);
        assertEquals(true, marker.isDeleted());
        assertEquals(1, marker.stateEpoch());
        assertEquals(Map.of(), offsets.describe("g").states());
        assertEquals(ErrorCode.FENCED_STATE_EPOCH, done(share.writeState("g",
                new ShareStateRecord(TOPIC_ID, 0, 0, 3, 45, List.of()))), "the old holder writes back");
        open(h.restart());
        assertEquals(ErrorCode.FENCED_STATE_EPOCH, done(share.writeState("g",
                new ShareStateRecord(TOPIC_ID, 0, 0, 3, 45, List.of()))), "still fenced after a restart");
        assertEquals(ErrorCode.NONE, done(offsets.delete("g", java.util.Set.of(TOPIC_ID))), "deleting again changes nothing");
        assertEquals(1, share.readState("g", TOPIC_ID, 0).state().stateEpoch());
        ShareStateRecord fresh = new ShareStateRecord(TOPIC_ID, 0, 1, 3, 0, List.of());
        assertEquals(ErrorCode.NONE, done(share.writeState("g", fresh)), "a leader that loaded the place holder");
        assertEquals(Map.of(TOPIC_ID, Map.of(0, fresh)), offsets.describe("g").states());
    }

    // A member record restores what was written; a corrupted count is refused before anything is allocated from it.
    @Test
    void memberRecordsRoundTripAndRefuseHostileCounts() {
        ShareGroup group = new ShareGroup("g", 0);
        ShareGroup.Member m = new ShareGroup.Member("m-1");
        m.epoch = 7;
        m.clientId = "client";
        m.clientHost = "/127.0.0.1";
        m.rackId = "rack-a";
        m.subscribedTopics = List.of("orders", "payments");
        m.assignment = Map.of(TOPIC_ID, List.of(0, 1));
        group.members.put(m.memberId, m);
        group.epoch = 7;
        java.util.Map<String, Group> restored = new java.util.HashMap<>();
        GroupPersistence.restore(List.of(ShareGroupRecords.groupEntry(group), ShareGroupRecords.memberEntry("g", m)), 0,
                restored, new OffsetTable());
        ShareGroup.Member back = ((ShareGroup) restored.get("g")).members.get("m-1");
        assertEquals(List.of(7, "client", "/127.0.0.1", "rack-a", List.of("orders", "payments"), Map.of(TOPIC_ID, List.of(0, 1))),
                List.of(back.epoch, back.clientId, back.clientHost, back.rackId, back.subscribedTopics, back.assignment));

        var entry = ShareGroupRecords.memberEntry("g", m);
        byte[] hostile = entry.value().clone();
        int topicCountAt = 2 + 4 + 2 + "client".length() + 2 + "/127.0.0.1".length() + 1 + 2 + "rack-a".length();
        java.nio.ByteBuffer.wrap(hostile).putInt(topicCountAt, Integer.MAX_VALUE);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> GroupPersistence.restore(
                List.of(new dev.wharf.server.coordinator.CoordinatorLog.Entry(entry.key(), hostile)), 0,
                new java.util.HashMap<>(), new OffsetTable()));
    }

    private static Map<String, ShareCoordinator.DescribedMember> byId(ShareCoordinator.DescribedGroup g) {
        return g.members().stream().collect(java.util.stream.Collectors.toMap(ShareCoordinator.DescribedMember::memberId, m -> m));
    }
}
