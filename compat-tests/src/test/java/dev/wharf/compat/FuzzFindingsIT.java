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
import dev.wharf.wire.message.DescribeTopicPartitionsRequest;
import dev.wharf.wire.message.DescribeUserScramCredentialsRequest;
import dev.wharf.wire.message.DescribeUserScramCredentialsResponse;
import dev.wharf.wire.message.DescribeTopicPartitionsResponse;
import dev.wharf.wire.message.MetadataRequest;
import dev.wharf.wire.message.OffsetFetchRequest;
import dev.wharf.wire.message.OffsetFetchResponse;
import dev.wharf.wire.message.MetadataResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests {@link HostileNetworkIT} found the broker failing on (a handler threw, the broker
 * logged an ERROR and dropped the connection): each now gets Kafka's error code in its response, or
 * where no response of that version can say it, loses its connection without an ERROR.
 */
@Exercises({ApiKeys.METADATA, ApiKeys.OFFSET_FETCH, ApiKeys.CREATE_TOPICS, ApiKeys.ADD_PARTITIONS_TO_TXN,
        ApiKeys.DESCRIBE_CONFIGS, ApiKeys.ALTER_REPLICA_LOG_DIRS, ApiKeys.CREATE_PARTITIONS,
        ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, ApiKeys.ALTER_USER_SCRAM_CREDENTIALS,
        ApiKeys.DESCRIBE_TOPIC_PARTITIONS})
class FuzzFindingsIT {
    @TempDir
    Path dir;

    // A negative partition or an empty topic name in AddPartitionsToTxn is unknown, the rest not attempted.
    @Test
    void addPartitionsToTxnAnswersImpossiblePartitionsAsUnknown() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of()); KafkaWireClient c = new KafkaWireClient(broker.bootstrap())) {
            AddPartitionsToTxnResponse v3 = c.call(ApiKey.ADD_PARTITIONS_TO_TXN, (short) 3, new AddPartitionsToTxnRequest()
                    .setV3AndBelowTransactionalId("t").setV3AndBelowProducerId(1).setV3AndBelowTopics(List.of(
                            new AddPartitionsToTxnRequest.AddPartitionsToTxnTopic().setName("any").setPartitions(List.of(-1, 0)))));
            List<AddPartitionsToTxnResponse.AddPartitionsToTxnPartitionResult> ps = v3.resultsByTopicV3AndBelow().get(0).resultsByPartition();
            assertEquals(-1, ps.get(0).partitionIndex());
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), ps.get(0).partitionErrorCode());
            assertEquals(Errors.OPERATION_NOT_ATTEMPTED.code(), ps.get(1).partitionErrorCode());

            AddPartitionsToTxnResponse v5 = c.call(ApiKey.ADD_PARTITIONS_TO_TXN, (short) 5, new AddPartitionsToTxnRequest()
                    .setTransactions(List.of(new AddPartitionsToTxnRequest.AddPartitionsToTxnTransaction().setTransactionalId("t")
                            .setVerifyOnly(true).setTopics(List.of(new AddPartitionsToTxnRequest.AddPartitionsToTxnTopic()
                                    .setName("").setPartitions(List.of(0)))))));
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), v5.resultsByTransaction().get(0).topicResults().get(0)
                    .resultsByPartition().get(0).partitionErrorCode());
        }
    }

    // Metadata v10/v11 naming a topic by id alone has no answer those versions can carry: the connection closes, and only it.
    @Test
    void metadataBeforeV12WithoutATopicNameClosesTheConnection() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of()); KafkaWireClient c = new KafkaWireClient(broker.bootstrap())) {
            c.send(ApiKey.METADATA, (short) 11, new MetadataRequest().setTopics(List.of(
                    new MetadataRequest.MetadataRequestTopic().setName(null).setTopicId(UUID.randomUUID()))));
            assertTrue(c.closedByBroker());
            // the same with the name left at "" beside the id (as kafka-clients sends it from v12)
            try (KafkaWireClient blank = new KafkaWireClient(broker.bootstrap())) {
                blank.send(ApiKey.METADATA, (short) 11, new MetadataRequest().setTopics(List.of(
                        new MetadataRequest.MetadataRequestTopic().setName("").setTopicId(UUID.randomUUID()))));
                assertTrue(blank.closedByBroker());
            }
            try (KafkaWireClient other = new KafkaWireClient(broker.bootstrap())) {
                MetadataResponse r = other.call(ApiKey.METADATA, (short) 12, new MetadataRequest().setTopics(List.of(
                        new MetadataRequest.MetadataRequestTopic().setName(null).setTopicId(UUID.randomUUID()))));
                assertEquals(Errors.UNKNOWN_TOPIC_ID.code(), r.topics().get(0).errorCode()); // v12 carries ids
                MetadataResponse blankName = other.call(ApiKey.METADATA, (short) 12, new MetadataRequest().setTopics(List.of(
                        new MetadataRequest.MetadataRequestTopic().setName("").setTopicId(UUID.randomUUID()))));
                assertEquals(Errors.UNKNOWN_TOPIC_ID.code(), blankName.topics().get(0).errorCode());
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

    // AlterReplicaLogDirs to a path no file system allows (a NUL in it) names no log dir.
    @Test
    void alterReplicaLogDirsToAnImpossiblePathIsLogDirNotFound() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of()); KafkaWireClient c = new KafkaWireClient(broker.bootstrap())) {
            CreateTopicsResponse created = c.call(ApiKey.CREATE_TOPICS, (short) 7, new CreateTopicsRequest().setTimeoutMs(10_000)
                    .setTopics(List.of(new CreateTopicsRequest.CreatableTopic().setName("t").setNumPartitions(1)
                            .setReplicationFactor((short) 1))));
            assertEquals(Errors.NONE.code(), created.topics().get(0).errorCode());
            AlterReplicaLogDirsResponse r = c.call(ApiKey.ALTER_REPLICA_LOG_DIRS, (short) 2, new AlterReplicaLogDirsRequest()
                    .setDirs(List.of(new AlterReplicaLogDirsRequest.AlterReplicaLogDir().setPath("/tmp/a\u0000b").setTopics(List.of(
                            new AlterReplicaLogDirsRequest.AlterReplicaLogDirTopic().setName("t").setPartitions(List.of(0)))))));
            assertEquals(Errors.LOG_DIR_NOT_FOUND.code(), r.results().get(0).partitions().get(0).errorCode());
            // a topic gone by the time it is looked up (the fuzzer deleted one meanwhile) is unknown, not a failure
            AlterReplicaLogDirsResponse gone = c.call(ApiKey.ALTER_REPLICA_LOG_DIRS, (short) 2, new AlterReplicaLogDirsRequest()
                    .setDirs(List.of(new AlterReplicaLogDirsRequest.AlterReplicaLogDir().setPath("/tmp").setTopics(List.of(
                            new AlterReplicaLogDirsRequest.AlterReplicaLogDirTopic().setName("gone").setPartitions(List.of(0)))))));
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), gone.results().get(0).partitions().get(0).errorCode());
        }
    }

    // OffsetFetch asking for stable offsets of a negative partition answers "nothing committed" for it.
    @Test
    void offsetFetchRequireStableOfANegativePartitionIsAnswered() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of()); KafkaWireClient c = new KafkaWireClient(broker.bootstrap())) {
            OffsetFetchResponse r = c.call(ApiKey.OFFSET_FETCH, (short) 7, new OffsetFetchRequest().setGroupId("g").setRequireStable(true)
                    .setTopics(List.of(new OffsetFetchRequest.OffsetFetchRequestTopic().setName("t").setPartitionIndexes(List.of(-1)))));
            OffsetFetchResponse.OffsetFetchResponsePartition p = r.topics().get(0).partitions().get(0);
            assertEquals(-1, p.partitionIndex());
            assertEquals(-1, p.committedOffset());
            assertEquals(Errors.NONE.code(), p.errorCode());
        }
    }

    // Error messages quoting a client's longest strings are cut so the response can carry them.
    @Test
    void errorMessagesQuotingHugeNamesStillFitTheResponse() throws Exception {
        String huge = "x".repeat(32_000);
        try (RunningBroker broker = new RunningBroker(dir, Map.of()); KafkaWireClient c = new KafkaWireClient(broker.bootstrap())) {
            DescribeConfigsResponse d = c.call(ApiKey.DESCRIBE_CONFIGS, (short) 1, new DescribeConfigsRequest().setResources(List.of(
                    new DescribeConfigsRequest.DescribeConfigsResource().setResourceType((byte) 2).setResourceName(huge))));
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), d.results().get(0).errorCode());
            assertTrue(d.results().get(0).errorMessage().length() < 1_100, "message not cut");
            CreateTopicsResponse t = c.call(ApiKey.CREATE_TOPICS, (short) 7, new CreateTopicsRequest().setTimeoutMs(10_000)
                    .setTopics(List.of(new CreateTopicsRequest.CreatableTopic().setName(huge).setNumPartitions(1)
                            .setReplicationFactor((short) 1))));
            assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code(), t.topics().get(0).errorCode());
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
