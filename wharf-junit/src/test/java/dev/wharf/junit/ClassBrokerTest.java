package dev.wharf.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A class-level broker: one cluster for every test of the class (the same address in each), its
 * {@code config} in force, and an injected Admin client talking to it.
 */
@WharfBroker(config = {"num.partitions=3", "default.replication.factor=1"})
class ClassBrokerTest {
    private static final Set<String> seenBootstraps = ConcurrentHashMap.newKeySet();

    @WharfBootstrap
    String bootstrap;

    // config overrides reach the broker: a topic created on first use gets num.partitions=3
    @Test
    void configOverridesTakeEffect() throws Exception {
        seenBootstraps.add(bootstrap);
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap, "acks", "all"),
                new StringSerializer(), new StringSerializer())) {
            RecordMetadata sent = producer.send(new ProducerRecord<>("auto-created", "k", "v")).get(10, TimeUnit.SECONDS);
            assertEquals(0, sent.offset());
            assertEquals(3, producer.partitionsFor("auto-created").size());
        }
    }

    // an injected Admin works against the class's broker, which is the one the field names
    @Test
    void adminIsInjected(Admin admin, WharfCluster cluster) throws Exception {
        seenBootstraps.add(bootstrap);
        assertEquals(bootstrap, cluster.bootstrap());
        admin.createTopics(List.of(new NewTopic("by-admin", 2, (short) 1))).all().get(10, TimeUnit.SECONDS);
        assertEquals(2, admin.describeTopics(List.of("by-admin")).allTopicNames().get(10, TimeUnit.SECONDS)
                .get("by-admin").partitions().size());
        assertEquals(1, admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size());
    }

    @AfterAll
    static void everyTestSawTheSameBroker() {
        assertEquals(1, seenBootstraps.size(), seenBootstraps.toString());
    }
}
