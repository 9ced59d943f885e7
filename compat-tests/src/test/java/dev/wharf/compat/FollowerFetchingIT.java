package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Follower fetching (KIP-392) on three brokers in racks r1, r2, r3 with
 * {@code replica.selector.class=RackAwareReplicaSelector}: a consumer with {@code client.rack} of a
 * follower's rack is sent there by the leader and reads every record from it; when that follower
 * dies, it falls back on the leader and misses nothing.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.INIT_PRODUCER_ID})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FollowerFetchingIT {
    private static final Duration FAILOVER = Duration.ofSeconds(60);
    private static final TopicPartition TP = new TopicPartition("near", 0);

    @TempDir
    static Path dir;

    private Cluster cluster;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = Cluster.start(dir, 3, Map.of("replica.selector.class",
                "org.apache.kafka.common.replica.RackAwareReplicaSelector"), id -> Map.of("broker.rack", "r" + id));
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void produce(String prefix, int from, int to) throws Exception {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                "60000", ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000"), new StringSerializer(), new StringSerializer())) {
            for (int i = from; i < to; i++) {
                p.send(new ProducerRecord<>(TP.topic(), TP.partition(), "k" + i, prefix + i));
            }
            p.flush();
        }
    }

    /** The replica the consumer reads the partition from, by its own metric (-1: the leader). */
    private static double readReplica(KafkaConsumer<String, String> c) {
        for (Map.Entry<MetricName, ? extends Metric> e : c.metrics().entrySet()) {
            MetricName n = e.getKey();
            if (n.name().equals("preferred-read-replica") && TP.topic().equals(n.tags().get("topic"))
                    && Integer.toString(TP.partition()).equals(n.tags().get("partition"))) {
                return ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        return Double.NaN;
    }

    private static void readUntil(KafkaConsumer<String, String> c, List<String> into, int count) {
        await().atMost(FAILOVER).pollInSameThread().pollInterval(Duration.ofMillis(1)).until(() -> {
            for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) {
                into.add(r.value());
            }
            return into.size() >= count;
        });
    }

    // A consumer in a follower's rack reads from that follower, every record in order; with the
    // follower gone it reads the rest from the leader.
    @Test
    void aConsumerReadsFromTheReplicaInItsRack() throws Exception {
        cluster.createReplicatedTopic(TP.topic(), 1, FAILOVER);
        int leader = cluster.awaitLeader(TP.topic(), TP.partition(), FAILOVER);
        int follower = leader % 3 + 1;
        produce("a", 0, 200);
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ConsumerConfig.CLIENT_RACK_CONFIG, "r" + follower);
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            c.assign(List.of(TP));
            c.seekToBeginning(List.of(TP));
            readUntil(c, values, 200);
            assertEquals(follower, (int) readReplica(c), "the consumer reads from broker " + follower + ", in its rack");
            produce("a", 200, 300);
            readUntil(c, values, 300);
            assertEquals(follower, (int) readReplica(c));

            cluster.broker(follower).sigkill();
            try {
                produce("b", 0, 100);
                readUntil(c, values, 400);
                assertNotEquals(follower, (int) readReplica(c), "with its follower gone the consumer reads elsewhere");
            } finally {
                cluster.broker(follower).restart();
            }
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            expected.add("a" + i);
        }
        for (int i = 0; i < 100; i++) {
            expected.add("b" + i);
        }
        assertEquals(expected, values);
        cluster.awaitRegistered(FAILOVER);
        assertTrue(cluster.awaitFullIsr(TP.topic(), FAILOVER));
    }
}
