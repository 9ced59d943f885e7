package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wharf.controller.EmbeddedZooKeeper;
import dev.wharf.testing.KafkaWireClient;
import dev.wharf.testing.ProduceBatch;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.FindCoordinatorRequest;
import dev.wharf.wire.message.FindCoordinatorResponse;
import dev.wharf.wire.message.MetadataRequest;
import dev.wharf.wire.message.MetadataResponse;
import dev.wharf.wire.message.ProduceResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two brokers (three for one test) pointed at one ZooKeeper with {@code zookeeper.connect}: both
 * registered in one cluster with their racks, one controller, partitions spread over both and known
 * to both, replicas placed as Kafka places them or as the client said, a broker asked for a
 * partition the other leads answering NOT_LEADER_OR_FOLLOWER (so a client with stale metadata
 * refreshes), consumer groups coordinated by either broker, and no coordinator until enough
 * brokers are up for {@code offsets.topic.replication.factor}.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.METADATA, ApiKeys.OFFSET_COMMIT,
        ApiKeys.OFFSET_FETCH, ApiKeys.FIND_COORDINATOR, ApiKeys.API_VERSIONS, ApiKeys.CREATE_TOPICS,
        ApiKeys.INIT_PRODUCER_ID, ApiKeys.CREATE_PARTITIONS, ApiKeys.UPDATE_FEATURES, ApiKeys.DESCRIBE_CLUSTER,
        ApiKeys.DESCRIBE_TOPIC_PARTITIONS})
class MultiBrokerIT {
    @org.junit.jupiter.api.BeforeEach
    void needsItsOwnBrokers() {
        ExternalBroker.assumeOwnBroker("runs several Wharf brokers on one ZooKeeper");
    }

    @TempDir
    Path dir;

    @Test
    void twoBrokersShareOneZooKeeper() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                RunningBroker one = new RunningBroker(dir.resolve("one"), Map.of("broker.id", "1",
                        "zookeeper.connect", zk.connectString(), "broker.rack", "rack-a"));
                RunningBroker two = new RunningBroker(dir.resolve("two"), Map.of("broker.id", "2",
                        "zookeeper.connect", zk.connectString(), "broker.rack", "rack-b"));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, one.bootstrap()));
                Admin adminTwo = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, two.bootstrap()));
                KafkaWireClient toOne = new KafkaWireClient(one.bootstrap())) {
            DescribeClusterResult cluster = admin.describeCluster();
            assertEquals(Set.of(1, 2), cluster.nodes().get().stream().map(Node::id).collect(Collectors.toSet()));
            assertEquals(1, cluster.controller().get().id()); // the first to register
            assertEquals(cluster.clusterId().get(), adminTwo.describeCluster().clusterId().get());
            // broker.rack is registered and shown by DescribeCluster and Metadata (v1+)
            assertEquals(Map.of(1, "rack-a", 2, "rack-b"),
                    cluster.nodes().get().stream().collect(Collectors.toMap(Node::id, Node::rack)));
            MetadataResponse brokers = (MetadataResponse) toOne.call(ApiKey.METADATA, (short) 1,
                    new MetadataRequest().setTopics(List.of()));
            assertEquals(Map.of(1, "rack-a", 2, "rack-b"), brokers.brokers().stream().collect(Collectors.toMap(
                    MetadataResponse.MetadataResponseBroker::nodeId, MetadataResponse.MetadataResponseBroker::rack)));

            admin.createTopics(List.of(new NewTopic("spread", 2, (short) 1))).all().get();
            // broker 2 follows the topic the controller (broker 1) created
            await().atMost(Duration.ofSeconds(10)).until(() -> adminTwo.describeTopics(List.of("spread"))
                    .allTopicNames().get().get("spread").partitions().size() == 2);
            MetadataResponse md = (MetadataResponse) toOne.call(ApiKey.METADATA, (short) 12, new MetadataRequest()
                    .setTopics(List.of(new MetadataRequest.MetadataRequestTopic().setName("spread"))));
            List<MetadataResponse.MetadataResponsePartition> spread = md.topics().get(0).partitions();
            assertEquals(Set.of(1, 2), spread.stream().map(p -> p.leaderId()).collect(Collectors.toSet()));
            int ledByTwo = spread.stream().filter(p -> p.leaderId() == 2).findFirst().orElseThrow().partitionIndex();
            int ledByOne = 1 - ledByTwo;

            assertEquals(Errors.NONE.code(), produceError(toOne, ledByOne));
            assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code(), produceError(toOne, ledByTwo));
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), produceError(toOne, 7)); // no such partition

            ExecutionException wide = assertThrows(ExecutionException.class,
                    () -> admin.createTopics(List.of(new NewTopic("wide", 1, (short) 3))).all().get());
            assertInstanceOf(InvalidReplicationFactorException.class, wide.getCause());
            assertEquals("Unable to replicate the partition 3 time(s): The target replication factor of 3 "
                    + "cannot be reached because only 2 broker(s) are registered"
                    + " or some brokers have all their log directories cordoned.", wide.getCause().getMessage());

            // a feature finalized through broker 1 is finalized on broker 2 too
            admin.updateFeatures(Map.of("transaction.version", new FeatureUpdate((short) 1,
                    FeatureUpdate.UpgradeType.SAFE_DOWNGRADE)), new UpdateFeaturesOptions()).all().get();
            await().atMost(Duration.ofSeconds(10)).until(() -> adminTwo.describeFeatures().featureMetadata().get()
                    .finalizedFeatures().get("transaction.version").maxVersionLevel() == 1);
        }
    }

    // Placement over two brokers: two replicas each, leaders spread over both, the first replica
    // leads; replica lists given by the client are kept exactly, for new topics and new partitions.
    // (Placement and metadata only: whether followers copy data is not checked here.)
    @Test
    void replicasArePlacedOrKeptAsGiven() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                RunningBroker one = new RunningBroker(dir.resolve("one"), Map.of("broker.id", "1",
                        "zookeeper.connect", zk.connectString()));
                RunningBroker two = new RunningBroker(dir.resolve("two"), Map.of("broker.id", "2",
                        "zookeeper.connect", zk.connectString()));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, one.bootstrap()))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> admin.describeCluster().nodes().get().size() == 2);
            admin.createTopics(List.of(new NewTopic("placed", 4, (short) 2))).all().get();
            List<TopicPartitionInfo> placed = partitions(admin, "placed");
            assertEquals(Map.of(1, 2L, 2, 2L), placed.stream().collect(Collectors.groupingBy(p -> p.leader().id(),
                    Collectors.counting())));
            for (TopicPartitionInfo p : placed) {
                assertEquals(Set.of(1, 2), ids(p.replicas()).stream().collect(Collectors.toSet()));
                assertEquals(p.leader().id(), ids(p.replicas()).get(0));
            }

            admin.createTopics(List.of(new NewTopic("manual", Map.of(0, List.of(2, 1), 1, List.of(1, 2),
                    2, List.of(2, 1))))).all().get();
            admin.createPartitions(Map.of("manual", NewPartitions.increaseTo(4, List.of(List.of(1, 2))))).all().get();
            await().atMost(Duration.ofSeconds(10)).until(() -> partitions(admin, "manual").size() == 4);
            List<TopicPartitionInfo> manual = partitions(admin, "manual");
            assertEquals(List.of(List.of(2, 1), List.of(1, 2), List.of(2, 1), List.of(1, 2)),
                    manual.stream().map(p -> ids(p.replicas())).toList());
            assertEquals(List.of(2, 1, 2, 1), manual.stream().map(p -> p.leader().id()).toList());
            // the other broker has the same view
            try (Admin viaTwo = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, two.bootstrap()))) {
                await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                        .until(() -> partitions(viaTwo, "manual").size() == 4);
                assertEquals(List.of(List.of(2, 1), List.of(1, 2), List.of(2, 1), List.of(1, 2)),
                        partitions(viaTwo, "manual").stream().map(p -> ids(p.replicas())).toList());
            }

            ExecutionException wide = assertThrows(ExecutionException.class,
                    () -> admin.createPartitions(Map.of("placed", NewPartitions.increaseTo(5, List.of(List.of(1)))))
                            .all().get());
            assertInstanceOf(InvalidReplicaAssignmentException.class, wide.getCause()); // one replica, the topic has two
        }
    }

    // With offsets.topic.replication.factor=3 and two brokers, __consumer_offsets is not created
    // and FindCoordinator answers COORDINATOR_NOT_AVAILABLE (as Kafka does) rather than creating it
    // with fewer replicas; once a third broker registers, it is created with three and groups have
    // coordinators.
    @Test
    void coordinatorWaitsForEnoughBrokers() throws Exception {
        Map<String, String> wantsThree = Map.of("offsets.topic.replication.factor", "3",
                "offsets.topic.num.partitions", "3");
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                RunningBroker one = new RunningBroker(dir.resolve("one"), with(wantsThree, "1", zk));
                RunningBroker two = new RunningBroker(dir.resolve("two"), with(wantsThree, "2", zk));
                KafkaWireClient toOne = new KafkaWireClient(one.bootstrap());
                KafkaWireClient toTwo = new KafkaWireClient(two.bootstrap())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> ((MetadataResponse) toOne.call(ApiKey.METADATA,
                    (short) 12, new MetadataRequest().setTopics(List.of()))).brokers().size() == 2);
            for (KafkaWireClient c : List.of(toOne, toTwo)) {
                FindCoordinatorResponse batched = c.call(ApiKey.FIND_COORDINATOR, (short) 4, new FindCoordinatorRequest()
                        .setKeyType((byte) 0).setCoordinatorKeys(List.of("waiting-group")));
                assertEquals(Errors.COORDINATOR_NOT_AVAILABLE.code(), batched.coordinators().get(0).errorCode());
                FindCoordinatorResponse single = c.call(ApiKey.FIND_COORDINATOR, (short) 3,
                        new FindCoordinatorRequest().setKey("waiting-group"));
                assertEquals(Errors.COORDINATOR_NOT_AVAILABLE.code(), single.errorCode());
            }
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), offsetsTopic(toOne).errorCode());

            try (RunningBroker three = new RunningBroker(dir.resolve("three"), with(wantsThree, "3", zk))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    FindCoordinatorResponse r = toOne.call(ApiKey.FIND_COORDINATOR, (short) 4, new FindCoordinatorRequest()
                            .setKeyType((byte) 0).setCoordinatorKeys(List.of("waiting-group")));
                    return r.coordinators().get(0).errorCode() == Errors.NONE.code();
                });
                MetadataResponse.MetadataResponseTopic offsets = offsetsTopic(toOne);
                assertEquals(3, offsets.partitions().size());
                offsets.partitions().forEach(p -> assertEquals(Set.of(1, 2, 3), Set.copyOf(p.replicaNodes())));
                assertEquals(Set.of(1, 2, 3), offsets.partitions().stream().map(p -> p.leaderId())
                        .collect(Collectors.toSet()));
            }
        }
    }

    /** The overrides with this broker id and ZooKeeper. */
    private static Map<String, String> with(Map<String, String> base, String brokerId, EmbeddedZooKeeper zk) {
        Map<String, String> out = new java.util.HashMap<>(base);
        out.put("broker.id", brokerId);
        out.put("zookeeper.connect", zk.connectString());
        return out;
    }

    private static MetadataResponse.MetadataResponseTopic offsetsTopic(KafkaWireClient c) throws Exception {
        MetadataResponse md = c.call(ApiKey.METADATA, (short) 12, new MetadataRequest().setAllowAutoTopicCreation(false)
                .setTopics(List.of(new MetadataRequest.MetadataRequestTopic().setName("__consumer_offsets"))));
        return md.topics().get(0);
    }

    /** The topic's partitions, as soon as the broker the client asks knows the topic (brokers learn it from a watch). */
    private static List<TopicPartitionInfo> partitions(Admin admin, String topic) {
        List<List<TopicPartitionInfo>> found = new java.util.ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() ->
                found.add(admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()));
        return found.get(found.size() - 1);
    }

    private static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }

    // A group whose __consumer_offsets partition broker 2 leads is coordinated by broker 2: the
    // consumer reads partitions led by both brokers, and its commits are what broker 1's admin sees.
    @Test
    void groupCoordinatedByTheOtherBroker() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                RunningBroker one = new RunningBroker(dir.resolve("one"), Map.of("broker.id", "1",
                        "zookeeper.connect", zk.connectString(), "offsets.topic.num.partitions", "2",
                        "group.initial.rebalance.delay.ms", "0"));
                RunningBroker two = new RunningBroker(dir.resolve("two"), Map.of("broker.id", "2",
                        "zookeeper.connect", zk.connectString(), "offsets.topic.num.partitions", "2",
                        "group.initial.rebalance.delay.ms", "0"));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, one.bootstrap()));
                KafkaWireClient toOne = new KafkaWireClient(one.bootstrap())) {
            admin.createTopics(List.of(new NewTopic("shared", 2, (short) 1))).all().get();
            // the first lookup has the controller (broker 1) create __consumer_offsets, one partition led by each broker
            FindCoordinatorResponse first = toOne.call(ApiKey.FIND_COORDINATOR, (short) 4, new FindCoordinatorRequest()
                    .setKeyType((byte) 0).setCoordinatorKeys(List.of(groupOn(0))));
            assertEquals(Errors.NONE.code(), first.coordinators().get(0).errorCode());
            int ledByTwo = offsetsTopic(toOne).partitions().stream().filter(p -> p.leaderId() == 2).findFirst()
                    .orElseThrow().partitionIndex();
            String group = groupOn(ledByTwo);
            FindCoordinatorResponse found = toOne.call(ApiKey.FIND_COORDINATOR, (short) 4,
                    new FindCoordinatorRequest().setKeyType((byte) 0).setCoordinatorKeys(List.of(group)));
            assertEquals(2, found.coordinators().get(0).nodeId());
            String bootstrap = one.bootstrap() + "," + two.bootstrap();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                try (Admin viaTwo = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, two.bootstrap()))) {
                    return viaTwo.describeTopics(List.of("shared")).allTopicNames().get().containsKey("shared");
                }
            });
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 200; i++) {
                    producer.send(new ProducerRecord<>("shared", i % 2, "k" + i, "v" + i));
                }
                producer.flush();
            }
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            Set<String> seen = new java.util.HashSet<>();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("shared"));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (seen.size() < 200 && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.value()));
                }
                consumer.commitSync();
            }
            assertEquals(200, seen.size());
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            assertEquals(Map.of(new TopicPartition("shared", 0), 100L, new TopicPartition("shared", 1), 100L),
                    committed.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset())));
        }
    }

    /** A group id that Kafka's mapping puts on the given partition of a two-partition __consumer_offsets. */
    private static String groupOn(int partition) {
        for (int i = 0; ; i++) {
            String g = "group-" + i;
            if ((g.hashCode() & 0x7fffffff) % 2 == partition) {
                return g;
            }
        }
    }

    private static short produceError(KafkaWireClient c, int partition) throws Exception {
        ProduceResponse r = c.call(ApiKey.PRODUCE, (short) 11, ProduceBatch.create().value("v").request("spread", partition));
        return r.responses().get(0).partitionResponses().get(0).errorCode();
    }
}
