package dev.wharf.junit.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wharf.junit.WharfBootstrap;
import dev.wharf.junit.WharfBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

// One broker for the class, with the topic "orders" (3 partitions) created before the tests run.
@WharfBroker(topics = "orders:3")
class OrdersExampleTest {
    @Test
    void anOrderSentIsReadBack(@WharfBootstrap String bootstrap) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("orders", 0, "order-1", "3 apples")).get();
        }
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition("orders", 0)));
            consumer.seekToBeginning(consumer.assignment());
            ConsumerRecords<String, String> records = consumer.poll(Duration.ofSeconds(10));
            assertEquals("3 apples", records.iterator().next().value());
        }
    }
}
