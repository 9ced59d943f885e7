package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A share-partition's state fails over with its partition: the new leader loads what the old one stored. */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FIND_COORDINATOR, ApiKeys.INIT_PRODUCER_ID, ApiKeys.SHARE_GROUP_HEARTBEAT,
        ApiKeys.SHARE_FETCH, ApiKeys.SHARE_ACKNOWLEDGE})
class ShareGroupFailoverIT {
    private static final Duration FAILOVER = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    // The leader of a share-partition stops: accepted records are not delivered again, the unacknowledged ones are.
    @Test
    void acknowledgedRecordsStayDoneAfterALeaderFailover() throws Exception {
        try (Cluster cluster = Cluster.start(dir, 3, Map.of("group.share.heartbeat.interval.ms", "500"))) {
            String bootstrap = cluster.bootstrapServers();
            cluster.createReplicatedTopic("moving", 1, FAILOVER);
            produce(bootstrap, 0, 20);
            int leader = cluster.awaitLeader("moving", 0, FAILOVER);
            String group = groupCoordinatedAwayFrom(cluster, leader);
            ShareClients.startAtEarliest(cluster.admin(), group, "moving", 1);
            KafkaShareConsumer<String, String> first = ShareClients.consumer(bootstrap, group, "first", true, 100);
            // the second consumer lives through the failover: it finds the new leader by itself
            try (KafkaShareConsumer<String, String> second = ShareClients.consumer(bootstrap, group, "second", true, 100)) {
                try {
                    first.subscribe(List.of("moving"));
                    Map<Long, ConsumerRecord<String, String>> held = new TreeMap<>();
                    await().atMost(Duration.ofSeconds(30)).until(() -> {
                        ShareClients.poll(first).forEach(r -> held.put(r.offset(), r));
                        return held.size() >= 20;
                    });
                    held.values().forEach(r -> first.acknowledge(r, r.offset() < 10 ? AcknowledgeType.ACCEPT
                            : AcknowledgeType.RENEW));
                    first.commitSync();
                    second.subscribe(List.of("moving"));
                    assertEquals(List.of(), ShareClients.poll(second), "the first consumer holds every record");
                    cluster.broker(leader).stop(); // records 10-19 still held by a consumer that never answers again
                } finally {
                    first.close(Duration.ZERO);
                }
                int next = cluster.awaitLeader("moving", 0, FAILOVER);
                assertTrue(next != leader, "leadership did not move from " + leader);
                produce(bootstrap, 20, 1); // a marker at offset 20
                Map<Long, ConsumerRecord<String, String>> got = new TreeMap<>();
                await().atMost(FAILOVER).until(() -> {
                    for (ConsumerRecord<String, String> r : ShareClients.poll(second)) {
                        got.put(r.offset(), r);
                        second.acknowledge(r, AcknowledgeType.ACCEPT);
                    }
                    return got.containsKey(20L) && got.size() >= 11;
                });
                second.commitSync();
                assertEquals(List.of(10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L), List.copyOf(got.keySet()));
                for (long o = 10; o < 20; o++) {
                    assertEquals(2, got.get(o).deliveryCount().orElseThrow().intValue(), "delivery count of " + o);
                }
            }
        }
    }

    /**
     * A group whose coordinator is not {@code broker}: the share-partition's leader there reads and
     * writes its state on another broker (ReadShareGroupState / WriteShareGroupState).
     */
    private static String groupCoordinatedAwayFrom(Cluster cluster, int broker) throws Exception {
        ShareClients.startAtEarliest(cluster.admin(), "probe", "moving", 1); // a first group makes __consumer_offsets exist
        for (int i = 0; i < 100; i++) {
            String group = "movers-" + i;
            int partition = (group.hashCode() & 0x7fffffff) % 3; // offsets.topic.num.partitions=3, as Kafka places groups
            if (cluster.awaitLeader("__consumer_offsets", partition, FAILOVER) != broker) {
                return group;
            }
        }
        throw new AssertionError("every group is coordinated by broker " + broker);
    }

    private static void produce(String bootstrap, int first, int count) throws Exception {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            for (int i = first; i < first + count; i++) {
                p.send(new ProducerRecord<>("moving", 0, null, "m-" + i)).get();
            }
        }
    }
}
