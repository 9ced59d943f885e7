package dev.wharf.junit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A three-broker cluster (a static field: one for the class) with a topic of three replicas made
 * before the tests: what acks=all acknowledges is read back whole, and a broker stopped and
 * restarted comes back on its old address.
 */
class ThreeBrokerClusterTest {
    private static final int RECORDS = 300;
    private static final long BASE_TIMESTAMP = 1_700_000_000_000L;

    @WharfBroker(brokers = 3, topics = "replicated:3:3", config = "min.insync.replicas=2")
    static WharfCluster cluster;

    // every record acknowledged with acks=all comes back with its key, value, headers and timestamp
    @Test
    void everyAcknowledgedRecordIsReadBackWhole(Admin admin) throws Exception {
        TopicDescription topic = admin.describeTopics(List.of("replicated")).allTopicNames().get(10, TimeUnit.SECONDS)
                .get("replicated");
        assertEquals(3, topic.partitions().size());
        topic.partitions().forEach(p -> assertEquals(3, p.isr().size(), p.toString()));

        List<String> sent = new ArrayList<>();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", cluster.bootstrap(),
                "acks", "all", "enable.idempotence", "true"), new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add("n", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                acks.add(producer.send(new ProducerRecord<>("replicated", i % 3, BASE_TIMESTAMP + i, "key-" + i,
                        "value-" + i, headers)));
                sent.add(describe(i % 3, "key-" + i, "value-" + i, Integer.toString(i), BASE_TIMESTAMP + i));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get(10, TimeUnit.SECONDS);
            }
        }

        List<String> read = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", cluster.bootstrap()),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition("replicated", 0),
                    new TopicPartition("replicated", 1), new TopicPartition("replicated", 2));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    read.add(describe(r.partition(), r.key(), r.value(),
                            new String(r.headers().lastHeader("n").value(), StandardCharsets.UTF_8), r.timestamp()));
                }
                return read.size() >= RECORDS;
            });
        }
        assertEquals(Set.copyOf(sent), Set.copyOf(read));
        assertEquals(RECORDS, read.size());
    }

    // a stopped broker leaves the cluster; restarted, it is back on the same address
    @Test
    void aBrokerStopsAndRestarts(Admin admin) throws Exception {
        String before = cluster.bootstrap();
        cluster.stopBroker(2);
        assertEquals(List.of(1, 3), cluster.runningBrokerIds());
        await().atMost(Duration.ofSeconds(20)).until(() -> registered(admin), Set.of(1, 3)::equals);
        cluster.restartBroker(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> registered(admin), Set.of(1, 2, 3)::equals);
        assertEquals(Set.of(before.split(",")), Set.of(cluster.bootstrap().split(",")));
    }

    private static Set<Integer> registered(Admin admin) throws Exception {
        return admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).stream().map(Node::id).collect(Collectors.toSet());
    }

    private static String describe(int partition, String key, String value, String header, long timestamp) {
        return partition + "/" + key + "/" + value + "/" + header + "/" + timestamp;
    }
}
