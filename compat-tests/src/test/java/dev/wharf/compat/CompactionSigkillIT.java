package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
 * The broker as its own process, SIGKILLed again and again while an acks=all producer overwrites
 * keys of a compacted topic and the cleaner cleans it every 50 ms: after each restart the log
 * loads, and every key reads back at least its last acknowledged value (a crash mid-clean leaves
 * the old segments or the new, never a mix or a loss).
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID})
class CompactionSigkillIT {
    private static final String TOPIC = "table";
    private static final int KEYS = 50;
    private static final int KILLS = 3;
    private static final int ACKS_PER_ROUND = 1_500;
    private static final long ROUND_LIMIT_MS = 20_000;

    @TempDir
    Path dir;

    // Acknowledged latest values survive SIGKILLs that land while the cleaner rewrites and swaps segments.
    @Test
    void acknowledgedLatestValuesSurviveKillsDuringCleaning() throws Exception {
        Map<String, Long> lastAcked = new ConcurrentHashMap<>();
        long sequence = 0;
        try (BrokerProcess broker = new BrokerProcess(dir, Map.of("log.cleaner.backoff.ms", "50",
                "log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024)))) {
            broker.start();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of("cleanup.policy", "compact",
                        "internal.segment.bytes", "4096", "min.cleanable.dirty.ratio", "0.01")))).all().get(30, TimeUnit.SECONDS);
            }
            for (int round = 0; round < KILLS; round++) {
                sequence = writeUntilKilled(broker, lastAcked, sequence);
                broker.restart();
            }
            long cleanings = Files.readAllLines(broker.log()).stream().filter(l -> l.contains("cleaned partition=" + TOPIC)).count();
            assertTrue(cleanings > 0, "the cleaner ran during the rounds");

            Map<String, Long> read = latestByKey(broker.bootstrap());
            for (Map.Entry<String, Long> e : lastAcked.entrySet()) {
                Long found = read.get(e.getKey());
                assertNotNull(found, e.getKey() + " acknowledged up to " + e.getValue() + " but gone");
                assertTrue(found >= e.getValue(), e.getKey() + ": read " + found + ", acknowledged " + e.getValue());
            }
            System.out.printf("compaction sigkill: %d kills, %d cleaning rounds logged, %d keys all at or past their last ack%n",
                    KILLS, cleanings, lastAcked.size());
        }
    }

    /** Overwrites the keys with increasing sequence numbers until enough are acknowledged, then SIGKILLs the broker. */
    private static long writeUntilKilled(BrokerProcess broker, Map<String, Long> lastAcked, long from) throws Exception {
        long sequence = from;
        AtomicInteger acks = new AtomicInteger();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(), ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "1", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "5000",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000"), new StringSerializer(), new StringSerializer())) {
            long deadline = System.currentTimeMillis() + ROUND_LIMIT_MS;
            while (acks.get() < ACKS_PER_ROUND && System.currentTimeMillis() < deadline) {
                long s = sequence++;
                String key = "key-" + (s % KEYS);
                producer.send(new ProducerRecord<>(TOPIC, key, s + "-" + "x".repeat(60)), (md, e) -> {
                    if (e == null) {
                        lastAcked.merge(key, s, Math::max);
                        acks.incrementAndGet();
                    }
                });
                if (s % 50 == 0) {
                    producer.flush();
                }
            }
            broker.sigkill(); // while sends are in flight and the cleaner is at work
            producer.close(Duration.ZERO);
        }
        assertTrue(acks.get() >= ACKS_PER_ROUND / 2, "too few acknowledgements: " + acks.get());
        return sequence;
    }

    /** The sequence number of each key's latest value, read from the start. */
    private static Map<String, Long> latestByKey(String bootstrap) {
        Map<String, Long> out = new HashMap<>();
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000"), new StringDeserializer(), new StringDeserializer())) {
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            await().atMost(Duration.ofSeconds(60)).pollInSameThread().pollInterval(Duration.ofMillis(1)).until(() -> {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) {
                    out.put(r.key(), Long.parseLong(r.value().substring(0, r.value().indexOf('-'))));
                }
                return c.position(tp) >= end;
            });
        }
        return out;
    }
}
