package dev.wharf.bench.e2e;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Start-up time as a client sees it: from launching the broker's JVM to the first record it
 * acknowledges (to an auto-created topic). A tiny producer in the harness's JVM tries again every
 * few milliseconds until one send is acknowledged, within a bound.
 */
final class FirstRecord {
    private FirstRecord() {
    }

    /** Loads and initialises the client classes once, so that the first broker measured pays nothing extra. */
    static void warmUp() {
        try (KafkaProducer<byte[], byte[]> producer = producer("127.0.0.1:1")) {
            producer.metrics();
        }
    }

    /** Milliseconds from {@code startNanos} (taken just before the broker was launched) to the first acknowledged record. */
    static double awaitFirstAck(String bootstrap, Process broker, long startNanos, Duration bound) throws Exception {
        long deadline = startNanos + bound.toNanos();
        Exception last = null;
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            while (System.nanoTime() < deadline) {
                if (!broker.isAlive()) {
                    throw new IllegalStateException("broker exited with " + broker.exitValue() + " before acknowledging a record");
                }
                try {
                    producer.send(new ProducerRecord<>("bench-first-record", new byte[] {1})).get(5, TimeUnit.SECONDS);
                    return (System.nanoTime() - startNanos) / 1e6;
                } catch (Exception e) {
                    last = e;
                    Thread.sleep(10);
                }
            }
        }
        throw new IllegalStateException("no record acknowledged within " + bound.toSeconds() + " s", last);
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "3000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "4000");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, "5");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "20");
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "5");
        p.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "20");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
