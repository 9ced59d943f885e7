package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Timestamps: offsetsForTimes and seeking by time on CreateTime topics, and LogAppendTime topics. */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID})
class TimestampsIT {
    @TempDir
    Path dir;

    // offsetsForTimes finds the first record at or after a time; a LogAppendTime topic stamps records on arrival.
    @Test
    void offsetsForTimesAndLogAppendTime() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of());
                Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()));
                KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrap()),
                        new StringSerializer(), new StringSerializer());
                KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrap()),
                        new StringDeserializer(), new StringDeserializer())) {
            admin.createTopics(List.of(new NewTopic("created", 1, (short) 1),
                    new NewTopic("appended", 1, (short) 1).configs(Map.of("message.timestamp.type", "LogAppendTime"))))
                    .all().get();
            long base = 1_700_000_000_000L;
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>("created", 0, base + i * 10, "k" + i, "v" + i)).get();
            }
            TopicPartition created = new TopicPartition("created", 0);
            OffsetAndTimestamp at = consumer.offsetsForTimes(Map.of(created, base + 55)).get(created);
            assertEquals(6, at.offset());
            assertEquals(base + 60, at.timestamp());
            assertNull(consumer.offsetsForTimes(Map.of(created, base + 1_000)).get(created)); // after the last record

            consumer.assign(List.of(created));
            consumer.seek(created, at.offset());
            List<ConsumerRecord<String, String>> fromSix = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(fromSix::add);
                return fromSix.size() >= 14;
            });
            assertEquals("v6", fromSix.get(0).value());

            long before = System.currentTimeMillis();
            RecordMetadata md = producer.send(new ProducerRecord<>("appended", 0, 1000L, "k", "v")).get();
            assertTrue(md.timestamp() >= before, "log append time " + md.timestamp());
            TopicPartition appended = new TopicPartition("appended", 0);
            consumer.assign(List.of(appended));
            consumer.seekToBeginning(List.of(appended));
            List<ConsumerRecord<String, String>> got = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
                return !got.isEmpty();
            });
            assertEquals(TimestampType.LOG_APPEND_TIME, got.get(0).timestampType());
            assertEquals(md.timestamp(), got.get(0).timestamp());
        }
    }
}
