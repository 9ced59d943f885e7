package dev.wharf.bench.embedded;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What both probes time after start-up: a new kafka-clients producer ({@code acks=all}, defaults
 * otherwise) sends one record to a topic the broker creates on first use and waits for its
 * acknowledgement. Stateless.
 */
final class FirstRecord {
    private FirstRecord() {
    }

    static void sendAndAwaitAck(String bootstrap) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap, "acks", "all"),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("first", "key", "value")).get(60, TimeUnit.SECONDS);
        }
    }

    /** One line per start, read by {@link EmbeddedStart}: {@code sample <start ms> <first ack ms>}. */
    static void report(long startedNanos, long upNanos, long ackedNanos) {
        System.out.printf("sample %.1f %.1f%n", (upNanos - startedNanos) / 1e6, (ackedNanos - upNanos) / 1e6);
        System.out.flush();
    }
}
