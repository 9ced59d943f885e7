package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;


import dev.wharf.testing.KafkaWireClient;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.CreateTopicsRequest;
import dev.wharf.wire.message.CreateTopicsResponse;
import dev.wharf.wire.message.DescribeTopicPartitionsRequest;
import dev.wharf.wire.message.DescribeTopicPartitionsResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java AdminClient creates, lists, describes and deletes topics and describes the cluster. */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.METADATA, ApiKeys.CREATE_TOPICS,
        ApiKeys.DELETE_TOPICS, ApiKeys.DELETE_RECORDS, ApiKeys.INIT_PRODUCER_ID, ApiKeys.DESCRIBE_LOG_DIRS,
        ApiKeys.CREATE_PARTITIONS, ApiKeys.DESCRIBE_CLUSTER, ApiKeys.DESCRIBE_TOPIC_PARTITIONS})
class AdminIT {
    @TempDir
    Path dir;

    private RunningBroker broker;
    private Admin admin;

    @BeforeEach
    void start() throws Exception {
        broker = new RunningBroker(dir, Map.of());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
    }

    @AfterEach
    void stop() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    // Topics are created with partitions and configs, then listed, described and deleted.
    @Test
    void topicLifecycle() throws Exception {
        CreateTopicsResult created = admin.createTopics(List.of(
                new NewTopic("payments", 4, (short) 1).configs(Map.of("retention.ms", "3600000", "cleanup.policy", "delete")),
                new NewTopic("audit", java.util.Optional.empty(), java.util.Optional.empty())));
        created.all().get();
        assertEquals(4, created.numPartitions("payments").get());
        assertEquals("3600000", created.config("payments").get().get("retention.ms").value());
        assertEquals(1, created.numPartitions("audit").get()); // broker default

        // Kafka's brokers learn of created topics from the controller a moment after CreateTopics answers
        await().atMost(Duration.ofSeconds(10)).untilAsserted(
                () -> assertEquals(Set.of("payments", "audit"), admin.listTopics().names().get()));
        TopicDescription d = admin.describeTopics(List.of("payments")).allTopicNames().get().get("payments");
        assertEquals(4, d.partitions().size());
        assertEquals(0, d.partitions().get(3).leader().id());
        assertEquals(created.topicId("payments").get(), d.topicId());

        ExecutionException exists = assertThrows(ExecutionException.class,
                () -> admin.createTopics(List.of(new NewTopic("payments", 1, (short) 1))).all().get());
        assertInstanceOf(TopicExistsException.class, exists.getCause());
        ExecutionException badName = assertThrows(ExecutionException.class,
                () -> admin.createTopics(List.of(new NewTopic("bad/name", 1, (short) 1))).all().get());
        assertInstanceOf(InvalidTopicException.class, badName.getCause());
        ExecutionException badConfig = assertThrows(ExecutionException.class, () -> admin.createTopics(List.of(
                new NewTopic("x", 1, (short) 1).configs(Map.of("no.such.config", "1")))).all().get());
        assertInstanceOf(InvalidConfigurationException.class, badConfig.getCause());

        admin.createPartitions(Map.of("payments", NewPartitions.increaseTo(6))).all().get();
        assertEquals(6, admin.describeTopics(List.of("payments")).allTopicNames().get().get("payments").partitions().size());
        ExecutionException shrink = assertThrows(ExecutionException.class,
                () -> admin.createPartitions(Map.of("payments", NewPartitions.increaseTo(2))).all().get());
        assertInstanceOf(InvalidPartitionsException.class, shrink.getCause());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrap()),
                new StringSerializer(), new StringSerializer())) {
            assertEquals(0, producer.send(new ProducerRecord<>("payments", 5, "k", "in a new partition")).get().offset());
        }
        var logDirs = admin.describeLogDirs(List.of(0)).allDescriptions().get().get(0);
        assertEquals(1, logDirs.size());
        var replicas = logDirs.values().iterator().next().replicaInfos();
        assertTrue(replicas.get(new TopicPartition("payments", 5)).size() > 0);
        assertEquals(0, replicas.get(new TopicPartition("payments", 0)).size());

        admin.createTopics(List.of(new NewTopic("by-id", 1, (short) 1))).all().get();
        Uuid byId = admin.describeTopics(List.of("by-id")).allTopicNames().get().get("by-id").topicId();
        admin.deleteTopics(TopicCollection.ofTopicIds(List.of(byId))).all().get();

        admin.deleteTopics(List.of("audit")).all().get();
        assertEquals(Set.of("payments"), admin.listTopics().names().get());
        assertFalse(dir.resolve("logs").resolve("audit-0").toFile().exists());
        ExecutionException unknown = assertThrows(ExecutionException.class,
                () -> admin.deleteTopics(List.of("audit")).all().get());
        assertInstanceOf(UnknownTopicOrPartitionException.class, unknown.getCause());
    }

    // Replica lists given by the client are honoured; bad ones get Kafka's errors, validateOnly included.
    @Test
    void explicitAssignments() throws Exception {
        admin.createTopics(List.of(new NewTopic("manual", Map.of(0, List.of(0), 1, List.of(0))))).all().get();
        TopicDescription d = admin.describeTopics(List.of("manual")).allTopicNames().get().get("manual");
        assertEquals(2, d.partitions().size());
        d.partitions().forEach(p -> assertEquals(List.of(0), p.replicas().stream().map(n -> n.id()).toList()));

        assertFails(InvalidReplicaAssignmentException.class, () -> admin.createTopics(List.of(
                new NewTopic("nowhere", Map.of(0, List.of(7))))).all().get()); // no broker 7
        assertFails(InvalidReplicaAssignmentException.class, () -> admin.createTopics(List.of(
                new NewTopic("twice", Map.of(0, List.of(0, 0))))).all().get());
        assertFails(InvalidReplicaAssignmentException.class, () -> admin.createTopics(List.of(
                new NewTopic("gap", Map.of(0, List.of(0), 2, List.of(0))))).all().get());
        CreateTopicsOptions validateOnly = new CreateTopicsOptions().validateOnly(true);
        assertFails(InvalidReplicaAssignmentException.class, () -> admin.createTopics(List.of(
                new NewTopic("nowhere", Map.of(0, List.of(7)))), validateOnly).all().get());
        admin.createTopics(List.of(new NewTopic("checked", Map.of(0, List.of(0)))), validateOnly).all().get();
        assertFalse(admin.listTopics().names().get().contains("checked"));
        try (KafkaWireClient c = new KafkaWireClient(broker.bootstrap())) {
            CreateTopicsResponse both = c.call(ApiKey.CREATE_TOPICS, (short) 7, new CreateTopicsRequest().setTimeoutMs(5000)
                    .setTopics(List.of(new CreateTopicsRequest.CreatableTopic().setName("both").setNumPartitions(1)
                            .setReplicationFactor((short) -1).setAssignments(List.of(new CreateTopicsRequest
                                    .CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(List.of(0)))))));
            assertEquals(Errors.INVALID_REQUEST.code(), both.topics().get(0).errorCode());
        }

        admin.createPartitions(Map.of("manual", NewPartitions.increaseTo(3, List.of(List.of(0))))).all().get();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(3,
                admin.describeTopics(List.of("manual")).allTopicNames().get().get("manual").partitions().size()));
        assertFails(InvalidReplicaAssignmentException.class, () -> admin.createPartitions(Map.of("manual",
                NewPartitions.increaseTo(5, List.of(List.of(0))))).all().get()); // two new partitions, one list
        assertFails(InvalidReplicaAssignmentException.class, () -> admin.createPartitions(Map.of("manual",
                NewPartitions.increaseTo(4, List.of(List.of(9))))).all().get());

        ExecutionException wide = assertFails(InvalidReplicationFactorException.class,
                () -> admin.createTopics(List.of(new NewTopic("wide", 1, (short) 2))).all().get());
        assertEquals("Unable to replicate the partition 2 time(s): The target replication factor of 2 "
                + "cannot be reached because only 1 broker(s) are registered"
                + " or some brokers have all their log directories cordoned.", wide.getCause().getMessage());
        assertFails(InvalidReplicationFactorException.class,
                () -> admin.createTopics(List.of(new NewTopic("wide", 1, (short) 2)), validateOnly).all().get());
    }

    private static ExecutionException assertFails(Class<? extends Throwable> cause,
            org.junit.jupiter.api.function.Executable call) {
        ExecutionException e = assertThrows(ExecutionException.class, call);
        assertInstanceOf(cause, e.getCause(), e.getCause().toString());
        return e;
    }

    // DeleteRecords moves the log start: consumers start there, earlier offsets are gone.
    @Test
    void deleteRecords() throws Exception {
        admin.createTopics(List.of(new NewTopic("trimmed", 1, (short) 1))).all().get();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", broker.bootstrap()), new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("trimmed", "v" + i)).get();
            }
        }
        TopicPartition tp = new TopicPartition("trimmed", 0);
        long low = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(4)))
                .lowWatermarks().get(tp).get().lowWatermark();
        assertEquals(4, low);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", broker.bootstrap()), new StringDeserializer(),
                new StringDeserializer())) {
            assertEquals(4L, consumer.beginningOffsets(List.of(tp)).get(tp));
        }
        ExecutionException beyond = assertThrows(ExecutionException.class, () -> admin.deleteRecords(Map.of(tp,
                RecordsToDelete.beforeOffset(99))).lowWatermarks().get(tp).get());
        assertInstanceOf(OffsetOutOfRangeException.class, beyond.getCause());
    }

    // DescribeTopicPartitions pages through topics in name order with a cursor. (Capitals sort before
    // the "__" of internal topics, which a broker has once groups or transactions have been used.)
    @Test
    void describeTopicPartitionsPages() throws Exception {
        admin.createTopics(List.of(new NewTopic("A-topic", 3, (short) 1), new NewTopic("B-topic", 2, (short) 1))).all().get();
        try (KafkaWireClient c = new KafkaWireClient(broker.bootstrap())) {
            DescribeTopicPartitionsResponse first = (DescribeTopicPartitionsResponse) c.call(ApiKey.DESCRIBE_TOPIC_PARTITIONS,
                    (short) 0, new DescribeTopicPartitionsRequest().setResponsePartitionLimit(2));
            assertEquals(List.of(0, 1), first.topics().get(0).partitions().stream().map(p -> p.partitionIndex()).toList());
            assertEquals("A-topic", first.nextCursor().topicName());
            assertEquals(2, first.nextCursor().partitionIndex());
            DescribeTopicPartitionsResponse second = (DescribeTopicPartitionsResponse) c.call(ApiKey.DESCRIBE_TOPIC_PARTITIONS,
                    (short) 0, new DescribeTopicPartitionsRequest().setResponsePartitionLimit(2).setCursor(
                            new DescribeTopicPartitionsRequest.Cursor().setTopicName("A-topic").setPartitionIndex(2)));
            assertEquals(List.of("A-topic", "B-topic"), second.topics().stream().map(t -> t.name()).toList());
            assertEquals(List.of(2), second.topics().get(0).partitions().stream().map(p -> p.partitionIndex()).toList());
            assertEquals(List.of(0), second.topics().get(1).partitions().stream().map(p -> p.partitionIndex()).toList());
            assertEquals("B-topic", second.nextCursor().topicName());
            assertEquals(1, second.nextCursor().partitionIndex());
        }
    }

    // The cluster has an id, one live broker and that broker as controller.
    @Test
    void describeCluster() throws Exception {
        DescribeClusterResult c = admin.describeCluster();
        assertEquals(22, c.clusterId().get().length());
        assertEquals(1, c.nodes().get().size());
        assertEquals(0, c.controller().get().id());
        assertTrue(broker.bootstrap().endsWith(":" + c.nodes().get().iterator().next().port()));
    }
}
