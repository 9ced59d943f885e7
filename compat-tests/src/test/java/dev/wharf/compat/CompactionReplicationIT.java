package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compacted topic with three replicas (three broker processes): each replica cleans its own log,
 * a follower that was down catches up from the leader's cleaned log across its gaps, and every
 * replica, read through follower fetching (KIP-392, a consumer in the replica's rack), serves the
 * same latest value of every key; so does a new leader after the old one is killed.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID})
class CompactionReplicationIT {
    private static final Duration FAILOVER = Duration.ofSeconds(60);
    private static final TopicPartition TP = new TopicPartition("kv", 0);
    private static final int KEYS = 20;

    @TempDir
    Path dir;

    private static void produce(Cluster cluster, Map<String, String> model, String prefix, int updates) throws Exception {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, "0",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000", ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000"),
                new StringSerializer(), new StringSerializer())) {
            for (int u = 0; u < updates; u++) {
                for (int k = 0; k < KEYS; k++) {
                    String value = prefix + "-" + u + "-" + k + "-" + "x".repeat(80);
                    p.send(new ProducerRecord<>(TP.topic(), TP.partition(), "key-" + k, value)).get();
                    model.put("key-" + k, value);
                }
            }
        }
    }

    /** Every record a consumer in {@code rack} reads, from the start to the end as of now. */
    private static List<ConsumerRecord<String, String>> readFromRack(Cluster cluster, String rack) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ConsumerConfig.CLIENT_RACK_CONFIG, rack);
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            c.assign(List.of(TP));
            c.seekToBeginning(List.of(TP));
            long end = c.endOffsets(List.of(TP)).get(TP);
            await().atMost(FAILOVER).pollInSameThread().pollInterval(Duration.ofMillis(1)).until(() -> {
                c.poll(Duration.ofMillis(100)).forEach(out::add);
                return c.position(TP) >= end;
            });
        }
        return out;
    }

    private static Map<String, String> latestByKey(List<ConsumerRecord<String, String>> records) {
        Map<String, String> out = new LinkedHashMap<>();
        long previous = -1;
        for (ConsumerRecord<String, String> r : records) {
            assertTrue(r.offset() > previous, "offsets increase: " + r.offset() + " after " + previous);
            previous = r.offset();
            out.put(r.key(), r.value());
        }
        return out;
    }

    // Leader and followers clean on their own; a follower restarted after the leader cleaned catches up across the
    // gaps; every replica and a new leader serve exactly the latest value of every key.
    @Test
    void replicasCleanOnTheirOwnAndServeTheSameLatestValues() throws Exception {
        try (Cluster cluster = Cluster.start(dir, 3, Map.of("log.cleaner.backoff.ms", "200",
                "log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024),
                "replica.selector.class", "org.apache.kafka.common.replica.RackAwareReplicaSelector"),
                id -> Map.of("broker.rack", "r" + id))) {
            cluster.admin().createTopics(List.of(new NewTopic(TP.topic(), 1, (short) 3).configs(Map.of(
                    "min.insync.replicas", "2", "cleanup.policy", "compact", "internal.segment.bytes", "8192",
                    "min.cleanable.dirty.ratio", "0.01")))).all().get(30, TimeUnit.SECONDS);
            assertTrue(cluster.awaitFullIsr(TP.topic(), FAILOVER));
            int leader = cluster.awaitLeader(TP.topic(), TP.partition(), FAILOVER);
            int follower = leader % 3 + 1;
            Map<String, String> model = new HashMap<>();
            produce(cluster, model, "a", 15);

            cluster.broker(follower).sigkill();
            produce(cluster, model, "b", 15);
            int written = KEYS * 30;
            await().atMost(FAILOVER).until(() -> readFromRack(cluster, "r" + leader).size() < written / 2);

            cluster.broker(follower).restart();
            cluster.awaitRegistered(FAILOVER);
            assertTrue(cluster.awaitFullIsr(TP.topic(), FAILOVER), "the restarted follower rejoins the ISR");
            for (int id = 1; id <= 3; id++) {
                String rack = "r" + id;
                // each replica cleans its own copy, the restarted one included
                await().atMost(FAILOVER).until(() -> readFromRack(cluster, rack).size() < written / 2);
                assertEquals(model, latestByKey(readFromRack(cluster, rack)), "replica on broker " + id);
            }

            cluster.broker(leader).sigkill();
            try {
                int[] newLeader = {-1};
                await().atMost(FAILOVER).ignoreExceptions().until(() -> {
                    newLeader[0] = cluster.leaderOf(TP.topic(), TP.partition()).orElse(leader);
                    return newLeader[0] != leader;
                });
                produce(cluster, model, "c", 1);
                assertEquals(model, latestByKey(readFromRack(cluster, "r" + newLeader[0])), "new leader " + newLeader[0]);
            } finally {
                cluster.broker(leader).restart();
            }
        }
    }
}
