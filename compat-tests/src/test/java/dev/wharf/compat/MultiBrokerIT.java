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
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two brokers pointed at one ZooKeeper with {@code zookeeper.connect}: both registered in one
 * cluster, one controller, partitions spread over both and known to both, a broker asked for a
 * partition the other leads answering NOT_LEADER_OR_FOLLOWER (so a client with stale metadata
 * refreshes), and consumer groups coordinated by either broker.
 */
class MultiBrokerIT {
    @TempDir
    Path dir;

    @Test
    void twoBrokersShareOneZooKeeper() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                RunningBroker one = new RunningBroker(dir.resolve("one"), Map.of("broker.id", "1",
                        "zookeeper.connect", zk.connectString()));
                RunningBroker two = new RunningBroker(dir.resolve("two"), Map.of("broker.id", "2",
                        "zookeeper.connect", zk.connectString()));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, one.bootstrap()));
                Admin adminTwo = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, two.bootstrap()));
                KafkaWireClient toOne = new KafkaWireClient(one.bootstrap())) {
            DescribeClusterResult cluster = admin.describeCluster();
            assertEquals(Set.of(1, 2), cluster.nodes().get().stream().map(Node::id).collect(Collectors.toSet()));
            assertEquals(1, cluster.controller().get().id()); // the first to register
            assertEquals(cluster.clusterId().get(), adminTwo.describeCluster().clusterId().get());

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
        }
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
            // __consumer_offsets is created by the controller (broker 1): its partition 1 goes to broker 2
            FindCoordinatorResponse found = (FindCoordinatorResponse) toOne.call(ApiKey.FIND_COORDINATOR, (short) 4,
                    new FindCoordinatorRequest().setKeyType((byte) 0).setCoordinatorKeys(List.of(groupOn(1))));
            assertEquals(2, found.coordinators().get(0).nodeId());
            String group = groupOn(1);
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
