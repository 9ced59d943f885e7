package dev.wharf.server.group;

import static dev.wharf.server.group.CoordinatorHarness.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.group.ConsumerGroupHeartbeats.Heartbeat;
import dev.wharf.server.group.ConsumerGroupHeartbeats.HeartbeatResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ConsumerGroupHeartbeat (KIP-848) on a manual clock, timer and io executor over real logs:
 * epochs, incremental hand-over, Kafka's errors, session expiry, static members, and a group
 * rebuilt from {@code __consumer_offsets} after a restart.
 */
class ConsumerGroupHeartbeatsTest {
    @TempDir
    Path dir;

    CoordinatorHarness h;
    ConsumerGroups groups;

    @BeforeEach
    void start() throws Exception {
        h = new CoordinatorHarness(dir, Map.of("group.consumer.max.size", "3", "group.consumer.session.timeout.ms",
                "10000", "group.consumer.heartbeat.interval.ms", "1000"));
        groups = consumerGroups(h);
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    private static ConsumerGroups consumerGroups(CoordinatorHarness h) {
        return new ConsumerGroups(h.store, h.io, h.timer, h.now::get, new ConsumerTopics() {
            @Override
            public int partitions(String topic) {
                return h.topic.topics.getOrDefault(topic, -1);
            }

            @Override
            public java.util.Collection<String> names() {
                return List.copyOf(h.topic.topics.keySet());
            }
        });
    }

    private HeartbeatResult send(Heartbeat hb) {
        CompletableFuture<HeartbeatResult> f = groups.heartbeat(hb);
        h.drain();
        assertTrue(f.isDone(), "answered once written");
        return f.join();
    }

    private HeartbeatResult join(String member, String instanceId, String assignor) {
        return send(new Heartbeat("g", member, 0, instanceId, null, 30_000, List.of("t"), null, assignor, Map.of(),
                "client", "/127.0.0.1", (short) 1));
    }

    private HeartbeatResult join(String member) {
        return join(member, null, null);
    }

    private HeartbeatResult beat(String member, int epoch, Map<String, Set<Integer>> owned) {
        return send(new Heartbeat("g", member, epoch, null, null, -1, null, null, null, owned, "client", "/127.0.0.1",
                (short) 1));
    }

    private static Map<String, Set<Integer>> t(Integer... partitions) {
        return Map.of("t", Set.of(partitions));
    }

    // A second member gets partitions only after the first heartbeat shows them released; the first keeps
    // its epoch while it revokes, and never has to give up a partition it keeps.
    @Test
    void incrementalHandOver() {
        HeartbeatResult a = join("a");
        assertError(Errors.NONE, a.error());
        assertEquals(1, a.memberEpoch());
        assertEquals(t(0, 1, 2, 3), a.assignment());

        HeartbeatResult b = join("b");
        assertEquals(2, b.memberEpoch());
        assertEquals(Map.of(), b.assignment(), "a still owns everything");

        HeartbeatResult revoke = beat("a", 1, null);
        assertEquals(1, revoke.memberEpoch(), "the epoch waits for the revocation");
        assertEquals(t(0, 1), revoke.assignment());
        assertEquals("Reconciling", groups.describe("g").state());
        assertNull(beat("b", 2, Map.of()).assignment(), "nothing released yet");

        HeartbeatResult released = beat("a", 1, t(0, 1));
        assertEquals(2, released.memberEpoch());
        HeartbeatResult taken = beat("b", 2, Map.of());
        assertEquals(t(2, 3), taken.assignment());
        assertNull(beat("b", 2, t(2, 3)).assignment(), "unchanged: not sent again");
        ConsumerGroups.DescribedGroup d = groups.describe("g");
        assertEquals("Stable", d.state());
        assertEquals(2, d.groupEpoch());
        assertEquals(2, d.assignmentEpoch());
        assertEquals("uniform", d.assignorName());
    }

    // Kafka's errors for bad epochs, unknown members, bad requests, unknown assignors and a full group.
    @Test
    void errors() {
        join("a");
        assertError(Errors.FENCED_MEMBER_EPOCH, beat("a", 7, null).error());
        assertError(Errors.UNKNOWN_MEMBER_ID, beat("nobody", 1, null).error());
        assertError(Errors.INVALID_REQUEST, send(new Heartbeat("g", "x", 0, null, null, -1, List.of("t"), null, null,
                Map.of(), "c", "h", (short) 1)).error());
        assertError(Errors.INVALID_REQUEST, send(new Heartbeat("g", "", 1, null, null, -1, null, null, null, null, "c", "h",
                (short) 1)).error());
        assertError(Errors.INVALID_GROUP_ID, send(new Heartbeat("", "x", 0, null, null, 1000, List.of("t"), null, null,
                Map.of(), "c", "h", (short) 1)).error());
        assertError(Errors.UNSUPPORTED_ASSIGNOR, join("x", null, "sticky").error());
        assertError(Errors.INVALID_REGULAR_EXPRESSION, send(new Heartbeat("g", "x", 0, null, null, 1000, null, "(", null,
                Map.of(), "c", "h", (short) 1)).error());
        join("b");
        join("c");
        assertError(Errors.GROUP_MAX_SIZE_REACHED, join("d").error());
        // a classic group's id is not a consumer group's
        h.joinNew("classic");
        assertError(Errors.GROUP_ID_NOT_FOUND, send(new Heartbeat("classic", "x", 0, null, null, 1000, List.of("t"), null,
                null, Map.of(), "c", "h", (short) 1)).error());
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), groups.describe("classic").error().code);
    }

    // A member that stops heartbeating is removed after group.consumer.session.timeout.ms; the rest take over.
    @Test
    void sessionExpiry() {
        join("a");
        HeartbeatResult b = join("b");
        beat("a", 1, null);
        beat("a", 1, t(0, 1));
        assertEquals(t(2, 3), beat("b", b.memberEpoch(), Map.of()).assignment());
        for (int i = 0; i < 6; i++) {
            h.advance(2_000);
            beat("b", 2, t(2, 3));
        }
        HeartbeatResult after = beat("b", 2, t(2, 3));
        assertEquals(3, after.memberEpoch());
        assertEquals(t(0, 1, 2, 3), after.assignment());
        assertEquals(1, groups.describe("g").members().size());
    }

    // A static member that leaves for now (-2) keeps its partitions; back under a new member id it gets them
    // again, without a new group epoch, and survives a restart; a second instance with the same id is refused
    // meanwhile.
    @Test
    void staticMemberComesBack() throws Exception {
        HeartbeatResult a = join("a", "instance-a", null);
        assertEquals(t(0, 1, 2, 3), a.assignment());
        HeartbeatResult dup = join("a2", "instance-a", null);
        assertError(Errors.UNRELEASED_INSTANCE_ID, dup.error());
        HeartbeatResult left = send(new Heartbeat("g", "a", -2, "instance-a", null, -1, null, null, null, null, "c", "h",
                (short) 1));
        assertEquals(-2, left.memberEpoch());
        HeartbeatResult back = join("a-new", "instance-a", null);
        assertError(Errors.NONE, back.error());
        assertEquals(1, back.memberEpoch());
        assertEquals(t(0, 1, 2, 3), back.assignment());
        assertEquals(1, groups.describe("g").groupEpoch());
        ConsumerGroups.DescribedGroup before = groups.describe("g");
        h = h.restart(); // the member that took over is durable too
        groups = consumerGroups(h);
        assertEquals(before, groups.describe("g"));
        assertEquals("a-new", groups.describe("g").members().get(0).memberId());
    }

    // Offsets are committed and fetched with the member's epoch: a stale one is refused.
    @Test
    void offsetCommitChecksTheMemberEpoch() {
        join("a");
        HeartbeatResult b = join("b");
        beat("a", 1, null);
        beat("a", 1, t(0, 1));
        beat("b", b.memberEpoch(), Map.of());
        assertEquals(List.of(dev.wharf.server.ErrorCode.NONE), h.commit("g", "a", 2, "t", 0, 5));
        assertEquals(List.of(dev.wharf.server.ErrorCode.NONE), h.commit("g", "a", 1, "t", 0, 6), "the previous epoch");
        assertEquals(List.of(dev.wharf.server.ErrorCode.STALE_MEMBER_EPOCH), h.commit("g", "b", 1, "t", 2, 5));
        assertEquals(List.of(dev.wharf.server.ErrorCode.UNKNOWN_MEMBER_ID), h.commit("g", "zz", 2, "t", 2, 5));
        assertEquals(dev.wharf.server.ErrorCode.STALE_MEMBER_EPOCH,
                h.offsets.fetchRequested("g", Map.of("t", List.of(0)), "b", 9).error());
        assertEquals(6L, h.offsets.fetchRequested("g", Map.of("t", List.of(0)), "a", 2).topics().get("t").get(0)
                .offset().offset());
    }

    // As Kafka 4.4: a member of the new protocol commits with OffsetCommit v9+ (older versions get
    // UNSUPPORTED_VERSION); a TxnOffsetCommit must name a member once the group has some, and a stale
    // epoch fails it with ILLEGAL_GENERATION, the error a producer knows.
    @Test
    void offsetCommitVersionAndTransactionalRules() {
        assertEquals(List.of(ErrorCode.NONE), commitAt("", -1, (short) 8), "an empty group takes anyone's offsets");
        HeartbeatResult a = join("a");
        beat("a", a.memberEpoch(), t(0, 1, 2, 3));
        assertEquals(List.of(ErrorCode.UNSUPPORTED_VERSION), commitAt("a", 1, (short) 8));
        assertEquals(List.of(ErrorCode.UNSUPPORTED_VERSION), commitAt("a", 1, (short) 2));
        assertEquals(List.of(ErrorCode.UNKNOWN_MEMBER_ID), commitAt("zz", 1, (short) 8), "the member first");
        assertEquals(List.of(ErrorCode.UNKNOWN_MEMBER_ID), commitAt("", -1, (short) 8), "no member, members present");
        assertEquals(List.of(ErrorCode.NONE), commitAt("a", 1, (short) 9));
        assertEquals(List.of(ErrorCode.UNKNOWN_MEMBER_ID), txnCommit("", -1), "a producer naming no member");
        assertEquals(List.of(ErrorCode.ILLEGAL_GENERATION), txnCommit("a", 7));
        assertEquals(List.of(ErrorCode.UNKNOWN_MEMBER_ID), txnCommit("zz", 1));
        assertEquals(List.of(ErrorCode.NONE), txnCommit("a", 1));
        assertEquals(List.of(ErrorCode.ILLEGAL_GENERATION), txnCommitTo("nosuch", "a", 1), "a group not there");
        assertEquals(List.of(ErrorCode.NONE), txnCommitTo("nosuch", "", -1), "a producer outside any group");
    }

    private List<ErrorCode> commitAt(String member, int epoch, short version) {
        CompletableFuture<List<ErrorCode>> f = h.offsets.commitOffsets("g", member, null, epoch, -1,
                List.of(new GroupOffsets.OffsetToCommit("t", 0, 3, -1, "")), version);
        h.drain();
        return f.join();
    }

    private List<ErrorCode> txnCommit(String member, int epoch) {
        return txnCommitTo("g", member, epoch);
    }

    private List<ErrorCode> txnCommitTo(String group, String member, int epoch) {
        CompletableFuture<List<ErrorCode>> f = h.offsets.commitTransactionalOffsets(group, 42L, (short) 0, member, null,
                epoch, List.of(new GroupOffsets.OffsetToCommit("t", 0, 4, -1, "")));
        h.drain();
        return f.join();
    }

    // As Kafka: a regular expression gives a member only the matching topics its principal may DESCRIBE;
    // a right granted later brings the topic in; a member restored after a restart keeps to its target's
    // topics until it heartbeats here with its rights.
    @Test
    void regexMatchesOnlyDescribableTopics() throws Exception {
        Predicate<String> notU = topic -> !topic.equals("u");
        HeartbeatResult a = send(regexBeat("a", 0, Map.of(), notU));
        assertEquals(Map.of("t", Set.of(0, 1, 2, 3)), a.assignment());
        HeartbeatResult granted = send(regexBeat("a", a.memberEpoch(), a.assignment(), topic -> true));
        assertEquals(2, granted.memberEpoch());
        assertEquals(Set.of("t", "u"), granted.assignment().keySet());

        h = h.restart();
        groups = consumerGroups(h);
        h.topic.topics.put("v", 2);
        HeartbeatResult b = join("b"); // by name: t; the group's target is recomputed
        assertEquals(Set.of("t", "u"), groups.describe("g").members().stream()
                .flatMap(m -> m.targetAssignment().keySet().stream()).collect(Collectors.toSet()),
                "v waits for a's rights");
        send(regexBeat("a", granted.memberEpoch(), granted.assignment(), notU));
        assertTrue(groups.describe("g").members().stream().noneMatch(m -> m.targetAssignment().containsKey("u")),
                "a's right to u was taken away");
        assertTrue(groups.describe("g").members().stream().anyMatch(m -> m.targetAssignment().containsKey("v")));
        assertNotNull(b.memberId());
    }

    // A right granted on a topic another member already subscribes to (the partition counts stay) still moves the
    // group epoch, so the assignor sees the member's new subscription.
    @Test
    void rightGrantedOnTopicAnotherMemberHas() {
        HeartbeatResult b = send(new Heartbeat("g", "b", 0, null, null, 30_000, List.of("u"), null, null, Map.of(),
                "client", "/127.0.0.1", (short) 1));
        HeartbeatResult a = send(regexBeat("a", 0, Map.of(), topic -> !topic.equals("u")));
        assertEquals(Map.of("t", Set.of(0, 1, 2, 3)), a.assignment());
        int epoch = groups.describe("g").groupEpoch();
        send(regexBeat("a", a.memberEpoch(), a.assignment(), topic -> true));
        assertEquals(epoch + 1, groups.describe("g").groupEpoch());
        assertNotNull(b.memberId());
    }

    private static Heartbeat regexBeat(String member, int epoch, Map<String, Set<Integer>> owned,
            Predicate<String> describable) {
        return new Heartbeat("g", member, epoch, null, null, epoch == 0 ? 30_000 : -1, epoch == 0 ? List.of() : null,
                epoch == 0 ? "[tuv]" : null, null, owned, "client", "/127.0.0.1", (short) 1, describable);
    }

    // Members, epochs and assignments survive a restart: the group is rebuilt from its records.
    @Test
    void restoredAfterRestart() throws Exception {
        join("a");
        HeartbeatResult b = join("b");
        beat("a", 1, null);
        ConsumerGroups.DescribedGroup before = groups.describe("g");
        h = h.restart();
        groups = consumerGroups(h);
        ConsumerGroups.DescribedGroup after = groups.describe("g");
        assertEquals(before, after);
        // a is still revoking at epoch 1; once it does, b gets the rest
        assertEquals(2, beat("a", 1, t(0, 1)).memberEpoch());
        HeartbeatResult taken = beat("b", b.memberEpoch(), Map.of());
        assertNotNull(taken.assignment());
        assertEquals(t(2, 3), taken.assignment());
    }

    // More partitions for a subscribed topic: a new group epoch, and the new partitions are assigned.
    @Test
    void partitionCountChange() {
        join("a");
        h.topic.topics.put("t", 6);
        HeartbeatResult grown = beat("a", 1, t(0, 1, 2, 3));
        assertEquals(2, grown.memberEpoch());
        assertEquals(t(0, 1, 2, 3, 4, 5), grown.assignment());
    }

    private static byte[] subscription(String topic) {
        io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.buffer();
        dev.wharf.wire.protocol.MessageWriter w = new dev.wharf.wire.protocol.MessageWriter(buf);
        w.writeShort((short) 1);
        new dev.wharf.wire.message.ConsumerProtocolSubscription().setTopics(List.of(topic)).write(w, (short) 1);
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        buf.release();
        return out;
    }

    private GroupCoordinator.JoinResult classicJoin(String memberId) {
        CompletableFuture<GroupCoordinator.JoinResult> f = h.coordinator.join(new GroupCoordinator.JoinRequest("g", memberId,
                null, "client", "/127.0.0.1", 10_000, 30_000, "consumer", Map.of("range", subscription("t")), (short) 9));
        h.drain();
        return f.join();
    }

    private CompletableFuture<GroupCoordinator.JoinResult> classicJoinAsync(String memberId) {
        CompletableFuture<GroupCoordinator.JoinResult> f = h.coordinator.join(new GroupCoordinator.JoinRequest("g", memberId,
                null, "client", "/127.0.0.1", 10_000, 30_000, "consumer", Map.of("range", subscription("t")), (short) 9));
        h.drain();
        return f;
    }

    // As Kafka 4.4: a classic group in the middle of a rebalance (PreparingRebalance) converts too when a member of
    // the new protocol joins; a member waiting in JoinGroup is answered REBALANCE_IN_PROGRESS and joins again, now
    // the consumer group's; the stable member is asked to join again.
    @Test
    void classicGroupConvertsWhilePreparingRebalance() {
        groups.serveClassicMembersOf(h.coordinator);
        String c = classicJoin(classicJoin("").memberId()).memberId();
        h.sync("g", 1, c, Map.of(c, ConsumerGroup.assignmentBytes(t(0, 1, 2, 3)))).join();
        String d = classicJoin("").memberId();
        CompletableFuture<GroupCoordinator.JoinResult> waiting = classicJoinAsync(d);
        assertEquals("PreparingRebalance", h.state("g"));
        assertFalse(waiting.isDone());

        HeartbeatResult a = join("a");
        assertEquals(ErrorCode.NONE, a.error());
        assertTrue(h.store.group("g") instanceof ConsumerGroup);
        assertEquals(2, a.memberEpoch());
        assertError(Errors.REBALANCE_IN_PROGRESS, waiting.join().error());
        assertEquals(3, groups.describe("g").members().size());
        assertError(Errors.REBALANCE_IN_PROGRESS, h.heartbeat("g", c, 1));
        GroupCoordinator.JoinResult rejoined = classicJoin(d);
        assertError(Errors.NONE, rejoined.error());
        assertEquals(2, rejoined.generation());
    }

    // As Kafka 4.4: a classic group converts in CompletingRebalance too; a member waiting in SyncGroup is answered
    // REBALANCE_IN_PROGRESS, and the members keep the partitions last assigned to them until they give them up.
    @Test
    void classicGroupConvertsWhileCompletingRebalance() {
        groups.serveClassicMembersOf(h.coordinator);
        String c = classicJoin(classicJoin("").memberId()).memberId();
        h.sync("g", 1, c, Map.of(c, ConsumerGroup.assignmentBytes(t(0, 1, 2, 3)))).join();
        String d = classicJoin("").memberId();
        CompletableFuture<GroupCoordinator.JoinResult> dJoin = classicJoinAsync(d);
        assertEquals(2, classicJoin(c).generation());
        assertEquals(2, dJoin.join().generation());
        assertEquals("CompletingRebalance", h.state("g"));
        CompletableFuture<GroupCoordinator.SyncResult> dSync = h.sync("g", 2, d, Map.of());
        assertFalse(dSync.isDone(), "waits for the leader's assignment");

        HeartbeatResult a = join("a");
        assertTrue(h.store.group("g") instanceof ConsumerGroup);
        assertEquals(3, a.memberEpoch());
        assertEquals(Map.of(), a.assignment(), "c still owns everything");
        assertError(Errors.REBALANCE_IN_PROGRESS, dSync.join().error());
        ConsumerGroups.DescribedMember cm = groups.describe("g").members().stream()
                .filter(m -> m.memberId().equals(c)).findFirst().orElseThrow();
        assertEquals(t(0, 1, 2, 3), cm.assignment());
        assertTrue(cm.classic());
    }

    // A live classic group converts when a member of the new protocol joins; its classic member stays (JoinGroup
    // answered at once with the member epoch as generation, SyncGroup handing out its partitions, Heartbeat
    // asking it to join again until settled); when the new member leaves, the group is classic again.
    @Test
    void liveClassicGroupConvertsAndBack() {
        groups.serveClassicMembersOf(h.coordinator);
        String c = classicJoin(classicJoin("").memberId()).memberId();
        h.sync("g", 1, c, Map.of(c, ConsumerGroup.assignmentBytes(t(0, 1, 2, 3)))).join();
        assertEquals("Stable", h.state("g"));

        HeartbeatResult a = join("a");
        assertEquals(2, a.memberEpoch());
        assertEquals(Map.of(), a.assignment(), "the classic member still owns everything");
        assertTrue(h.store.group("g") instanceof ConsumerGroup);
        assertError(Errors.REBALANCE_IN_PROGRESS, h.heartbeat("g", c, 1));

        GroupCoordinator.JoinResult rejoined = classicJoin(c); // eager: it gave up everything before joining
        assertError(Errors.NONE, rejoined.error());
        assertEquals(2, rejoined.generation());
        assertEquals("", rejoined.leaderId());
        GroupCoordinator.SyncResult synced = h.sync("g", 2, c, Map.of()).join();
        assertEquals(t(0, 1), ConsumerClassicMembers.assignment(synced.assignment()));
        assertError(Errors.NONE, h.heartbeat("g", c, 2));
        assertEquals(t(2, 3), beat("a", 2, Map.of()).assignment());
        assertEquals(List.of(dev.wharf.server.ErrorCode.ILLEGAL_GENERATION), h.commit("g", c, 7, "t", 0, 1));
        assertEquals(List.of(dev.wharf.server.ErrorCode.NONE), h.commit("g", c, 2, "t", 0, 1));
        assertEquals(List.of(ErrorCode.NONE), commitAt(c, 2, (short) 8), "a classic member may use any version");

        send(new Heartbeat("g", "a", -1, null, null, -1, null, null, null, null, "client", "h", (short) 1));
        assertTrue(h.store.group("g") instanceof ClassicGroup, "only a classic member left");
        assertEquals("PreparingRebalance", h.state("g"));
        assertError(Errors.REBALANCE_IN_PROGRESS, h.heartbeat("g", c, 2));
    }
}
