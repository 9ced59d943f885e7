package dev.wharf.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Security through {@code config}: a SASL_PLAINTEXT listener with PLAIN users beside the
 * PLAINTEXT one (which topic creation uses), reached with {@code bootstrap("SASL_PLAINTEXT")}.
 */
@WharfBroker(topics = "secured", config = {
        "listeners=PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT",
        "sasl.enabled.mechanisms=PLAIN",
        "listener.name.sasl_plaintext.plain.sasl.jaas.config="
                + "org.apache.kafka.common.security.plain.PlainLoginModule required user_alice=\"alice-secret\";"})
class SaslListenerTest {
    // a client that logs in as a configured user produces and consumes through the SASL listener
    @Test
    void aSaslClientRoundTrips(WharfCluster cluster) throws Exception {
        Map<String, Object> config = sasl(cluster, "alice-secret");
        config.put("acks", "all");
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("secured", 0, "k", "over SASL")).get(10, TimeUnit.SECONDS);
        }
        try (var consumer = new KafkaConsumer<>(sasl(cluster, "alice-secret"), new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition("secured", 0)));
            consumer.seekToBeginning(consumer.assignment());
            assertEquals("over SASL", consumer.poll(Duration.ofSeconds(10)).iterator().next().value());
        }
    }

    // a wrong password is refused with Kafka's authentication error
    @Test
    void aWrongPasswordIsRefused(WharfCluster cluster) {
        Map<String, Object> config = sasl(cluster, "wrong");
        config.put("max.block.ms", "10000");
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>("secured", "k", "v")).get(15, TimeUnit.SECONDS));
            assertEquals(SaslAuthenticationException.class, e.getCause().getClass());
        }
    }

    private static Map<String, Object> sasl(WharfCluster cluster, String password) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", cluster.bootstrap("SASL_PLAINTEXT"));
        config.put("security.protocol", "SASL_PLAINTEXT");
        config.put("sasl.mechanism", "PLAIN");
        config.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"alice\" password=\"" + password + "\";");
        return config;
    }
}
