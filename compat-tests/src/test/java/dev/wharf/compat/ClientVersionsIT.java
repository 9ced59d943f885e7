package dev.wharf.compat;

import static dev.wharf.testing.ProduceBatch.utf8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.wharf.testing.KafkaWireClient;
import dev.wharf.testing.ProduceBatch;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.FetchRequest;
import dev.wharf.wire.message.FetchResponse;
import dev.wharf.wire.message.FindCoordinatorRequest;
import dev.wharf.wire.message.FindCoordinatorResponse;
import dev.wharf.wire.message.JoinGroupRequest;
import dev.wharf.wire.message.JoinGroupResponse;
import dev.wharf.wire.message.MetadataRequest;
import dev.wharf.wire.message.MetadataResponse;
import dev.wharf.wire.message.OffsetCommitRequest;
import dev.wharf.wire.message.OffsetCommitResponse;
import dev.wharf.wire.message.OffsetFetchRequest;
import dev.wharf.wire.message.OffsetFetchResponse;
import dev.wharf.wire.message.ProduceResponse;
import dev.wharf.wire.message.SyncGroupRequest;
import dev.wharf.wire.message.SyncGroupResponse;
import dev.wharf.wire.records.BufferRecords;
import dev.wharf.wire.records.Header;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The calls every client makes, at every version the broker advertises that a client could send:
 * Produce, Fetch, JoinGroup with SyncGroup, OffsetCommit with OffsetFetch. Fields that exist only
 * from some version on are set and checked only there: topic ids (Produce v13, Fetch v13,
 * OffsetCommit and OffsetFetch v10; resolved by Metadata v12), leader epochs (Fetch v9,
 * OffsetCommit v6, OffsetFetch v5), the member id round trip (JoinGroup v4), grouped OffsetFetch
 * (v8). Records are read back with kafka-clients' own decoder. One broker serves the whole class.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.METADATA, ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH,
        ApiKeys.FIND_COORDINATOR, ApiKeys.JOIN_GROUP, ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.SYNC_GROUP,
        ApiKeys.INIT_PRODUCER_ID, ApiKeys.CONSUMER_GROUP_HEARTBEAT})
class ClientVersionsIT {
    private static final short METADATA_V = 12; // topic ids and leader epochs
    private static final short READ_BACK_FETCH_V = 12; // the reader of produced records: names, not ids
    private static final long PRODUCER_ID = 9001L;
    private static final String FETCHED = "fetched";
    private static final String COMMITTED = "committed";

    @TempDir
    static Path dir;

    private static RunningBroker broker;
    private static KafkaWireClient client;
    /** The records in {@link #FETCHED}: one batch of three, then one of two. */
    private static final List<Sent> fetchedRecords = List.of(
            new Sent(1_700_000_000_000L, "k0", "v0", List.of(new Header("h", utf8("x")))),
            new Sent(1_700_000_000_005L, null, "v1", List.of()),
            new Sent(1_700_000_000_003L, "k2", null, List.of(new Header("a", null), new Header("b", utf8("")))),
            new Sent(1_700_000_001_000L, "k3", "v3", List.of()),
            new Sent(1_700_000_001_001L, "k4", "v4", List.of(new Header("h", utf8("y")))));

    /** A record as the test sends it. */
    private record Sent(long timestamp, String key, String value, List<Header> headers) {}

    @BeforeAll
    static void start() throws Exception {
        broker = new RunningBroker(dir, Map.of(
                "group.initial.rebalance.delay.ms", "0",
                "offsets.topic.num.partitions", "1"));
        client = new KafkaWireClient(broker.bootstrap());
        topic(FETCHED);
        topic(COMMITTED);
        produce(FETCHED, (short) 9, batch(fetchedRecords.subList(0, 3), 0));
        produce(FETCHED, (short) 9, batch(fetchedRecords.subList(3, 5), 3));
        // the single __consumer_offsets partition coordinates every group once it is loaded
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            FindCoordinatorResponse r = client.call(ApiKey.FIND_COORDINATOR, (short) 4,
                    new FindCoordinatorRequest().setCoordinatorKeys(List.of("any-group")));
            return r.coordinators().get(0).errorCode() == Errors.NONE.code();
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** Every advertised version of {@code api} from {@code oldestClientVersion} on (runs after {@code start}). */
    private static Stream<Short> versions(ApiKey api, int oldestClientVersion) throws IOException {
        List<Short> versions = client.advertisedVersions(api, oldestClientVersion);
        assertFalse(versions.isEmpty(), api.displayName + " advertises no version from v" + oldestClientVersion);
        return versions.stream();
    }

    static Stream<Short> produceVersions() throws IOException {
        return versions(ApiKey.PRODUCE, 3); // magic v2 record batches need Produce v3
    }

    static Stream<Short> fetchVersions() throws IOException {
        return versions(ApiKey.FETCH, 4); // magic v2 record batches need Fetch v4
    }

    static Stream<Short> joinGroupVersions() throws IOException {
        return versions(ApiKey.JOIN_GROUP, 0);
    }

    static Stream<Short> offsetCommitVersions() throws IOException {
        return versions(ApiKey.OFFSET_COMMIT, 0);
    }

    // A batch produced at any version gets its offsets, and comes back with its keys, values, headers,
    // timestamps and producer identity.
    @ParameterizedTest(name = "Produce v{0}")
    @MethodSource("produceVersions")
    void producedRecordsComeBackByFetch(short version) throws Exception {
        String topic = "produce-v" + version;
        UUID id = topic(topic);
        List<Sent> first = fetchedRecords.subList(0, 3);
        List<Sent> second = fetchedRecords.subList(3, 5);

        ProduceResponse.PartitionProduceResponse a = produce(topic, id, version, batch(first, 0));
        ProduceResponse.PartitionProduceResponse b = produce(topic, id, version, batch(second, 3));

        assertEquals(List.of(0L, 3L), List.of(a.baseOffset(), b.baseOffset()));
        assertEquals(-1L, a.logAppendTimeMs()); // create time: the producer's timestamps are kept
        if (version >= 5) {
            assertEquals(0L, b.logStartOffset());
        }
        assertRecords(fetchedRecords, 0, fetch(topic, READ_BACK_FETCH_V, 0).records());
    }

    // A fetch at any version returns the stored batches from the offset asked for, with the
    // partition's high watermark, last stable offset and log start.
    @ParameterizedTest(name = "Fetch v{0}")
    @MethodSource("fetchVersions")
    void fetchReturnsTheRecordsAtEveryVersion(short version) throws Exception {
        FetchResponse.PartitionData all = fetch(FETCHED, version, 0);
        assertEquals(5, all.highWatermark());
        assertEquals(5, all.lastStableOffset());
        if (version >= 5) {
            assertEquals(0, all.logStartOffset());
        }
        assertRecords(fetchedRecords, 0, all.records());

        FetchResponse.PartitionData fromSecondBatch = fetch(FETCHED, version, 3);
        assertRecords(fetchedRecords.subList(3, 5), 3, fromSecondBatch.records());
    }

    // JoinGroup then SyncGroup at any version makes the sole member leader of generation 1 and hands
    // it the assignment it chose (v4+ first answers MEMBER_ID_REQUIRED with the id to use).
    @ParameterizedTest(name = "JoinGroup v{0}")
    @MethodSource("joinGroupVersions")
    void joinAndSyncGiveAGenerationAndAssignment(short version) throws Exception {
        String group = "join-v" + version;
        byte[] subscription = utf8("subscription-v" + version);
        JoinGroupRequest request = new JoinGroupRequest().setGroupId(group).setSessionTimeoutMs(10_000)
                .setRebalanceTimeoutMs(10_000).setMemberId("").setProtocolType("consumer").setProtocols(List.of(
                        new JoinGroupRequest.JoinGroupRequestProtocol().setName("range").setMetadata(subscription)));

        JoinGroupResponse joined = client.call(ApiKey.JOIN_GROUP, version, request);
        if (version >= 4) {
            assertEquals(Errors.MEMBER_ID_REQUIRED.code(), joined.errorCode());
            assertFalse(joined.memberId().isEmpty());
            joined = client.call(ApiKey.JOIN_GROUP, version, request.setMemberId(joined.memberId()));
        }
        assertEquals(Errors.NONE.code(), joined.errorCode());
        assertEquals(1, joined.generationId());
        assertEquals("range", joined.protocolName());
        if (version >= 7) {
            assertEquals("consumer", joined.protocolType());
        }
        assertEquals(joined.memberId(), joined.leader());
        assertEquals(1, joined.members().size());
        assertEquals(joined.memberId(), joined.members().get(0).memberId());
        assertArrayEquals(subscription, joined.members().get(0).metadata());

        short syncVersion = syncVersionFor(version);
        byte[] assignment = utf8("assignment-v" + version);
        SyncGroupResponse synced = client.call(ApiKey.SYNC_GROUP, syncVersion, new SyncGroupRequest().setGroupId(group)
                .setGenerationId(joined.generationId()).setMemberId(joined.memberId()).setProtocolType("consumer")
                .setProtocolName("range").setAssignments(List.of(new SyncGroupRequest.SyncGroupRequestAssignment()
                        .setMemberId(joined.memberId()).setAssignment(assignment))));
        assertEquals(Errors.NONE.code(), synced.errorCode(), "SyncGroup v" + syncVersion);
        assertArrayEquals(assignment, synced.assignment());
        if (syncVersion >= 5) {
            assertEquals(List.of("consumer", "range"), List.of(synced.protocolType(), synced.protocolName()));
        }
    }

    /** The SyncGroup version released with a JoinGroup version: what one client sends with the other. */
    private static short syncVersionFor(short joinVersion) throws IOException {
        short[] byJoinVersion = {0, 0, 1, 2, 2, 3, 4, 5, 5, 5};
        short wanted = byJoinVersion[Math.min(joinVersion, byJoinVersion.length - 1)];
        List<Short> advertised = client.advertisedVersions(ApiKey.SYNC_GROUP, 0);
        return (short) Math.min(wanted, advertised.get(advertised.size() - 1));
    }

    // An offset committed at any version is read back by OffsetFetch at every version with its
    // metadata, and with its leader epoch where both versions carry one.
    @ParameterizedTest(name = "OffsetCommit v{0}")
    @MethodSource("offsetCommitVersions")
    void committedOffsetsRoundTripWithTheirMetadata(short version) throws Exception {
        String group = "commit-v" + version;
        UUID id = topic(COMMITTED);
        long offset = 100L + version;
        String metadata = "metadata of v" + version;
        OffsetCommitRequest commit = new OffsetCommitRequest().setGroupId(group).setGenerationIdOrMemberEpoch(-1)
                .setMemberId("").setRetentionTimeMs(-1).setTopics(List.of(new OffsetCommitRequest.OffsetCommitRequestTopic()
                        .setName(COMMITTED).setTopicId(id).setPartitions(List.of(
                                new OffsetCommitRequest.OffsetCommitRequestPartition().setPartitionIndex(0)
                                        .setCommittedOffset(offset).setCommittedLeaderEpoch(0)
                                        .setCommittedMetadata(metadata)))));
        OffsetCommitResponse committed = client.call(ApiKey.OFFSET_COMMIT, version, commit);
        assertEquals(Errors.NONE.code(), committed.topics().get(0).partitions().get(0).errorCode());

        for (short fetchVersion : versions(ApiKey.OFFSET_FETCH, 0).toList()) {
            String at = "OffsetFetch v" + fetchVersion + " after OffsetCommit v" + version;
            Committed read = offsetFetch(group, id, fetchVersion);
            assertEquals(Errors.NONE.code(), read.error, at);
            assertEquals(offset, read.offset, at);
            assertEquals(metadata, read.metadata, at);
            if (version >= 6 && fetchVersion >= 5) {
                assertEquals(0, read.leaderEpoch, at);
            }
        }
    }

    /** What OffsetFetch says about partition 0 of {@link #COMMITTED}, whichever shape the version has. */
    private record Committed(short error, long offset, int leaderEpoch, String metadata) {}

    private static Committed offsetFetch(String group, UUID id, short version) throws IOException {
        if (version < 8) {
            OffsetFetchResponse r = client.call(ApiKey.OFFSET_FETCH, version, new OffsetFetchRequest().setGroupId(group)
                    .setTopics(List.of(new OffsetFetchRequest.OffsetFetchRequestTopic().setName(COMMITTED)
                            .setPartitionIndexes(List.of(0)))));
            assertEquals(Errors.NONE.code(), r.errorCode());
            OffsetFetchResponse.OffsetFetchResponsePartition p = r.topics().get(0).partitions().get(0);
            return new Committed(p.errorCode(), p.committedOffset(), p.committedLeaderEpoch(), p.metadata());
        }
        OffsetFetchResponse r = client.call(ApiKey.OFFSET_FETCH, version, new OffsetFetchRequest().setGroups(List.of(
                new OffsetFetchRequest.OffsetFetchRequestGroup().setGroupId(group).setTopics(List.of(
                        new OffsetFetchRequest.OffsetFetchRequestTopics().setName(COMMITTED).setTopicId(id)
                                .setPartitionIndexes(List.of(0)))))));
        OffsetFetchResponse.OffsetFetchResponseGroup g = r.groups().get(0);
        assertEquals(Errors.NONE.code(), g.errorCode());
        OffsetFetchResponse.OffsetFetchResponseTopics t = g.topics().get(0);
        if (version >= 10) {
            assertEquals(id, t.topicId());
        } else {
            assertEquals(COMMITTED, t.name());
        }
        OffsetFetchResponse.OffsetFetchResponsePartitions p = t.partitions().get(0);
        return new Committed(p.errorCode(), p.committedOffset(), p.committedLeaderEpoch(), p.metadata());
    }

    /** Creates the topic (one partition) if need be; returns its id. */
    private static UUID topic(String name) throws IOException {
        MetadataResponse md = client.call(ApiKey.METADATA, METADATA_V, new MetadataRequest().setAllowAutoTopicCreation(true)
                .setTopics(List.of(new MetadataRequest.MetadataRequestTopic().setName(name))));
        MetadataResponse.MetadataResponseTopic t = md.topics().get(0);
        assertEquals(Errors.NONE.code(), t.errorCode(), name);
        assertNotEquals(new UUID(0, 0), t.topicId());
        return t.topicId();
    }

    private static int leaderEpoch(String topic) throws IOException {
        MetadataResponse md = client.call(ApiKey.METADATA, METADATA_V, new MetadataRequest()
                .setTopics(List.of(new MetadataRequest.MetadataRequestTopic().setName(topic))));
        return md.topics().get(0).partitions().get(0).leaderEpoch();
    }

    /** One idempotent batch of {@code records} whose first record has sequence {@code firstSequence}. */
    private static ByteBuf batch(List<Sent> records, int firstSequence) {
        ProduceBatch b = ProduceBatch.create().producer(PRODUCER_ID, (short) 0, firstSequence);
        for (Sent r : records) {
            b.record(r.timestamp(), utf8(r.key()), utf8(r.value()), r.headers());
        }
        return b.build();
    }

    private static void produce(String topic, short version, ByteBuf batch) throws IOException {
        produce(topic, null, version, batch);
    }

    private static ProduceResponse.PartitionProduceResponse produce(String topic, UUID id, short version, ByteBuf batch)
            throws IOException {
        ProduceResponse r = client.call(ApiKey.PRODUCE, version, ProduceBatch.request(topic, id, 0, batch));
        ProduceResponse.TopicProduceResponse t = r.responses().get(0);
        if (version >= 13) {
            assertEquals(id, t.topicId());
        } else {
            assertEquals(topic, t.name());
        }
        ProduceResponse.PartitionProduceResponse p = t.partitionResponses().get(0);
        assertEquals(Errors.NONE.code(), p.errorCode(), "Produce v" + version + " to " + topic);
        return p;
    }

    /** Fetches partition 0 of {@code topic} from {@code offset} without a session, naming the topic as the version does. */
    private static FetchResponse.PartitionData fetch(String topic, short version, long offset) throws IOException {
        UUID id = topic(topic);
        FetchRequest request = new FetchRequest().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1 << 20)
                .setIsolationLevel((byte) 0).setSessionId(0).setSessionEpoch(-1).setTopics(List.of(new FetchRequest.FetchTopic()
                        .setTopic(topic).setTopicId(id).setPartitions(List.of(new FetchRequest.FetchPartition().setPartition(0)
                                .setFetchOffset(offset).setPartitionMaxBytes(1 << 20)
                                .setCurrentLeaderEpoch(leaderEpoch(topic))))));
        FetchResponse r = client.call(ApiKey.FETCH, version, request);
        String at = "Fetch v" + version + " of " + topic;
        assertEquals(Errors.NONE.code(), r.errorCode(), at);
        FetchResponse.FetchableTopicResponse t = r.responses().get(0);
        if (version >= 13) {
            assertEquals(id, t.topicId(), at);
        } else {
            assertEquals(topic, t.topic(), at);
        }
        FetchResponse.PartitionData p = t.partitions().get(0);
        assertEquals(Errors.NONE.code(), p.errorCode(), at);
        return p;
    }

    /** Decodes fetched bytes with kafka-clients and checks them against what was sent from {@code firstOffset} on. */
    private static void assertRecords(List<Sent> expected, long firstOffset, dev.wharf.wire.records.Records fetched) {
        ByteBuf buffer = ((BufferRecords) fetched).buffer();
        byte[] bytes = new byte[buffer.readableBytes()];
        buffer.getBytes(buffer.readerIndex(), bytes);
        List<Record> records = new ArrayList<>();
        for (RecordBatch batch : MemoryRecords.readableRecords(ByteBuffer.wrap(bytes)).batches()) {
            assertEquals(RecordBatch.MAGIC_VALUE_V2, batch.magic());
            assertEquals(PRODUCER_ID, batch.producerId());
            assertEquals(0, batch.producerEpoch());
            batch.forEach(records::add);
        }
        assertEquals(expected.size(), records.size());
        for (int i = 0; i < expected.size(); i++) {
            Sent sent = expected.get(i);
            Record got = records.get(i);
            String at = "record " + i;
            assertEquals(firstOffset + i, got.offset(), at);
            assertEquals(sent.timestamp(), got.timestamp(), at);
            assertArrayEquals(utf8(sent.key()), bytesOf(got.key()), at);
            assertArrayEquals(utf8(sent.value()), bytesOf(got.value()), at);
            List<Header> headers = new ArrayList<>();
            for (org.apache.kafka.common.header.Header h : got.headers()) {
                headers.add(new Header(h.key(), h.value()));
            }
            assertEquals(sent.headers(), headers, at);
        }
    }

    private static byte[] bytesOf(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
