package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.testing.KafkaWireClient;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.DeleteGroupsRequest;
import dev.wharf.wire.message.DeleteGroupsResponse;
import dev.wharf.wire.message.DescribeGroupsRequest;
import dev.wharf.wire.message.DescribeGroupsResponse;
import dev.wharf.wire.message.FindCoordinatorRequest;
import dev.wharf.wire.message.FindCoordinatorResponse;
import dev.wharf.wire.message.HeartbeatRequest;
import dev.wharf.wire.message.HeartbeatResponse;
import dev.wharf.wire.message.JoinGroupRequest;
import dev.wharf.wire.message.JoinGroupResponse;
import dev.wharf.wire.message.LeaveGroupRequest;
import dev.wharf.wire.message.LeaveGroupResponse;
import dev.wharf.wire.message.ListGroupsRequest;
import dev.wharf.wire.message.ListGroupsResponse;
import dev.wharf.wire.message.MetadataRequest;
import dev.wharf.wire.message.MetadataResponse;
import dev.wharf.wire.message.OffsetCommitRequest;
import dev.wharf.wire.message.OffsetCommitResponse;
import dev.wharf.wire.message.OffsetDeleteRequest;
import dev.wharf.wire.message.OffsetDeleteResponse;
import dev.wharf.wire.message.OffsetFetchRequest;
import dev.wharf.wire.message.OffsetFetchResponse;
import dev.wharf.wire.message.SyncGroupRequest;
import dev.wharf.wire.message.SyncGroupResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The classic consumer-group protocol spoken byte for byte: FindCoordinator, JoinGroup, SyncGroup,
 * Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch, ListGroups, DescribeGroups and DeleteGroups
 * answer with exactly Kafka's error codes, and a group keeps working after every rejected request.
 * Members that must wait for each other (a rebalance) each have their own connection; their
 * blocking calls run on a small executor and are collected with a timeout.
 */
@Exercises({ApiKeys.METADATA, ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH, ApiKeys.FIND_COORDINATOR,
        ApiKeys.JOIN_GROUP, ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.SYNC_GROUP, ApiKeys.DESCRIBE_GROUPS,
        ApiKeys.LIST_GROUPS, ApiKeys.DELETE_GROUPS, ApiKeys.OFFSET_DELETE, ApiKeys.CONSUMER_GROUP_HEARTBEAT})
class GroupProtocolIT {
    private static final String TOPIC = "orders";
    private static final int SESSION_MS = 30_000;
    private static final short JOIN_V = 7;
    private static final short SYNC_V = 5;
    private static final short HEARTBEAT_V = 4;
    private static final short COMMIT_V = 8;
    private static final short FETCH_V = 7;

    @TempDir
    static Path dir;

    private static RunningBroker broker;
    private static ExecutorService pool;

    @BeforeAll
    static void start() throws Exception {
        broker = new RunningBroker(dir, Map.of(
                "group.initial.rebalance.delay.ms", "0",
                "offsets.topic.num.partitions", "5",
                "group.max.size", "2"));
        pool = Executors.newCachedThreadPool();
        try (KafkaWireClient c = client()) {
            TopicLeaders.ready(c, TOPIC);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static KafkaWireClient client() throws IOException {
        return new KafkaWireClient(broker.bootstrap());
    }

    /** Waits until the broker names a coordinator for these groups (the offsets topic may still be loading). */
    private static void coordinatorReady(String... groups) throws IOException {
        try (KafkaWireClient c = client()) {
            awaitCoordinator(c, groups);
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static byte[] subscription() {
        return bytes(ConsumerProtocol.serializeSubscription(new ConsumerPartitionAssignor.Subscription(List.of(TOPIC))));
    }

    private static byte[] assignment(int... partitions) {
        List<TopicPartition> tps = new ArrayList<>();
        for (int p : partitions) {
            tps.add(new TopicPartition(TOPIC, p));
        }
        return bytes(ConsumerProtocol.serializeAssignment(new ConsumerPartitionAssignor.Assignment(tps)));
    }

    private static JoinGroupRequest joinRequest(String group, String memberId, String instanceId) {
        return new JoinGroupRequest().setGroupId(group).setSessionTimeoutMs(SESSION_MS).setRebalanceTimeoutMs(20_000)
                .setMemberId(memberId).setGroupInstanceId(instanceId).setProtocolType("consumer")
                .setProtocols(List.of(new JoinGroupRequest.JoinGroupRequestProtocol().setName("range").setMetadata(subscription())));
    }

    private static JoinGroupResponse join(KafkaWireClient c, short version, JoinGroupRequest req) throws IOException {
        return (JoinGroupResponse) c.call(ApiKey.JOIN_GROUP, version, req);
    }

    /** A member that has joined: its connection, id and generation. */
    private record Member(KafkaWireClient conn, String group, String id, String instanceId, int generation) {
        short heartbeat() throws IOException {
            return GroupProtocolIT.heartbeat(conn, group, generation, id, instanceId);
        }

        short commit(long offset) throws IOException {
            return GroupProtocolIT.commit(conn, COMMIT_V, new OffsetCommitRequest().setGroupId(group)
                    .setGenerationIdOrMemberEpoch(generation).setMemberId(id).setGroupInstanceId(instanceId), TOPIC, offset, "");
        }

        Member at(int newGeneration) {
            return new Member(conn, group, id, instanceId, newGeneration);
        }
    }

    /** Joins a dynamic member (MEMBER_ID_REQUIRED, then again with the id) as the only member, then syncs. */
    private static Member soleMember(String group) throws IOException {
        KafkaWireClient c = client();
        JoinGroupResponse first = join(c, JOIN_V, joinRequest(group, "", null));
        assertEquals(Errors.MEMBER_ID_REQUIRED.code(), first.errorCode());
        JoinGroupResponse joined = join(c, JOIN_V, joinRequest(group, first.memberId(), null));
        assertEquals(Errors.NONE.code(), joined.errorCode());
        assertEquals(joined.memberId(), joined.leader());
        assertEquals(Errors.NONE.code(), sync(c, group, joined.generationId(), joined.memberId(), null,
                Map.of(joined.memberId(), assignment(0))).errorCode());
        return new Member(c, group, joined.memberId(), null, joined.generationId());
    }

    private static SyncGroupResponse sync(KafkaWireClient c, String group, int generation, String memberId, String instanceId,
            Map<String, byte[]> assignments) throws IOException {
        List<SyncGroupRequest.SyncGroupRequestAssignment> list = new ArrayList<>();
        assignments.forEach((m, a) -> list.add(new SyncGroupRequest.SyncGroupRequestAssignment().setMemberId(m).setAssignment(a)));
        return (SyncGroupResponse) c.call(ApiKey.SYNC_GROUP, SYNC_V, new SyncGroupRequest().setGroupId(group)
                .setGenerationId(generation).setMemberId(memberId).setGroupInstanceId(instanceId).setProtocolType("consumer")
                .setProtocolName("range").setAssignments(list));
    }

    private static short heartbeat(KafkaWireClient c, String group, int generation, String memberId, String instanceId)
            throws IOException {
        return ((HeartbeatResponse) c.call(ApiKey.HEARTBEAT, HEARTBEAT_V, new HeartbeatRequest().setGroupId(group)
                .setGenerationId(generation).setMemberId(memberId).setGroupInstanceId(instanceId))).errorCode();
    }

    /** Commits one offset of partition 0 of {@code topic}; returns the partition's error code. */
    private static short commit(KafkaWireClient c, short version, OffsetCommitRequest req, String topic, long offset,
            String metadata) throws IOException {
        req.setTopics(List.of(new OffsetCommitRequest.OffsetCommitRequestTopic().setName(topic).setPartitions(List.of(
                new OffsetCommitRequest.OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(offset)
                        .setCommittedMetadata(metadata)))));
        OffsetCommitResponse r = (OffsetCommitResponse) c.call(ApiKey.OFFSET_COMMIT, version, req);
        return r.topics().get(0).partitions().get(0).errorCode();
    }

    /** A commit outside group management: generation -1, no member id. */
    private static short standaloneCommit(KafkaWireClient c, String group, long offset, String metadata) throws IOException {
        return commit(c, COMMIT_V, new OffsetCommitRequest().setGroupId(group), TOPIC, offset, metadata);
    }

    private static OffsetFetchResponse.OffsetFetchResponsePartition fetch(KafkaWireClient c, String group) throws IOException {
        OffsetFetchResponse r = (OffsetFetchResponse) c.call(ApiKey.OFFSET_FETCH, FETCH_V, new OffsetFetchRequest()
                .setGroupId(group).setTopics(List.of(new OffsetFetchRequest.OffsetFetchRequestTopic().setName(TOPIC)
                        .setPartitionIndexes(List.of(0)))));
        assertEquals(Errors.NONE.code(), r.errorCode());
        return r.topics().get(0).partitions().get(0);
    }

    private static DescribeGroupsResponse.DescribedGroup describe(KafkaWireClient c, short version, String group)
            throws IOException {
        return ((DescribeGroupsResponse) c.call(ApiKey.DESCRIBE_GROUPS, version,
                new DescribeGroupsRequest().setGroups(List.of(group)))).groups().get(0);
    }

    private static <T> T get(Future<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    private static <T> Future<T> async(Callable<T> call) {
        return pool.submit(call);
    }

    // FindCoordinator: v4+ answers each batched key with this broker; v0-v3 answer the single key.
    @Test
    void findCoordinatorSingleAndBatched() throws Exception {
        coordinatorReady("fc-a", "fc-b", "fc-c");
        String[] hostPort = broker.bootstrap().split(":");
        try (KafkaWireClient c = client()) {
            MetadataResponse md = (MetadataResponse) c.call(ApiKey.METADATA, (short) 12, new MetadataRequest().setTopics(List.of()));
            int nodeId = md.brokers().get(0).nodeId();
            for (short v = 4; v <= 6; v++) {
                FindCoordinatorResponse r = (FindCoordinatorResponse) c.call(ApiKey.FIND_COORDINATOR, v,
                        new FindCoordinatorRequest().setKeyType((byte) 0).setCoordinatorKeys(List.of("fc-a", "fc-b", "fc-c")));
                assertEquals(List.of("fc-a", "fc-b", "fc-c"), r.coordinators().stream().map(k -> k.key()).toList(), "v" + v);
                for (FindCoordinatorResponse.Coordinator k : r.coordinators()) {
                    assertEquals(Errors.NONE.code(), k.errorCode(), "v" + v + " " + k);
                    assertEquals(nodeId, k.nodeId());
                    assertEquals(hostPort[0], k.host());
                    assertEquals(Integer.parseInt(hostPort[1]), k.port());
                }
            }
            for (short v = 0; v <= 3; v++) {
                FindCoordinatorRequest req = new FindCoordinatorRequest().setKey("fc-a");
                FindCoordinatorResponse r = (FindCoordinatorResponse) c.call(ApiKey.FIND_COORDINATOR, v, req);
                assertEquals(Errors.NONE.code(), r.errorCode(), "v" + v);
                assertEquals(nodeId, r.nodeId(), "v" + v);
                assertEquals(hostPort[0], r.host(), "v" + v);
                assertEquals(Integer.parseInt(hostPort[1]), r.port(), "v" + v);
            }
        }
    }

    // JoinGroup v4+: MEMBER_ID_REQUIRED hands out an id; joining with it makes a generation-1 leader that gets the
    // member list, SyncGroup hands back the leader's assignment, DescribeGroups shows it, LeaveGroup empties the group.
    @Test
    void memberIdRequiredThenJoinSyncDescribeLeave() throws Exception {
        String group = "lifecycle";
        coordinatorReady(group);
        try (KafkaWireClient c = client()) {
            JoinGroupRequest req = joinRequest(group, "", null);
            JoinGroupResponse first = join(c, (short) 4, req);
            assertEquals(Errors.MEMBER_ID_REQUIRED.code(), first.errorCode());
            assertFalse(first.memberId().isEmpty());

            JoinGroupResponse joined = join(c, (short) 4, joinRequest(group, first.memberId(), null));
            assertEquals(Errors.NONE.code(), joined.errorCode());
            assertEquals(1, joined.generationId());
            assertEquals(first.memberId(), joined.memberId());
            assertEquals(first.memberId(), joined.leader());
            assertEquals("range", joined.protocolName());
            assertEquals(1, joined.members().size());
            assertEquals(first.memberId(), joined.members().get(0).memberId());
            assertArrayEquals(subscription(), joined.members().get(0).metadata());

            byte[] mine = assignment(0);
            SyncGroupResponse synced = sync(c, group, 1, joined.memberId(), null, Map.of(joined.memberId(), mine));
            assertEquals(Errors.NONE.code(), synced.errorCode());
            assertArrayEquals(mine, synced.assignment());
            assertEquals(Errors.NONE.code(), heartbeat(c, group, 1, joined.memberId(), null));

            DescribeGroupsResponse.DescribedGroup d = describe(c, (short) 5, group);
            assertEquals(Errors.NONE.code(), d.errorCode());
            assertEquals("Stable", d.groupState());
            assertEquals("consumer", d.protocolType());
            assertEquals("range", d.protocolData());
            assertEquals(1, d.members().size());
            assertEquals(joined.memberId(), d.members().get(0).memberId());
            assertEquals(KafkaWireClient.CLIENT_ID, d.members().get(0).clientId());
            assertArrayEquals(mine, d.members().get(0).memberAssignment());

            LeaveGroupResponse left = (LeaveGroupResponse) c.call(ApiKey.LEAVE_GROUP, (short) 3, new LeaveGroupRequest()
                    .setGroupId(group).setMembers(List.of(new LeaveGroupRequest.MemberIdentity().setMemberId(joined.memberId()))));
            assertEquals(Errors.NONE.code(), left.errorCode());
            assertEquals(Errors.NONE.code(), left.members().get(0).errorCode());
            DescribeGroupsResponse.DescribedGroup after = describe(c, (short) 5, group);
            assertEquals("Empty", after.groupState());
            assertTrue(after.members().isEmpty());
            // the member is gone: its heartbeat is refused
            assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), heartbeat(c, group, 1, joined.memberId(), null));
        }
    }

    // JoinGroup validation: empty group id, session timeout out of range, protocol list empty or not matching the
    // group's, unknown member id; the existing member keeps heartbeating and committing after each.
    @Test
    void joinGroupValidation() throws Exception {
        String group = "validation";
        coordinatorReady(group, "validation-new");
        Member a = soleMember(group);
        try (KafkaWireClient c = client()) {
            assertEquals(Errors.INVALID_GROUP_ID.code(), join(c, JOIN_V, joinRequest("", "", null)).errorCode());
            assertEquals(Errors.INVALID_SESSION_TIMEOUT.code(), join(c, JOIN_V, joinRequest(group, "", null).setSessionTimeoutMs(5_999))
                    .errorCode()); // below group.min.session.timeout.ms (6000)
            assertEquals(Errors.INVALID_SESSION_TIMEOUT.code(), join(c, JOIN_V, joinRequest(group, "", null)
                    .setSessionTimeoutMs(1_800_001)).errorCode()); // above group.max.session.timeout.ms
            assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL.code(), join(c, JOIN_V, joinRequest("validation-new", "", null)
                    .setProtocols(List.of())).errorCode());
            assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL.code(), join(c, JOIN_V, joinRequest(group, "", null)
                    .setProtocols(List.of())).errorCode());
            assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL.code(), join(c, JOIN_V, joinRequest(group, "", null)
                    .setProtocolType("connect")).errorCode());
            assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL.code(), join(c, JOIN_V, joinRequest(group, "", null)
                    .setProtocols(List.of(new JoinGroupRequest.JoinGroupRequestProtocol().setName("roundrobin")
                            .setMetadata(subscription())))).errorCode()); // no protocol in common with the member
            assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), join(c, JOIN_V, joinRequest(group, "nobody-1234", null)).errorCode());

            assertEquals(Errors.NONE.code(), a.heartbeat());
            assertEquals(Errors.NONE.code(), a.commit(7));
            assertEquals(7, fetch(c, group).committedOffset());
            DescribeGroupsResponse.DescribedGroup d = describe(c, (short) 5, group);
            assertEquals("Stable", d.groupState());
            assertEquals(List.of(a.id()), d.members().stream().map(m -> m.memberId()).toList());
        } finally {
            a.conn().close();
        }
    }

    // A second member starts a rebalance: the first gets REBALANCE_IN_PROGRESS on heartbeat, both get generation 2,
    // the old generation is ILLEGAL_GENERATION, commits wait for SyncGroup, strangers are UNKNOWN_MEMBER_ID, and a
    // third member exceeds group.max.size (2).
    @Test
    void rebalanceGenerationsAndGroupLimits() throws Exception {
        String group = "rebalance";
        coordinatorReady(group);
        Member a = soleMember(group);
        try (KafkaWireClient bConn = client(); KafkaWireClient c = client()) {
            assertEquals(1, a.generation());
            assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), sync(c, group, 1, "ghost", null, Map.of()).errorCode());
            assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), heartbeat(c, group, 1, "ghost", null));
            assertEquals(Errors.NONE.code(), a.heartbeat());

            JoinGroupResponse bFirst = join(bConn, JOIN_V, joinRequest(group, "", null));
            assertEquals(Errors.MEMBER_ID_REQUIRED.code(), bFirst.errorCode());
            Future<JoinGroupResponse> bJoin = async(() -> join(bConn, JOIN_V, joinRequest(group, bFirst.memberId(), null)));
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> describe(c, (short) 5, group).groupState(), "PreparingRebalance"::equals);
            assertEquals(Errors.REBALANCE_IN_PROGRESS.code(), a.heartbeat());
            assertEquals(Errors.NONE.code(), a.commit(3)); // a member may commit what it consumed before it rejoins

            JoinGroupResponse aJoined = join(a.conn(), JOIN_V, joinRequest(group, a.id(), null));
            JoinGroupResponse bJoined = get(bJoin);
            assertEquals(Errors.NONE.code(), aJoined.errorCode());
            assertEquals(Errors.NONE.code(), bJoined.errorCode());
            assertEquals(2, aJoined.generationId());
            assertEquals(2, bJoined.generationId());
            assertEquals(a.id(), aJoined.leader()); // the leader stays the leader
            assertEquals(a.id(), bJoined.leader());
            assertEquals(List.of(a.id(), bFirst.memberId()).stream().sorted().toList(),
                    aJoined.members().stream().map(m -> m.memberId()).sorted().toList());
            assertTrue(bJoined.members().isEmpty(), "only the leader gets the member list");
            Member a2 = a.at(2);
            Member b = new Member(bConn, group, bFirst.memberId(), null, 2);

            assertEquals(Errors.ILLEGAL_GENERATION.code(), a.heartbeat()); // generation 1 is over
            assertEquals(Errors.ILLEGAL_GENERATION.code(), sync(a.conn(), group, 1, a.id(), null, Map.of()).errorCode());
            assertEquals(Errors.REBALANCE_IN_PROGRESS.code(), a2.commit(4)); // joined but not yet synced

            Future<SyncGroupResponse> bSync = async(() -> sync(bConn, group, 2, b.id(), null, Map.of()));
            SyncGroupResponse aSync = sync(a.conn(), group, 2, a.id(), null, Map.of(a.id(), assignment(0), b.id(), assignment()));
            assertEquals(Errors.NONE.code(), aSync.errorCode());
            assertArrayEquals(assignment(0), aSync.assignment());
            SyncGroupResponse bSynced = get(bSync);
            assertEquals(Errors.NONE.code(), bSynced.errorCode());
            assertArrayEquals(assignment(), bSynced.assignment());

            assertEquals(Errors.ILLEGAL_GENERATION.code(), a.commit(5)); // stale generation
            assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), new Member(c, group, "ghost", null, 2).commit(5));
            assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), standaloneCommit(c, group, 5, "")); // no member id while the group has members
            JoinGroupResponse third = join(c, JOIN_V, joinRequest(group, "", null));
            assertEquals(Errors.GROUP_MAX_SIZE_REACHED.code(), third.errorCode());

            assertEquals(Errors.NONE.code(), a2.heartbeat());
            assertEquals(Errors.NONE.code(), b.heartbeat());
            assertEquals(Errors.NONE.code(), a2.commit(6));
            assertEquals(6, fetch(c, group).committedOffset());
            assertEquals("Stable", describe(c, (short) 5, group).groupState());
        } finally {
            a.conn().close();
        }
    }

    // Offsets: a standalone commit to a group without members, its metadata string, OFFSET_METADATA_TOO_LARGE and
    // UNKNOWN_TOPIC_OR_PARTITION per partition, several groups in one OffsetFetch (v8+), -1 for unknown groups.
    @Test
    void offsetCommitAndFetch() throws Exception {
        coordinatorReady("standalone", "standalone-2", "never-used");
        try (KafkaWireClient c = client()) {
            assertEquals(Errors.NONE.code(), standaloneCommit(c, "standalone", 42, "checkpoint-1"));
            OffsetFetchResponse.OffsetFetchResponsePartition p = fetch(c, "standalone");
            assertEquals(Errors.NONE.code(), p.errorCode());
            assertEquals(42, p.committedOffset());
            assertEquals("checkpoint-1", p.metadata());

            assertEquals(Errors.OFFSET_METADATA_TOO_LARGE.code(), standaloneCommit(c, "standalone", 50, "m".repeat(4097)));
            assertEquals(Errors.NONE.code(), standaloneCommit(c, "standalone", 51, "m".repeat(4096))); // exactly the limit is fine
            assertEquals(51, fetch(c, "standalone").committedOffset());
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), commit(c, COMMIT_V, new OffsetCommitRequest().setGroupId("standalone"),
                    "no-such-topic", 1, ""));
            assertEquals(Errors.NONE.code(), standaloneCommit(c, "standalone-2", 9, ""));
            assertEquals(Errors.NONE.code(), standaloneCommit(c, "standalone", 52, "checkpoint-2")); // still works

            for (short v = 8; v <= 9; v++) {
                List<OffsetFetchRequest.OffsetFetchRequestGroup> groups = new ArrayList<>();
                for (String g : List.of("standalone", "standalone-2", "never-used")) {
                    groups.add(new OffsetFetchRequest.OffsetFetchRequestGroup().setGroupId(g).setTopics(List.of(
                            new OffsetFetchRequest.OffsetFetchRequestTopics().setName(TOPIC).setPartitionIndexes(List.of(0)))));
                }
                OffsetFetchResponse r = (OffsetFetchResponse) c.call(ApiKey.OFFSET_FETCH, v,
                        new OffsetFetchRequest().setGroups(groups));
                assertEquals(List.of("standalone", "standalone-2", "never-used"),
                        r.groups().stream().map(g -> g.groupId()).toList(), "v" + v);
                List<Long> offsets = new ArrayList<>();
                for (OffsetFetchResponse.OffsetFetchResponseGroup g : r.groups()) {
                    assertEquals(Errors.NONE.code(), g.errorCode(), "v" + v + " " + g.groupId());
                    OffsetFetchResponse.OffsetFetchResponsePartitions part = g.topics().get(0).partitions().get(0);
                    assertEquals(Errors.NONE.code(), part.errorCode());
                    offsets.add(part.committedOffset());
                }
                assertEquals(List.of(52L, 9L, -1L), offsets, "v" + v);
                assertEquals("checkpoint-2", r.groups().get(0).topics().get(0).partitions().get(0).metadata());
            }
            assertEquals(-1, fetch(c, "never-used").committedOffset());
        }
    }

    /** Joins a static member as the only member of {@code group} at {@code version} and syncs it. */
    private static Member soleStaticMember(KafkaWireClient c, short version, String group, String instanceId)
            throws IOException {
        JoinGroupResponse joined = join(c, version, joinRequest(group, "", instanceId));
        assertEquals(Errors.NONE.code(), joined.errorCode()); // static members need no MEMBER_ID_REQUIRED round trip
        assertEquals(1, joined.generationId());
        assertEquals(Errors.NONE.code(), sync(c, group, 1, joined.memberId(), instanceId, Map.of(joined.memberId(), assignment(0)))
                .errorCode());
        return new Member(c, group, joined.memberId(), instanceId, 1);
    }

    // Static membership: a second join with the same group.instance.id takes over; the replaced member id is
    // FENCED_INSTANCE_ID on Heartbeat, SyncGroup and OffsetCommit while the new one carries on.
    @Test
    void staticMemberReplacementFencesTheOldMemberId() throws Exception {
        String group = "static";
        coordinatorReady(group);
        try (KafkaWireClient old = client(); KafkaWireClient replacement = client(); KafkaWireClient c = client()) {
            Member oldMember = soleStaticMember(old, JOIN_V, group, "instance-1");
            assertEquals(Errors.NONE.code(), oldMember.heartbeat());

            JoinGroupResponse second = join(replacement, JOIN_V, joinRequest(group, "", "instance-1"));
            assertEquals(Errors.NONE.code(), second.errorCode());
            assertNotEquals(oldMember.id(), second.memberId());

            assertEquals(Errors.FENCED_INSTANCE_ID.code(), oldMember.heartbeat());
            assertEquals(Errors.FENCED_INSTANCE_ID.code(), sync(old, group, oldMember.generation(), oldMember.id(), "instance-1",
                    Map.of()).errorCode());
            assertEquals(Errors.FENCED_INSTANCE_ID.code(), oldMember.commit(10));

            // the new member id carries on: it syncs (as leader if the response made it one) and gets partition 0
            boolean leader = second.memberId().equals(second.leader()) && !second.members().isEmpty();
            SyncGroupResponse synced = sync(replacement, group, second.generationId(), second.memberId(), "instance-1",
                    leader ? Map.of(second.memberId(), assignment(0)) : Map.of());
            assertEquals(Errors.NONE.code(), synced.errorCode());
            assertArrayEquals(assignment(0), synced.assignment());
            Member newMember = new Member(replacement, group, second.memberId(), "instance-1", second.generationId());
            assertEquals(Errors.NONE.code(), newMember.heartbeat());
            assertEquals(Errors.NONE.code(), newMember.commit(11));
            assertEquals(11, fetch(c, group).committedOffset());
            assertEquals(Errors.FENCED_INSTANCE_ID.code(), oldMember.heartbeat());
            DescribeGroupsResponse.DescribedGroup d = describe(c, (short) 5, group);
            assertEquals(1, d.members().size());
            assertEquals(second.memberId(), d.members().get(0).memberId());
            assertEquals("instance-1", d.members().get(0).groupInstanceId());
        }
    }

    // A static member that restarts (same group.instance.id, unchanged protocols) takes over without a rebalance:
    // same generation, group still Stable, and it heartbeats at once; before v9 (no SkipAssignment) the response
    // carries no member list, so the restarted leader does not compute a new assignment.
    @ParameterizedTest
    @ValueSource(shorts = {5, 7, 9})
    void staticMemberRestartDoesNotRebalance(short version) throws Exception {
        String group = "static-restart-v" + version;
        coordinatorReady(group);
        try (KafkaWireClient old = client(); KafkaWireClient replacement = client(); KafkaWireClient c = client()) {
            Member oldMember = soleStaticMember(old, version, group, "instance-r");
            JoinGroupResponse second = join(replacement, version, joinRequest(group, "", "instance-r"));
            assertEquals(Errors.NONE.code(), second.errorCode());
            assertEquals(List.of(1, "Stable"), List.of(second.generationId(), describe(c, (short) 5, group).groupState()),
                    second.toString());
            if (version >= 9) {
                assertTrue(second.skipAssignment(), second.toString());
            } else {
                assertTrue(second.members().isEmpty(), second.toString());
            }
            Member newMember = new Member(replacement, group, second.memberId(), "instance-r", 1);
            assertEquals(Errors.NONE.code(), newMember.heartbeat());
            assertEquals(Errors.NONE.code(), newMember.commit(12));
            assertEquals(Errors.FENCED_INSTANCE_ID.code(), oldMember.heartbeat());
        }
    }

    // OffsetCommit v2-v4 carry a retention time: such an offset expires on its own; one without does not.
    // Its own broker: a 100 ms cleanup cycle would also delete the other tests' groups whenever they are empty.
    @Test
    void offsetsCommittedWithRetentionTimeExpire(@TempDir Path expiryDir) throws Exception {
        try (RunningBroker expiring = new RunningBroker(expiryDir, Map.of("offsets.topic.num.partitions", "5",
                "offsets.retention.check.interval.ms", "100"));
                KafkaWireClient c = new KafkaWireClient(expiring.bootstrap())) {
            TopicLeaders.ready(c, TOPIC);
            awaitCoordinator(c, "expiring", "kept");
            for (short v = 2; v <= 4; v++) {
                String group = "expiring";
                assertEquals(Errors.NONE.code(), commit(c, v, new OffsetCommitRequest().setGroupId(group).setRetentionTimeMs(1_000),
                        TOPIC, 100 + v, ""), "v" + v);
                assertEquals(100 + v, fetch(c, group).committedOffset(), "v" + v);
                assertEquals(Errors.NONE.code(), commit(c, v, new OffsetCommitRequest().setGroupId("kept"), TOPIC, 200 + v, ""), "v" + v);
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                        .until(() -> fetch(c, group).committedOffset() == -1);
                assertEquals(200 + v, fetch(c, "kept").committedOffset(), "default retention keeps the offset");
            }
        }
    }

    // ListGroups filters by state (v4) and type (v5); DescribeGroups reports active and unknown groups
    // (Dead, and GROUP_ID_NOT_FOUND from v6); DeleteGroups refuses non-empty and unknown groups.
    @Test
    void listDescribeAndDeleteGroups() throws Exception {
        coordinatorReady("listed-active", "listed-empty", "listed-unknown");
        Member a = soleMember("listed-active");
        try (KafkaWireClient c = client()) {
            assertEquals(Errors.NONE.code(), standaloneCommit(c, "listed-empty", 1, ""));

            assertEquals(Map.of("listed-active", "consumer", "listed-empty", ""), listed(c, (short) 0, List.of(), List.of()));
            assertEquals(Map.of("listed-active", "Stable"), states(c, List.of("Stable")));
            assertEquals(Map.of("listed-empty", "Empty"), states(c, List.of("Empty")));
            assertEquals(Map.of("listed-active", "Stable", "listed-empty", "Empty"), states(c, List.of()));
            ListGroupsResponse classic = (ListGroupsResponse) c.call(ApiKey.LIST_GROUPS, (short) 5,
                    new ListGroupsRequest().setTypesFilter(List.of("classic")));
            assertEquals(Errors.NONE.code(), classic.errorCode());
            assertEquals(Map.of("listed-active", "classic", "listed-empty", "classic"), classic.groups().stream()
                    .filter(g -> g.groupId().startsWith("listed-"))
                    .collect(Collectors.toMap(g -> g.groupId(), g -> g.groupType())));
            assertEquals(Map.of(), listed(c, (short) 5, List.of(), List.of("consumer")));

            DescribeGroupsResponse described = (DescribeGroupsResponse) c.call(ApiKey.DESCRIBE_GROUPS, (short) 5,
                    new DescribeGroupsRequest().setGroups(List.of("listed-active", "listed-unknown")));
            DescribeGroupsResponse.DescribedGroup active = described.groups().get(0);
            assertEquals(List.of(Errors.NONE.code(), "listed-active", "Stable", "consumer", "range", 1), List.of(active.errorCode(),
                    active.groupId(), active.groupState(), active.protocolType(), active.protocolData(), active.members().size()));
            assertEquals(a.id(), active.members().get(0).memberId());
            assertArrayEquals(subscription(), active.members().get(0).memberMetadata());
            DescribeGroupsResponse.DescribedGroup unknown = described.groups().get(1);
            assertEquals(List.of(Errors.NONE.code(), "listed-unknown", "Dead", 0), List.of(unknown.errorCode(), unknown.groupId(),
                    unknown.groupState(), unknown.members().size()));
            DescribeGroupsResponse.DescribedGroup unknownV6 = describe(c, (short) 6, "listed-unknown");
            assertEquals(List.of(Errors.GROUP_ID_NOT_FOUND.code(), "Dead"), List.of(unknownV6.errorCode(), unknownV6.groupState()));

            DeleteGroupsResponse deleted = (DeleteGroupsResponse) c.call(ApiKey.DELETE_GROUPS, (short) 2,
                    new DeleteGroupsRequest().setGroupsNames(List.of("listed-active", "listed-unknown", "listed-empty")));
            assertEquals(List.of("listed-active", "listed-unknown", "listed-empty"),
                    deleted.results().stream().map(r -> r.groupId()).toList());
            assertEquals(List.of(Errors.NON_EMPTY_GROUP.code(), Errors.GROUP_ID_NOT_FOUND.code(), Errors.NONE.code()),
                    deleted.results().stream().map(r -> r.errorCode()).toList());
            assertEquals(-1, fetch(c, "listed-empty").committedOffset());
            assertEquals(Map.of("listed-active", "Stable"), states(c, List.of()));

            assertEquals(Errors.NONE.code(), a.heartbeat());
            assertEquals(Errors.NONE.code(), a.commit(2));
        } finally {
            a.conn().close();
        }
    }

    // OffsetDelete: refused per partition for a topic the live group subscribes to, done for one it does not;
    // GROUP_ID_NOT_FOUND for an unknown group.
    @Test
    void offsetDeleteRespectsSubscriptions() throws Exception {
        String group = "pruned";
        coordinatorReady(group);
        Member a = soleMember(group); // subscribed to "orders"
        try (KafkaWireClient c = client()) {
            c.call(ApiKey.METADATA, (short) 12, new MetadataRequest().setAllowAutoTopicCreation(true)
                    .setTopics(List.of(new MetadataRequest.MetadataRequestTopic().setName("audit"))));
            assertEquals(Errors.NONE.code(), a.commit(8));
            assertEquals(Errors.NONE.code(), commit(c, COMMIT_V, new OffsetCommitRequest().setGroupId(group)
                    .setGenerationIdOrMemberEpoch(a.generation()).setMemberId(a.id()), "audit", 4, ""));

            OffsetDeleteResponse r = (OffsetDeleteResponse) c.call(ApiKey.OFFSET_DELETE, (short) 0, new OffsetDeleteRequest()
                    .setGroupId(group).setTopics(List.of(
                            new OffsetDeleteRequest.OffsetDeleteRequestTopic().setName(TOPIC).setPartitions(List.of(
                                    new OffsetDeleteRequest.OffsetDeleteRequestPartition().setPartitionIndex(0))),
                            new OffsetDeleteRequest.OffsetDeleteRequestTopic().setName("audit").setPartitions(List.of(
                                    new OffsetDeleteRequest.OffsetDeleteRequestPartition().setPartitionIndex(0))))));
            assertEquals(Errors.NONE.code(), r.errorCode());
            Map<String, Short> errors = r.topics().stream().collect(Collectors.toMap(
                    t -> t.name(), t -> t.partitions().get(0).errorCode()));
            assertEquals(Map.of(TOPIC, Errors.GROUP_SUBSCRIBED_TO_TOPIC.code(), "audit", Errors.NONE.code()), errors);
            assertEquals(8, fetch(c, group).committedOffset());
            OffsetFetchResponse audit = (OffsetFetchResponse) c.call(ApiKey.OFFSET_FETCH, FETCH_V, new OffsetFetchRequest()
                    .setGroupId(group).setTopics(List.of(new OffsetFetchRequest.OffsetFetchRequestTopic().setName("audit")
                            .setPartitionIndexes(List.of(0)))));
            assertEquals(-1, audit.topics().get(0).partitions().get(0).committedOffset());

            OffsetDeleteResponse unknown = (OffsetDeleteResponse) c.call(ApiKey.OFFSET_DELETE, (short) 0, new OffsetDeleteRequest()
                    .setGroupId("pruned-unknown").setTopics(List.of(new OffsetDeleteRequest.OffsetDeleteRequestTopic()
                            .setName(TOPIC).setPartitions(List.of(
                                    new OffsetDeleteRequest.OffsetDeleteRequestPartition().setPartitionIndex(0))))));
            assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), unknown.errorCode());
            assertEquals(Errors.NONE.code(), a.heartbeat());
        } finally {
            a.conn().close();
        }
    }

    // A member that stops heartbeating is removed after its session timeout and the group becomes Empty.
    @Test
    void silentMemberExpiresAfterSessionTimeout(@TempDir Path ownDir) throws Exception {
        try (RunningBroker b = new RunningBroker(ownDir, Map.of("offsets.topic.num.partitions", "5",
                "group.initial.rebalance.delay.ms", "0", "group.min.session.timeout.ms", "500"));
                KafkaWireClient c = new KafkaWireClient(b.bootstrap())) {
            awaitCoordinator(c, "silent");
            JoinGroupResponse first = join(c, JOIN_V, joinRequest("silent", "", null).setSessionTimeoutMs(1_000));
            JoinGroupResponse joined = join(c, JOIN_V, joinRequest("silent", first.memberId(), null).setSessionTimeoutMs(1_000));
            assertEquals(Errors.NONE.code(), joined.errorCode());
            assertEquals(Errors.NONE.code(), sync(c, "silent", 1, joined.memberId(), null, Map.of(joined.memberId(), assignment(0)))
                    .errorCode());
            assertEquals("Stable", describe(c, (short) 5, "silent").groupState());
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                    .until(() -> describe(c, (short) 5, "silent").groupState(), "Empty"::equals);
            assertTrue(describe(c, (short) 5, "silent").members().isEmpty());
            assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), heartbeat(c, "silent", 1, joined.memberId(), null));
        }
    }

    // Committed offsets (with metadata) and a live group's membership are stored in __consumer_offsets and
    // survive a broker restart: the member heartbeats on in its generation without rejoining.
    @Test
    void offsetsAndGroupsSurviveRestart(@TempDir Path ownDir) throws Exception {
        Map<String, String> config = Map.of("offsets.topic.num.partitions", "5", "group.initial.rebalance.delay.ms", "0");
        Member member;
        try (RunningBroker b = new RunningBroker(ownDir, config); KafkaWireClient c = new KafkaWireClient(b.bootstrap())) {
            TopicLeaders.ready(c, TOPIC);
            awaitCoordinator(c, "durable", "durable-members");
            assertEquals(Errors.NONE.code(), standaloneCommit(c, "durable", 77, "before-restart"));
            JoinGroupResponse first = join(c, JOIN_V, joinRequest("durable-members", "", null));
            JoinGroupResponse joined = join(c, JOIN_V, joinRequest("durable-members", first.memberId(), null));
            assertEquals(Errors.NONE.code(), sync(c, "durable-members", 1, joined.memberId(), null,
                    Map.of(joined.memberId(), assignment(0))).errorCode());
            member = new Member(c, "durable-members", joined.memberId(), null, 1);
            assertEquals(Errors.NONE.code(), member.commit(33));
        }
        try (RunningBroker b = new RunningBroker(ownDir, config); KafkaWireClient c = new KafkaWireClient(b.bootstrap())) {
            awaitCoordinator(c, "durable", "durable-members");
            OffsetFetchResponse.OffsetFetchResponsePartition p = fetch(c, "durable");
            assertEquals(List.of(77L, "before-restart"), List.of(p.committedOffset(), p.metadata()));
            assertEquals(33, fetch(c, "durable-members").committedOffset());
            DescribeGroupsResponse.DescribedGroup d = describe(c, (short) 5, "durable-members");
            assertEquals(List.of("Stable", List.of(member.id())), List.of(d.groupState(),
                    d.members().stream().map(m -> m.memberId()).toList()));
            assertEquals(Errors.NONE.code(), heartbeat(c, "durable-members", 1, member.id(), null));
        }
    }

    private static void awaitCoordinator(KafkaWireClient c, String... groups) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() ->
                ((FindCoordinatorResponse) c.call(ApiKey.FIND_COORDINATOR, (short) 4, new FindCoordinatorRequest()
                        .setCoordinatorKeys(List.of(groups)))).coordinators().stream().allMatch(k -> k.errorCode() == Errors.NONE.code()));
    }

    /** ListGroups entries whose id starts with "listed-": id to protocol type. */
    private static Map<String, String> listed(KafkaWireClient c, short version, List<String> states, List<String> types)
            throws IOException {
        ListGroupsRequest req = new ListGroupsRequest();
        if (version >= 4) {
            req.setStatesFilter(states);
        }
        if (version >= 5) {
            req.setTypesFilter(types);
        }
        ListGroupsResponse r = (ListGroupsResponse) c.call(ApiKey.LIST_GROUPS, version, req);
        assertEquals(Errors.NONE.code(), r.errorCode());
        return r.groups().stream().filter(g -> g.groupId().startsWith("listed-"))
                .collect(Collectors.toMap(g -> g.groupId(), g -> g.protocolType()));
    }

    /** ListGroups v4 with a states filter: id to state, for the "listed-" groups. */
    private static Map<String, String> states(KafkaWireClient c, List<String> filter) throws IOException {
        ListGroupsResponse r = (ListGroupsResponse) c.call(ApiKey.LIST_GROUPS, (short) 4,
                new ListGroupsRequest().setStatesFilter(filter));
        assertEquals(Errors.NONE.code(), r.errorCode());
        return r.groups().stream().filter(g -> g.groupId().startsWith("listed-"))
                .collect(Collectors.toMap(g -> g.groupId(), g -> g.groupState()));
    }
}
