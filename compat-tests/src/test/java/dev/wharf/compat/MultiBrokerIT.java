package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wharf.controller.EmbeddedZooKeeper;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.MetadataRequest;
import dev.wharf.wire.message.MetadataResponse;
import dev.wharf.wire.message.ProduceRequest;
import dev.wharf.wire.message.ProduceResponse;
import dev.wharf.wire.records.BufferRecords;
import dev.wharf.wire.records.CompressionType;
import dev.wharf.wire.records.RecordBatchBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two brokers pointed at one ZooKeeper with {@code zookeeper.connect}: both registered in one
 * cluster, one controller, partitions spread over both, and a broker asked for a partition the
 * other leads answering NOT_LEADER_OR_FOLLOWER (so a client with stale metadata refreshes).
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
                ProtocolClient toOne = new ProtocolClient(one.bootstrap())) {
            DescribeClusterResult cluster = admin.describeCluster();
            assertEquals(Set.of(1, 2), cluster.nodes().get().stream().map(Node::id).collect(Collectors.toSet()));
            assertEquals(1, cluster.controller().get().id()); // the first to register
            assertEquals(cluster.clusterId().get(), adminTwo.describeCluster().clusterId().get());

            admin.createTopics(List.of(new NewTopic("spread", 2, (short) 1))).all().get();
            // asked of broker 1 directly: brokers do not follow each other's topic changes yet (clustering issue),
            // so broker 2 does not know the topic and an Admin may pick either broker
            MetadataResponse md = (MetadataResponse) toOne.call(ApiKey.METADATA, (short) 12, new MetadataRequest()
                    .setTopics(List.of(new MetadataRequest.MetadataRequestTopic().setName("spread"))));
            List<MetadataResponse.MetadataResponsePartition> spread = md.topics().get(0).partitions();
            assertEquals(Set.of(1, 2), spread.stream().map(p -> p.leaderId()).collect(Collectors.toSet()));
            int ledByTwo = spread.stream().filter(p -> p.leaderId() == 2).findFirst().orElseThrow().partitionIndex();
            int ledByOne = 1 - ledByTwo;

            assertEquals(0, produceError(toOne, ledByOne));
            assertEquals(6, produceError(toOne, ledByTwo)); // NOT_LEADER_OR_FOLLOWER
            assertEquals(3, produceError(toOne, 7)); // UNKNOWN_TOPIC_OR_PARTITION: no such partition

            ExecutionException wide = assertThrows(ExecutionException.class,
                    () -> admin.createTopics(List.of(new NewTopic("wide", 1, (short) 3))).all().get());
            assertInstanceOf(InvalidReplicationFactorException.class, wide.getCause());
        }
    }

    private static short produceError(ProtocolClient c, int partition) throws Exception {
        ProduceRequest req = new ProduceRequest().setAcks((short) -1).setTimeoutMs(5000).setTopicData(List.of(
                new ProduceRequest.TopicProduceData().setName("spread").setPartitionData(List.of(
                        new ProduceRequest.PartitionProduceData().setIndex(partition).setRecords(new BufferRecords(
                                new RecordBatchBuilder(CompressionType.NONE)
                                        .append(System.currentTimeMillis(), null, "v".getBytes(), List.of()).build()))))));
        return ((ProduceResponse) c.call(ApiKey.PRODUCE, (short) 11, req)).responses().get(0).partitionResponses().get(0)
                .errorCode();
    }
}
