package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.testing.KafkaWireClient;
import dev.wharf.wire.message.AddPartitionsToTxnRequest;
import dev.wharf.wire.message.AddPartitionsToTxnResponse;
import dev.wharf.wire.message.AlterReplicaLogDirsRequest;
import dev.wharf.wire.message.AlterReplicaLogDirsResponse;
import dev.wharf.wire.message.AlterUserScramCredentialsRequest;
import dev.wharf.wire.message.AlterUserScramCredentialsResponse;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.CreatePartitionsRequest;
import dev.wharf.wire.message.CreatePartitionsResponse;
import dev.wharf.wire.message.CreateTopicsRequest;
import dev.wharf.wire.message.CreateTopicsResponse;
import dev.wharf.wire.message.DescribeConfigsRequest;
import dev.wharf.wire.message.DescribeConfigsResponse;
import dev.wharf.wire.message.DescribeLogDirsRequest;
import dev.wharf.wire.message.DescribeLogDirsResponse;
import dev.wharf.wire.message.DescribeTopicPartitionsRequest;
import dev.wharf.wire.message.DescribeUserScramCredentialsRequest;
import dev.wharf.wire.message.FindCoordinatorRequest;
import dev.wharf.wire.message.FindCoordinatorResponse;
import dev.wharf.wire.message.DescribeUserScramCredentialsResponse;
import dev.wharf.wire.message.DescribeTopicPartitionsResponse;
import dev.wharf.wire.message.MetadataRequest;
import dev.wharf.wire.message.OffsetFetchRequest;
import dev.wharf.wire.message.OffsetFetchResponse;
import dev.wharf.wire.message.MetadataResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests {@link HostileNetworkIT} found the broker failing on (a handler threw, the broker
 * logged an ERROR and dropped the connection): each now gets Kafka 4.4's answer, checked against it.
 */
@Exercises({ApiKeys.METADATA, ApiKeys.OFFSET_FETCH, ApiKeys.FIND_COORDINATOR, ApiKeys.CREATE_TOPICS, ApiKeys.ADD_PARTITIONS_TO_TXN,
        ApiKeys.DESCRIBE_CONFIGS, ApiKeys.ALTER_REPLICA_LOG_DIRS, ApiKeys.CREATE_PARTITIONS,
        ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, ApiKeys.ALTER_USER_SCRAM_CREDENTIALS,
        ApiKeys.DESCRIBE_TOPIC_PARTITIONS, ApiKeys.DESCRIBE_LOG_DIRS})
class FuzzFindingsIT {
    @TempDir
    Path dir;

    // In AddPartitionsToTxn every partition missing from the metadata (a negative one, any of a missing topic, any of
    // an empty name) is unknown; when one is, the others are not attempted.
    @Test
    void addPartitionsToTxnAnswersImpossiblePartitionsAsUnknown() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of()); KafkaWireClient c = new KafkaWireClient(broker.bootstrap())) {
            CreateTopicsResponse created = c.call(ApiKey.CREATE_TOPICS, (short) 7, new CreateTopicsRequest().setTimeoutMs(10_000)
                    .setTopics(List.of(new CreateTopicsRequest.CreatableTopic().setName("real").setNumPartitions(1)
                            .setReplicationFactor((short) 1))));
            assertEquals(Errors.NONE.code(), created.topics().get(0).errorCode());
            Map<Integer, Short> missing = addPartitionsV3(c, "missing");
            assertEquals(Map.of(-1, Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), 0, Errors.UNKNOWN_TOPIC_OR_PARTITION.code()), missing);
            Map<Integer, Short> real = addPartitionsV3(c, "real");
            assertEquals(Map.of(-1, Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), 0, Errors.OPERATION_NOT_ATTEMPTED.code()), real);

            AddPartitionsToTxnResponse v5 = c.call(ApiKey.ADD_PARTITIONS_TO_TXN, (short) 5, new AddPartitionsToTxnRequest()
                    .setTransactions(List.of(new AddPartitionsToTxnRequest.AddPartitionsToTxnTransaction().setTransactionalId("t")
                            .setVerifyOnly(true).setTopics(List.of(new AddPartitionsToTxnRequest.AddPartitionsToTxnTopic()
                                    .setName("").setPartitions(List.of(0)))))));
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), v5.resultsByTransaction().get(0).topicResults().get(0)
                    .resultsByPartition().get(0).partitionErrorCode());
        }
    }

    /** AddPartitionsToTxn v3 of partitions -1 and 0 of {@code topic}: each partition's error (in no set order). */
    private static Map<Integer, Short> addPartitionsV3(KafkaWireClient c, String topic) throws Exception {
        AddPartitionsToTxnResponse v3 = c.call(ApiKey.ADD_PARTITIONS_TO_TXN, (short) 3, new AddPartitionsToTxnRequest()
                .setV3AndBelowTransactionalId("t").setV3AndBelowProducerId(1).setV3AndBelowTopics(List.of(
                        new AddPartitionsToTxnRequest.AddPartitionsToTxnTopic().setName(topic).setPartitions(List.of(-1, 0)))));
        Map<Integer, Short> errors = new java.util.HashMap<>();
        v3.resultsByTopicV3AndBelow().get(0).resultsByPartition()
                .forEach(p -> errors.put(p.partitionIndex(), p.partitionErrorCode()));
        return errors;
    }

    // Metadata v10/v11 naming a topic by id (which they carry but cannot look up by) is an invalid request, answered for
    // each topic asked for, with the name those versions cannot leave null as ""; the connection stays open. v12 looks ids up.
    @Test
    void metadataBeforeV12ByTopicIdIsAnInvalidRequest() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of()); KafkaWireClient c = new KafkaWireClient(broker.bootstrap())) {
            for (String name : new String[] {null, ""}) { // "" beside the id, as kafka-clients sends it from v12
                UUID id = UUID.randomUUID();
                MetadataResponse v11 = c.call(ApiKey.METADATA, (short) 11, new MetadataRequest().setTopics(List.of(
                        new MetadataRequest.MetadataRequestTopic().setName(name).setTopicId(id))));
                assertEquals(1, v11.topics().size());
                assertEquals(Errors.INVALID_REQUEST.code(), v11.topics().get(0).errorCode());
                assertEquals("", v11.topics().get(0).name());
                assertEquals(id, v11.topics().get(0).topicId());
                MetadataResponse v12 = c.call(ApiKey.METADATA, (short) 12, new MetadataRequest().setTopics(List.of(
                        new MetadataRequest.MetadataRequestTopic().setName(name).setTopicId(UUID.randomUUID()))));
                assertEquals(Errors.UNKNOWN_TOPIC_ID.code(), v12.topics().get(0).errorCode()); // v12 carries ids
            }
        }
    }

    // A request for two billion partitions is refused, as Kafka refuses more than 10,000 per request, instead of exhausting the heap.
    @Test
    void hugePartitionCountsAreAPolicyViolation() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of()); KafkaWireClient c = new KafkaWireClient(broker.bootstrap())) {
            CreateTopicsResponse huge = c.call(ApiKey.CREATE_TOPICS, (short) 7, new CreateTopicsRequest().setTimeoutMs(10_000)
                    .setTopics(List.of(new CreateTopicsRequest.CreatableTopic().setName("huge").setNumPartitions(Integer.MAX_VALUE)
                            .setReplicationFactor((short) 1), new CreateTopicsRequest.CreatableTopic().setName("small")
                            .setNumPartitions(1).setReplicationFactor((short) 1))));
            assertEquals(Errors.POLICY_VIOLATION.code(), huge.topics().get(0).errorCode());
            assertEquals(Errors.POLICY_VIOLATION.code(), huge.topics().get(1).errorCode()); // the request as a whole

            CreateTopicsResponse small = c.call(ApiKey.CREATE_TOPICS, (short) 7, new CreateTopicsRequest().setTimeoutMs(10_000)
                    .setTopics(List.of(new CreateTopicsRequest.CreatableTopic().setName("small").setNumPartitions(1)
                            .setReplicationFactor((short) 1))));
            assertEquals(Errors.NONE.code(), small.topics().get(0).errorCode());
            CreatePartitionsResponse grow = c.call(ApiKey.CREATE_PARTITIONS, (short) 3, new CreatePartitionsRequest()
                    .setTimeoutMs(10_000).setTopics(List.of(new CreatePartitionsRequest.CreatePartitionsTopic().setName("small")
                            .setCount(Integer.MAX_VALUE))));
            assertEquals(Errors.POLICY_VIOLATION.code(), grow.results().get(0).errorCode());
        }
    }

    // AlterReplicaLogDirs to a path no file system allows (a NUL in it), or to any that is no log dir, names no log dir:
    // checked first, whether the topic exists or not. To a log dir, a topic gone meanwhile is unknown, not a failure.
    @Test
    void alterReplicaLogDirsToAnImpossiblePathIsLogDirNotFound() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of()); KafkaWireClient c = new KafkaWireClient(broker.bootstrap())) {
            CreateTopicsResponse created = c.call(ApiKey.CREATE_TOPICS, (short) 7, new CreateTopicsRequest().setTimeoutMs(10_000)
                    .setTopics(List.of(new CreateTopicsRequest.CreatableTopic().setName("t").setNumPartitions(1)
                            .setReplicationFactor((short) 1))));
            assertEquals(Errors.NONE.code(), created.topics().get(0).errorCode());
            assertEquals(Errors.LOG_DIR_NOT_FOUND.code(), alterLogDir(c, "/tmp/a\u0000b", "t"));
            assertEquals(Errors.LOG_DIR_NOT_FOUND.code(), alterLogDir(c, "/tmp/a\u0000b", "gone"));
            assertEquals(Errors.LOG_DIR_NOT_FOUND.code(), alterLogDir(c, dir.resolve("no-log-dir").toString(), "gone"));
            DescribeLogDirsResponse logDirs = c.call(ApiKey.DESCRIBE_LOG_DIRS, (short) 4, new DescribeLogDirsRequest().setTopics(null));
            String logDir = logDirs.results().get(0).logDir();
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), alterLogDir(c, logDir, "gone"));
        }
    }

    private static short alterLogDir(KafkaWireClient c, String path, String topic) throws Exception {
        AlterReplicaLogDirsResponse r = c.call(ApiKey.ALTER_REPLICA_LOG_DIRS, (short) 2, new AlterReplicaLogDirsRequest()
                .setDirs(List.of(new AlterReplicaLogDirsRequest.AlterReplicaLogDir().setPath(path).setTopics(List.of(
                        new AlterReplicaLogDirsRequest.AlterReplicaLogDirTopic().setName(topic).setPartitions(List.of(0)))))));
        return r.results().get(0).partitions().get(0).errorCode();
    }

    // OffsetFetch asking for stable offsets of a negative partition answers "nothing committed" for it.
    @Test
    void offsetFetchRequireStableOfANegativePartitionIsAnswered() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of()); KafkaWireClient c = new KafkaWireClient(broker.bootstrap())) {
            // as clients do, the group's coordinator is found first (on Kafka that creates __consumer_offsets); until it is
            // up, OffsetFetch answers with a top-level error and no topics
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> c.<FindCoordinatorResponse>call(ApiKey.FIND_COORDINATOR,
                    (short) 3, new FindCoordinatorRequest().setKey("g").setKeyType((byte) 0)).errorCode() == Errors.NONE.code());
            OffsetFetchResponse r = Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> c.<OffsetFetchResponse>call(
                    ApiKey.OFFSET_FETCH, (short) 7, new OffsetFetchRequest().setGroupId("g").setRequireStable(true).setTopics(List.of(
                            new OffsetFetchRequest.OffsetFetchRequestTopic().setName("t").setPartitionIndexes(List.of(-1))))),
                    fetched -> fetched.errorCode() == Errors.NONE.code());
            OffsetFetchResponse.OffsetFetchResponsePartition p = r.topics().get(0).partitions().get(0);
            assertEquals(-1, p.partitionIndex());
            assertEquals(-1, p.committedOffset());
            assertEquals(Errors.NONE.code(), p.errorCode());
        }
    }

    // A huge topic name is an invalid topic, to DescribeConfigs (checked before it is looked up) as to CreateTopics, in
    // Kafka's words; the message quoting it still fits the response (Wharf cuts it, Kafka's fits up to its 32767 chars).
    @Test
    void hugeTopicNamesAreInvalidInMessagesThatFit() throws Exception {
        String huge = "x".repeat(32_000);
        try (RunningBroker broker = new RunningBroker(dir, Map.of()); KafkaWireClient c = new KafkaWireClient(broker.bootstrap())) {
            DescribeConfigsResponse d = c.call(ApiKey.DESCRIBE_CONFIGS, (short) 1, new DescribeConfigsRequest().setResources(List.of(
                    new DescribeConfigsRequest.DescribeConfigsResource().setResourceType((byte) 2).setResourceName(huge))));
            assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code(), d.results().get(0).errorCode());
            assertTrue(d.results().get(0).errorMessage().startsWith("Topic name is invalid: the length of 'xxx"),
                    d.results().get(0).errorMessage().substring(0, 100));
            DescribeConfigsResponse bad = c.call(ApiKey.DESCRIBE_CONFIGS, (short) 1, new DescribeConfigsRequest().setResources(List.of(
                    new DescribeConfigsRequest.DescribeConfigsResource().setResourceType((byte) 2).setResourceName("bad name!"))));
            assertEquals("Topic name is invalid: 'bad name!' contains one or more characters other than ASCII alphanumerics, "
                    + "'.', '_' and '-'", bad.results().get(0).errorMessage());
            CreateTopicsResponse t = c.call(ApiKey.CREATE_TOPICS, (short) 7, new CreateTopicsRequest().setTimeoutMs(10_000)
                    .setTopics(List.of(new CreateTopicsRequest.CreatableTopic().setName(huge).setNumPartitions(1)
                            .setReplicationFactor((short) 1))));
            assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code(), t.topics().get(0).errorCode());
            assertTrue(t.topics().get(0).errorMessage().startsWith("Topic name is invalid: the length of 'xxx"));
        }
    }

    // SCRAM credentials of the user ".." are stored and described (its znode name is encoded), and a huge unknown name gets a cut message.
    @Test
    void scramCredentialsOfOddUserNames() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of()); KafkaWireClient c = new KafkaWireClient(broker.bootstrap())) {
            AlterUserScramCredentialsResponse altered = c.call(ApiKey.ALTER_USER_SCRAM_CREDENTIALS, (short) 0,
                    new AlterUserScramCredentialsRequest().setUpsertions(List.of(new AlterUserScramCredentialsRequest
                            .ScramCredentialUpsertion().setName("..").setMechanism((byte) 1).setIterations(4096)
                            .setSalt(new byte[16]).setSaltedPassword(new byte[32]))));
            assertEquals(Errors.NONE.code(), altered.results().get(0).errorCode());
            DescribeUserScramCredentialsResponse described = c.call(ApiKey.DESCRIBE_USER_SCRAM_CREDENTIALS, (short) 0,
                    new DescribeUserScramCredentialsRequest().setUsers(List.of(
                            new DescribeUserScramCredentialsRequest.UserName().setName(".."),
                            new DescribeUserScramCredentialsRequest.UserName().setName("u".repeat(32_000)))));
            assertEquals(Errors.NONE.code(), described.results().get(0).errorCode());
            assertEquals(1, described.results().get(0).credentialInfos().size());
            assertEquals(Errors.RESOURCE_NOT_FOUND.code(), described.results().get(1).errorCode());
        }
    }

    // A DescribeTopicPartitions cursor at a negative partition is an invalid request, for each topic asked for.
    @Test
    void describeTopicPartitionsRefusesANegativeCursor() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of()); KafkaWireClient c = new KafkaWireClient(broker.bootstrap())) {
            DescribeTopicPartitionsResponse r = c.call(ApiKey.DESCRIBE_TOPIC_PARTITIONS, (short) 0, new DescribeTopicPartitionsRequest()
                    .setTopics(List.of(new DescribeTopicPartitionsRequest.TopicRequest().setName("any")))
                    .setResponsePartitionLimit(10)
                    .setCursor(new DescribeTopicPartitionsRequest.Cursor().setTopicName("any").setPartitionIndex(-5)));
            assertEquals(Errors.INVALID_REQUEST.code(), r.topics().get(0).errorCode());
        }
    }
}
