package dev.wharf.bench.e2e;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * End-to-end latency at a fixed, moderate rate, in microseconds: a producer sends on a fixed
 * schedule, each record carrying its send time ({@link System#nanoTime()}, which is the same clock
 * for every process on a Linux machine) in its first 8 bytes, and a consumer on the same partition
 * notes when each arrives. Both use the clients' default settings apart from {@code acks=1} and no
 * linger. Kafka's EndToEndLatency tool keeps only one record in flight and reports whole
 * milliseconds, so it cannot hold a rate or resolve loopback latencies; this fills that gap.
 *
 * <p>Runs in its own JVM: {@code FixedRateLatency <bootstrap> <topic> <records/s> <seconds> <record bytes> <warm-up seconds> [acks]}
 * ({@code acks} 1 unless given: the cluster-latency workload passes {@code all}).
 * Prints one line: {@code fixed-rate-latency sent=N received=N avg_us=A p50_us=P p99_us=P p999_us=P}.
 */
public final class FixedRateLatency {
    private FixedRateLatency() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        int rate = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int recordSize = Math.max(8, Integer.parseInt(args[4]));
        int warmUpSeconds = Integer.parseInt(args[5]);
        String acks = args.length > 6 ? args[6] : "1";
        long total = (long) rate * (seconds + warmUpSeconds);
        long warmUp = (long) rate * warmUpSeconds;

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(bootstrap, acks), new ByteArraySerializer(),
                new ByteArraySerializer());
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(bootstrap), new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            producer.send(new ProducerRecord<>(topic, new byte[recordSize])).get(30, TimeUnit.SECONDS); // creates the topic
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            consumer.position(partition);

            Thread sender = new Thread(() -> send(producer, topic, rate, total, recordSize), "fixed-rate-sender");
            sender.start();
            long[] latenciesNanos = new long[(int) (total - warmUp)];
            long received = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + warmUpSeconds + 30L);
            while (received < total && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    if (received >= warmUp && received < total) {
                        latenciesNanos[(int) (received - warmUp)] = now - ByteBuffer.wrap(record.value()).getLong();
                    }
                    received++;
                }
            }
            sender.join(TimeUnit.SECONDS.toMillis(30));
            if (received < total) {
                System.out.printf("fixed-rate-latency incomplete: received=%d of %d%n", received, total);
                System.exit(2);
            }
            Arrays.sort(latenciesNanos);
            double avg = Arrays.stream(latenciesNanos).average().orElse(Double.NaN) / 1000;
            System.out.printf("fixed-rate-latency sent=%d received=%d avg_us=%.1f p50_us=%.1f p99_us=%.1f p999_us=%.1f%n", total, received,
                    avg, percentile(latenciesNanos, 0.50) / 1000, percentile(latenciesNanos, 0.99) / 1000,
                    percentile(latenciesNanos, 0.999) / 1000);
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, int rate, long total, int recordSize) {
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            long due = start + i * periodNanos;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            byte[] value = new byte[recordSize];
            ByteBuffer.wrap(value).putLong(System.nanoTime());
            producer.send(new ProducerRecord<>(topic, value));
        }
        producer.flush();
    }

    private static double percentile(long[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static Properties producerProps(String bootstrap, String acks) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, acks);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return p;
    }

    private static Properties consumerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return p;
    }
}
