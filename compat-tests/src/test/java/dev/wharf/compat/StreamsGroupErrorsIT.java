package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.testing.KafkaWireClient;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.StreamsGroupDescribeRequest;
import dev.wharf.wire.message.StreamsGroupDescribeResponse;
import dev.wharf.wire.message.StreamsGroupHeartbeatRequest;
import dev.wharf.wire.message.StreamsGroupHeartbeatResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.StreamsGroupHeartbeatResponse.Status;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * StreamsGroupHeartbeat and StreamsGroupDescribe sent raw, as kafka-clients 4.4.0 would, and the
 * answers Kafka gives: INVALID_REQUEST and STREAMS_INVALID_TOPOLOGY for malformed requests,
 * UNKNOWN_MEMBER_ID, FENCED_MEMBER_EPOCH and GROUP_ID_NOT_FOUND for the wrong member, epoch or
 * group kind, the MISSING_SOURCE_TOPICS status, internal topics created with their tasks'
 * partition count, and the ACLs on a topology's topics. One broker for the class (and one with an
 * authorizer for the ACL test); a few seconds.
 */
@Exercises({ApiKeys.METADATA, ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH, ApiKeys.FIND_COORDINATOR,
        ApiKeys.JOIN_GROUP, ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.SYNC_GROUP, ApiKeys.CREATE_TOPICS,
        ApiKeys.CREATE_ACLS, ApiKeys.DESCRIBE_CONFIGS, ApiKeys.DESCRIBE_TOPIC_PARTITIONS,
        ApiKeys.STREAMS_GROUP_HEARTBEAT, ApiKeys.STREAMS_GROUP_DESCRIBE})
class StreamsGroupErrorsIT {
    private static final short HEARTBEAT_V = 1;

    @TempDir
    static Path dir;

    private static RunningBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = new RunningBroker(dir.resolve("broker"), Map.of("offsets.topic.num.partitions", "1",
                "group.streams.initial.rebalance.delay.ms", "0", "group.streams.max.size", "2"));
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
        admin.createTopics(List.of(new NewTopic("src", 4, (short) 1))).all().get();
        // as clients do before their first heartbeat: FindCoordinator, which creates __consumer_offsets
        admin.listConsumerGroupOffsets("any").partitionsToOffsetAndMetadata().get();
    }

    @AfterAll
    static void stop() throws Exception {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** A subtopology reading {@code source}, with a changelog {@code <app>-store-changelog}. */
    private static StreamsGroupHeartbeatRequest.Topology topology(String app, String source) {
        return new StreamsGroupHeartbeatRequest.Topology().setEpoch(0).setSubtopologies(List.of(
                new StreamsGroupHeartbeatRequest.Subtopology().setSubtopologyId("0").setSourceTopics(List.of(source))
                        .setStateChangelogTopics(List.of(new StreamsGroupHeartbeatRequest.TopicInfo()
                                .setName(app + "-store-changelog")))));
    }

    private static StreamsGroupHeartbeatRequest join(String group, String member, String source) {
        return new StreamsGroupHeartbeatRequest().setGroupId(group).setMemberId(member).setMemberEpoch(0)
                .setRebalanceTimeoutMs(30_000).setProcessId("process-" + member).setTopology(topology(group, source))
                .setActiveTasks(List.of()).setStandbyTasks(List.of()).setWarmupTasks(List.of());
    }

    private static StreamsGroupHeartbeatResponse heartbeat(KafkaWireClient c, StreamsGroupHeartbeatRequest req)
            throws Exception {
        return c.call(ApiKey.STREAMS_GROUP_HEARTBEAT, HEARTBEAT_V, req);
    }

    private static List<Byte> statuses(StreamsGroupHeartbeatResponse r) {
        List<Byte> out = new ArrayList<>();
        if (r.status() != null) {
            r.status().forEach(s -> out.add(s.statusCode()));
        }
        return out;
    }

    // malformed heartbeats get INVALID_REQUEST or STREAMS_INVALID_TOPOLOGY, and the connection stays usable
    @Test
    void malformedHeartbeats() throws Exception {
        try (KafkaWireClient c = new KafkaWireClient(broker.bootstrap())) {
            assertEquals(Errors.INVALID_REQUEST.code(), heartbeat(c, join("", "m", "src")).errorCode());
            assertEquals(Errors.INVALID_REQUEST.code(), heartbeat(c, join("g-bad", "", "src")).errorCode());
            assertEquals(Errors.INVALID_REQUEST.code(), heartbeat(c, join("g-bad", "m", "src").setTopology(null)).errorCode());
            assertEquals(Errors.INVALID_REQUEST.code(), heartbeat(c, join("g-bad", "m", "src").setMemberEpoch(-3)).errorCode());
            assertEquals(Errors.INVALID_REQUEST.code(), heartbeat(c, join("g-bad", "m", "src").setActiveTasks(List.of(
                    new StreamsGroupHeartbeatRequest.TaskIds().setSubtopologyId("0").setPartitions(List.of(0)))))
                    .errorCode());
            StreamsGroupHeartbeatRequest twice = join("g-bad", "m", "src");
            twice.topology().setSubtopologies(List.of(twice.topology().subtopologies().get(0),
                    twice.topology().subtopologies().get(0)));
            assertEquals(Errors.STREAMS_INVALID_TOPOLOGY.code(), heartbeat(c, twice).errorCode());
            // Kafka-internal and invalid topic names, in Kafka's words
            StreamsGroupHeartbeatResponse internal = heartbeat(c, join("g-bad", "m", "__consumer_offsets"));
            assertEquals(Errors.STREAMS_INVALID_TOPOLOGY.code(), internal.errorCode());
            assertEquals("Use of Kafka internal topics __consumer_offsets in a Kafka Streams topology is prohibited.",
                    internal.errorMessage());
            StreamsGroupHeartbeatResponse invalid = heartbeat(c, join("g-bad", "m", "no good"));
            assertEquals(Errors.STREAMS_INVALID_TOPOLOGY.code(), invalid.errorCode());
            assertEquals("Topic names no good are not valid topic names.", invalid.errorMessage());
            assertEquals(Errors.NONE.code(), heartbeat(c, join("g-ok", "m", "src")).errorCode());
            // Kafka 4.4.0 keeps a group's topology: another at the same epoch is INVALID_REQUEST
            StreamsGroupHeartbeatResponse other = heartbeat(c, join("g-ok", "m2", "other-src"));
            assertEquals(Errors.INVALID_REQUEST.code(), other.errorCode());
            assertEquals("Topology updates are not supported yet.", other.errorMessage());
        }
    }

    // creating internal topics needs CREATE on the cluster or on each topic, as in Kafka: refused, none is created and
    // the MISSING_INTERNAL_TOPICS status names them; a topology naming a topic the member may not describe is
    // TOPIC_AUTHORIZATION_FAILED. A broker of its own with an ACL authorizer (everything allowed where no ACL is found).
    @Test
    void internalTopicsNeedCreateRights() throws Exception {
        try (RunningBroker secured = new RunningBroker(dir.resolve("acl-broker"), Map.of(
                "offsets.topic.num.partitions", "1", "group.streams.initial.rebalance.delay.ms", "0",
                "authorizer.class.name", "kafka.security.authorizer.AclAuthorizer",
                "allow.everyone.if.no.acl.found", "true"));
                Admin a = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, secured.bootstrap()));
                KafkaWireClient c = new KafkaWireClient(secured.bootstrap())) {
            a.createTopics(List.of(new NewTopic("src", 2, (short) 1), new NewTopic("secret", 1, (short) 1))).all().get();
            a.listConsumerGroupOffsets("any").partitionsToOffsetAndMetadata().get();
            // the cluster has ACLs, none granting CREATE; one changelog may be described but not created
            String anonymous = "User:ANONYMOUS";
            a.createAcls(List.of(
                    acl(ResourceType.CLUSTER, "kafka-cluster", anonymous, AclOperation.ALTER, AclPermissionType.ALLOW),
                    acl(ResourceType.CLUSTER, "kafka-cluster", anonymous, AclOperation.DESCRIBE, AclPermissionType.ALLOW),
                    acl(ResourceType.CLUSTER, "kafka-cluster", anonymous, AclOperation.CLUSTER_ACTION,
                            AclPermissionType.ALLOW),
                    acl(ResourceType.TOPIC, "g-denied-store-changelog", anonymous, AclOperation.DESCRIBE,
                            AclPermissionType.ALLOW),
                    acl(ResourceType.TOPIC, "g-denied-store-changelog", anonymous, AclOperation.CREATE,
                            AclPermissionType.DENY),
                    acl(ResourceType.TOPIC, "secret", anonymous, AclOperation.DESCRIBE, AclPermissionType.DENY)))
                    .all().get();

            StreamsGroupHeartbeatResponse denied = heartbeat(c, join("g-denied", "m", "src"));
            assertEquals(Errors.NONE.code(), denied.errorCode());
            assertEquals(List.of(Status.MISSING_INTERNAL_TOPICS.code()), statuses(denied));
            assertTrue(denied.status().get(0).statusDetail().endsWith(
                    "; Unauthorized to CREATE on topics g-denied-store-changelog."), denied.status()::toString);
            assertTrue(!a.listTopics().names().get().contains("g-denied-store-changelog"));

            // no ACL on this changelog: CREATE on the topic is enough
            StreamsGroupHeartbeatResponse allowed = heartbeat(c, join("g-allowed", "m", "src"));
            assertEquals(Errors.NONE.code(), allowed.errorCode());
            assertTrue(allowed.status().stream().noneMatch(st -> st.statusDetail().contains("Unauthorized")),
                    allowed::toString);
            Awaitility.await("the changelog created").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> a.listTopics().names().get().contains("g-allowed-store-changelog"));

            StreamsGroupHeartbeatResponse secret = heartbeat(c, join("g-secret", "m", "secret"));
            assertEquals(Errors.TOPIC_AUTHORIZATION_FAILED.code(), secret.errorCode());
        }
    }

    private static AclBinding acl(ResourceType type, String name, String principal, AclOperation op,
            AclPermissionType permission) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry(principal, "*", op, permission));
    }

    // a member's epoch and id are checked as KIP-1071 says: unknown members, fenced epochs, leaving
    @Test
    void membershipErrors() throws Exception {
        try (KafkaWireClient c = new KafkaWireClient(broker.bootstrap())) {
            StreamsGroupHeartbeatRequest stranger = new StreamsGroupHeartbeatRequest().setGroupId("g-members")
                    .setMemberId("nobody").setMemberEpoch(3);
            assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), heartbeat(c, stranger).errorCode());

            StreamsGroupHeartbeatResponse joined = heartbeat(c, join("g-members", "m1", "no-such-topic"));
            assertEquals(Errors.NONE.code(), joined.errorCode());
            assertTrue(joined.memberEpoch() > 0, "epoch " + joined.memberEpoch());
            assertEquals(List.of(Status.MISSING_SOURCE_TOPICS.code()), statuses(joined));
            assertEquals(List.of(), joined.activeTasks(), "nothing to assign without the source topic");

            StreamsGroupHeartbeatRequest ahead = new StreamsGroupHeartbeatRequest().setGroupId("g-members")
                    .setMemberId("m1").setMemberEpoch(joined.memberEpoch() + 5);
            assertEquals(Errors.FENCED_MEMBER_EPOCH.code(), heartbeat(c, ahead).errorCode());

            StreamsGroupHeartbeatResponse left = heartbeat(c, new StreamsGroupHeartbeatRequest().setGroupId("g-members")
                    .setMemberId("m1").setMemberEpoch(-1));
            assertEquals(Errors.NONE.code(), left.errorCode());
            assertEquals(-1, left.memberEpoch());
            assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), heartbeat(c, new StreamsGroupHeartbeatRequest()
                    .setGroupId("g-members").setMemberId("m1").setMemberEpoch(joined.memberEpoch())).errorCode());
        }
    }

    // group.streams.max.size: a third member gets GROUP_MAX_SIZE_REACHED; a shutdown request reaches every member
    @Test
    void maxSizeAndShutdownRequest() throws Exception {
        try (KafkaWireClient c = new KafkaWireClient(broker.bootstrap())) {
            StreamsGroupHeartbeatResponse first = heartbeat(c, join("g-size", "m1", "src"));
            assertEquals(Errors.NONE.code(), first.errorCode());
            assertEquals(Errors.NONE.code(), heartbeat(c, join("g-size", "m2", "src")).errorCode());
            assertEquals(Errors.GROUP_MAX_SIZE_REACHED.code(), heartbeat(c, join("g-size", "m3", "src")).errorCode());

            StreamsGroupHeartbeatResponse asked = heartbeat(c, new StreamsGroupHeartbeatRequest().setGroupId("g-size")
                    .setMemberId("m1").setMemberEpoch(first.memberEpoch()).setShutdownApplication(true));
            assertEquals(Errors.NONE.code(), asked.errorCode());
            assertTrue(statuses(asked).contains(Status.SHUTDOWN_APPLICATION.code()), asked.toString());
            StreamsGroupHeartbeatResponse other = heartbeat(c, join("g-size", "m2", "src"));
            assertTrue(statuses(other).contains(Status.SHUTDOWN_APPLICATION.code()), other.toString());
        }
    }

    // a static member (group.instance.id) leaving with epoch -2 keeps its place for a new member id with its
    // instance id, which gets its epoch and tasks; until then the instance id is UNRELEASED_INSTANCE_ID
    @Test
    void staticMemberReplacedUnderANewMemberId() throws Exception {
        try (KafkaWireClient c = new KafkaWireClient(broker.bootstrap())) {
            // a stateless topology (no internal topic to create meanwhile) and one process id for both member ids, as
            // a restarted instance keeps its state directory's process id: nothing calls for a new assignment
            StreamsGroupHeartbeatRequest.Topology stateless = new StreamsGroupHeartbeatRequest.Topology().setEpoch(0)
                    .setSubtopologies(List.of(new StreamsGroupHeartbeatRequest.Subtopology().setSubtopologyId("0")
                            .setSourceTopics(List.of("src"))));
            StreamsGroupHeartbeatResponse first = heartbeat(c, join("g-static", "m1", "src").setInstanceId("i1")
                    .setTopology(stateless).setProcessId("p"));
            assertEquals(Errors.NONE.code(), first.errorCode());
            assertEquals(Errors.UNRELEASED_INSTANCE_ID.code(), heartbeat(c, join("g-static", "m2", "src")
                    .setInstanceId("i1").setTopology(stateless).setProcessId("p")).errorCode());

            StreamsGroupHeartbeatResponse away = heartbeat(c, new StreamsGroupHeartbeatRequest().setGroupId("g-static")
                    .setMemberId("m1").setMemberEpoch(-2).setInstanceId("i1"));
            assertEquals(Errors.NONE.code(), away.errorCode());
            assertEquals(-2, away.memberEpoch());

            StreamsGroupHeartbeatResponse back = heartbeat(c, join("g-static", "m2", "src").setInstanceId("i1")
                    .setTopology(stateless).setProcessId("p"));
            assertEquals(Errors.NONE.code(), back.errorCode());
            assertEquals(first.memberEpoch(), back.memberEpoch(), "the same epoch: no new assignment");
            assertEquals(first.activeTasks(), back.activeTasks());
            org.apache.kafka.clients.admin.StreamsGroupDescription d = admin.describeStreamsGroups(List.of("g-static"))
                    .describedGroups().get("g-static").get();
            assertEquals(List.of("m2"), d.members().stream().map(m -> m.memberId()).toList());
            assertEquals(java.util.Optional.of("i1"), d.members().iterator().next().instanceId());
        }
    }

    // a group id held by a group of another kind is not a streams group, for heartbeats and describes alike
    @Test
    void groupOfAnotherKind() throws Exception {
        admin.alterConsumerGroupOffsets("g-classic", Map.of(new TopicPartition("src", 0), new OffsetAndMetadata(1)))
                .all().get();
        try (KafkaWireClient c = new KafkaWireClient(broker.bootstrap())) {
            assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), heartbeat(c, join("g-classic", "m", "src")).errorCode());
            StreamsGroupDescribeResponse described = c.call(ApiKey.STREAMS_GROUP_DESCRIBE, (short) 1,
                    new StreamsGroupDescribeRequest().setGroupIds(List.of("g-classic", "g-unknown")));
            assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), described.groups().get(0).errorCode());
            assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), described.groups().get(1).errorCode());
        }
    }

    // the broker creates the changelog with as many partitions as the subtopology has tasks, and the member gets all
    @Test
    void internalTopicsCreatedAndTasksAssigned() throws Exception {
        try (KafkaWireClient c = new KafkaWireClient(broker.bootstrap())) {
            StreamsGroupHeartbeatResponse joined = heartbeat(c, join("g-app", "m1", "src"));
            assertEquals(Errors.NONE.code(), joined.errorCode());
            AtomicReference<StreamsGroupHeartbeatResponse> last = new AtomicReference<>(joined);
            Awaitility.await("a ready topology and four tasks").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        StreamsGroupHeartbeatResponse r = last.get();
                        if (statuses(r).isEmpty() && r.activeTasks() != null && !r.activeTasks().isEmpty()) {
                            return true;
                        }
                        last.set(heartbeat(c, new StreamsGroupHeartbeatRequest().setGroupId("g-app").setMemberId("m1")
                                .setMemberEpoch(r.memberEpoch() > 0 ? r.memberEpoch() : joined.memberEpoch())));
                        return false;
                    });
            StreamsGroupHeartbeatResponse ready = last.get();
            assertEquals("0", ready.activeTasks().get(0).subtopologyId());
            assertEquals(List.of(0, 1, 2, 3), ready.activeTasks().get(0).partitions());
            // the changelog offsets it reports are kept for the assignor, and described
            assertEquals(Errors.NONE.code(), heartbeat(c, new StreamsGroupHeartbeatRequest().setGroupId("g-app")
                    .setMemberId("m1").setMemberEpoch(ready.memberEpoch()).setTaskOffsets(List.of(
                            new StreamsGroupHeartbeatRequest.TaskOffset().setSubtopologyId("0").setPartition(2)
                                    .setOffset(42)))).errorCode());
        }
        // the Admin describes it: its subtopology with the changelog's size, its member with the four tasks
        org.apache.kafka.clients.admin.StreamsGroupDescription described = admin.describeStreamsGroups(List.of("g-app"))
                .describedGroups().get("g-app").get();
        assertEquals(org.apache.kafka.common.GroupState.STABLE, described.groupState());
        assertEquals(4, described.subtopologies().iterator().next().stateChangelogTopics().get("g-app-store-changelog")
                .partitions());
        org.apache.kafka.clients.admin.StreamsGroupMemberDescription m = described.members().iterator().next();
        assertEquals("m1", m.memberId());
        assertEquals("process-m1", m.processId());
        assertEquals(List.of(0, 1, 2, 3), m.assignment().activeTasks().get(0).partitions());
        assertEquals(List.of(new org.apache.kafka.clients.admin.StreamsGroupMemberDescription.TaskOffset("0", 2, 42)),
                m.taskOffsets());
        assertEquals(4, admin.describeTopics(List.of("g-app-store-changelog")).allTopicNames().get()
                .get("g-app-store-changelog").partitions().size());
        assertEquals("compact", admin.describeConfigs(List.of(new org.apache.kafka.common.config.ConfigResource(
                org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "g-app-store-changelog"))).all().get()
                .values().iterator().next().get("cleanup.policy").value());
    }
}
