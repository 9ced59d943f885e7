package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compacted topics with the Java clients: the log cleaner keeps the latest value of each key at its
 * original offset, tombstones until delete.retention.ms, and consumers read across the gaps.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.FIND_COORDINATOR, ApiKeys.CREATE_TOPICS,
        ApiKeys.DELETE_RECORDS, ApiKeys.INIT_PRODUCER_ID, ApiKeys.ADD_OFFSETS_TO_TXN, ApiKeys.END_TXN,
        ApiKeys.WRITE_TXN_MARKERS, ApiKeys.TXN_OFFSET_COMMIT, ApiKeys.INCREMENTAL_ALTER_CONFIGS})
class CompactionIT {
    private static final String TOPIC = "table";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final int KEYS = 20;
    private static final int UPDATES = 40;

    @TempDir
    Path dir;

    /** A record as read back: offset, key, value (null for a tombstone), timestamp, first header value. */
    private record Read(long offset, String key, String value, long timestamp, String header) {}

    private static List<Read> readAll(String bootstrap) {
        return readAll(bootstrap, TP, "read_uncommitted");
    }

    /** Every record of partition {@code tp} from its start to its end as of now, read at {@code isolation}. */
    private static List<Read> readAll(String bootstrap, TopicPartition tp, String isolation) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false", ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        List<Read> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (c.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    var h = r.headers().lastHeader("update");
                    out.add(new Read(r.offset(), r.key(), r.value(), r.timestamp(),
                            h == null ? null : new String(h.value(), StandardCharsets.UTF_8)));
                }
            }
            assertEquals(end, c.position(tp), "read to the end");
        }
        return out;
    }

    // The latest value of every key stays at its offset with its timestamp and headers; older values go; offsets keep increasing across gaps.
    @Test
    void keepsTheLatestValuePerKeyAndTombstonesUntilTheirHorizon() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of("log.cleaner.backoff.ms", "100",
                "log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024)));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
                KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(), ProducerConfig.LINGER_MS_CONFIG, "0",
                        ProducerConfig.BATCH_SIZE_CONFIG, "2048", ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
                        new StringSerializer(), new StringSerializer())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of("cleanup.policy", "compact",
                    "internal.segment.bytes", "8192", "min.cleanable.dirty.ratio", "0.01", "delete.retention.ms", "3000"))))
                    .all().get();

            Map<String, Long> lastWrite = new LinkedHashMap<>();
            for (int u = 0; u < UPDATES; u++) {
                for (int k = 0; k < KEYS; k++) {
                    String key = "key-" + k;
                    ProducerRecord<String, String> r = new ProducerRecord<>(TOPIC, 0, null, key,
                            "value-" + u + "-" + k + "-" + "x".repeat(100));
                    r.headers().add(new RecordHeader("update", Integer.toString(u).getBytes(StandardCharsets.UTF_8)));
                    lastWrite.put(key, producer.send(r).get().offset());
                }
            }
            long tombstoneOffset = producer.send(new ProducerRecord<>(TOPIC, "key-3", null)).get().offset();
            lastWrite.put("key-3", tombstoneOffset);
            for (int i = 0; i < 60; i++) { // pushes the updates and the tombstone out of the active segment
                lastWrite.put("filler-" + i, producer.send(new ProducerRecord<>(TOPIC, "filler-" + i, "f".repeat(100))).get().offset());
            }
            long end = admin.listOffsets(Map.of(TP, OffsetSpec.latest())).all().get().get(TP).offset();

            await().atMost(Duration.ofSeconds(30)).until(() -> readAll(broker.bootstrap()).size() < KEYS * 3 + 61);
            List<Read> cleaned = readAll(broker.bootstrap());
            Map<String, Read> byKey = new HashMap<>();
            long previous = -1;
            for (Read r : cleaned) {
                assertTrue(r.offset() > previous, "offsets increase: " + r.offset() + " after " + previous);
                previous = r.offset();
                byKey.put(r.key(), r);
            }
            assertTrue(cleaned.size() < KEYS * UPDATES, "older values were cleaned: " + cleaned.size() + " left");
            for (Map.Entry<String, Long> e : lastWrite.entrySet()) {
                Read latest = byKey.get(e.getKey());
                assertNotNull(latest, e.getKey());
                assertEquals(e.getValue(), latest.offset(), "the latest of " + e.getKey() + " keeps its offset");
            }
            Read five = byKey.get("key-5");
            assertEquals("value-" + (UPDATES - 1) + "-5-" + "x".repeat(100), five.value());
            assertEquals(Integer.toString(UPDATES - 1), five.header());
            assertNull(byKey.get("key-3").value(), "the tombstone is read within delete.retention.ms");
            assertEquals(end, admin.listOffsets(Map.of(TP, OffsetSpec.latest())).all().get().get(TP).offset());
            assertEquals(0, admin.listOffsets(Map.of(TP, OffsetSpec.earliest())).all().get().get(TP).offset());

            // only the cleaner removes records of a compact-only topic, as in Kafka
            ExecutionException refused = assertThrows(ExecutionException.class, () -> admin.deleteRecords(
                    Map.of(TP, RecordsToDelete.beforeOffset(10))).all().get());
            assertInstanceOf(PolicyViolationException.class, refused.getCause());

            // a consumer seeking into a gap gets the next record there is
            Read first = cleaned.get(0);
            assertTrue(first.offset() > 5, "the first updates were cleaned away: " + first);
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()), new StringDeserializer(),
                    new StringDeserializer())) {
                c.assign(List.of(TP));
                c.seek(TP, 5);
                List<ConsumerRecord<String, String>> got = new ArrayList<>();
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    c.poll(Duration.ofMillis(100)).forEach(got::add);
                    return !got.isEmpty();
                });
                assertEquals(first.offset(), got.get(0).offset());
            }

            // past the horizon, once more writes make the log dirty again, the tombstone goes with its key
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                for (int i = 0; i < 60; i++) { // rolls the active segment, so the cleaner has a dirty part again
                    producer.send(new ProducerRecord<>(TOPIC, "filler-" + i, "g".repeat(100))).get();
                }
                assertFalse(readAll(broker.bootstrap()).stream().anyMatch(r -> r.key().equals("key-3")),
                        "tombstone removed after delete.retention.ms");
            });
        }
    }

    // Transactions on a compacted topic: read_committed sees the same latest committed value of every key before and
    // after cleaning, the aborted values are gone from the log, and the transactional producer carries on afterwards.
    @Test
    void readCommittedSeesTheSameAfterCleaning() throws Exception {
        TopicPartition tp = new TopicPartition("txn-table", 0);
        try (RunningBroker broker = new RunningBroker(dir, Map.of("log.cleaner.backoff.ms", "100",
                "log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024)));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
                // batches within the 4 KiB segments: Kafka refuses a batch larger than its segment size
                KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(), ProducerConfig.BATCH_SIZE_CONFIG, "2048",
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG, "table-writer"), new StringSerializer(), new StringSerializer())) {
            admin.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 1).configs(Map.of("cleanup.policy", "compact",
                    "internal.segment.bytes", "4096", "min.cleanable.dirty.ratio", "0.01",
                    "min.compaction.lag.ms", "3600000")))).all().get(); // no cleaning until the records are checked
            producer.initTransactions();
            for (int round = 0; round < 12; round++) {
                producer.beginTransaction();
                for (int k = 0; k < 10; k++) {
                    producer.send(new ProducerRecord<>(tp.topic(), 0, "key-" + k,
                            (round % 3 == 1 ? "aborted-" : "committed-") + round + "-" + k + "-" + "x".repeat(60)));
                }
                producer.flush(); // the aborted rounds' records reach the log, for the cleaner to remove
                if (round % 3 == 1) {
                    producer.abortTransaction();
                } else {
                    producer.commitTransaction();
                }
            }
            Map<String, String> before = latestByKey(readAll(broker.bootstrap(), tp, "read_committed"));
            assertEquals(10, before.size());
            producer.beginTransaction();
            for (int i = 0; i < 40; i++) { // rolls the segments holding the rounds out of the active one
                producer.send(new ProducerRecord<>(tp.topic(), 0, "filler-" + i, "f".repeat(100)));
            }
            producer.commitTransaction();

            assertTrue(readAll(broker.bootstrap(), tp, "read_uncommitted").stream().anyMatch(r -> r.value().startsWith("aborted-")),
                    "the aborted records are in the log before cleaning");
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, tp.topic()), List.of(
                    new AlterConfigOp(new ConfigEntry("min.compaction.lag.ms", "0"), AlterConfigOp.OpType.SET)))).all().get();
            await().atMost(Duration.ofSeconds(30)).until(() -> readAll(broker.bootstrap(), tp, "read_uncommitted").stream()
                    .noneMatch(r -> r.value().startsWith("aborted-")));
            List<Read> after = readAll(broker.bootstrap(), tp, "read_committed");
            Map<String, String> afterByKey = latestByKey(after);
            before.forEach((k, v) -> assertEquals(v, afterByKey.get(k), k));
            assertTrue(after.size() < 12 * 10, "cleaned: " + after.size() + " records left");

            producer.beginTransaction(); // the producer's state survived the cleaning of its batches
            producer.send(new ProducerRecord<>(tp.topic(), 0, "key-0", "final"));
            producer.commitTransaction();
            assertEquals("final", latestByKey(readAll(broker.bootstrap(), tp, "read_committed")).get("key-0"));
        }
    }

    private static Map<String, String> latestByKey(List<Read> records) {
        Map<String, String> out = new HashMap<>();
        for (Read r : records) {
            if (r.key().startsWith("key-")) {
                out.put(r.key(), r.value());
            }
        }
        return out;
    }
}
