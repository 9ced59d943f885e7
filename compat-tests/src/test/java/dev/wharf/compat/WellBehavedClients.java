package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A producer (acks=all, idempotent) sending {@link RecordLedger} records at a steady rate and a
 * group consumer reading them as they come, beside whatever else the broker is put through. Each
 * acknowledged record goes into the ledger with its offset; each consumed one too, and a
 * partition's records must arrive in offset order. Produce latency (send to acknowledgement) is
 * kept per {@link Phase}, so a run can compare its quiet start with its busy part.
 * <p>
 * Threads: the sending thread, the producer's I/O thread (callbacks), the consumer thread; the
 * ledger and the latency lists are synchronized.
 */
final class WellBehavedClients implements AutoCloseable {
    /** WARMUP: the clients' first connections and metadata; QUIET: nothing else going on; BUSY: under load. */
    enum Phase { WARMUP, QUIET, BUSY }

    private final String topic;
    private final long nanosPerSend;
    private final RecordLedger ledger = new RecordLedger();
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final Map<Phase, List<Long>> latencyNanos = new HashMap<>();
    private final Map<Integer, Long> lastOffset = new HashMap<>();
    private final List<String> outOfOrder = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong failed = new AtomicLong();
    private final Thread sender;
    private final Thread reader;
    private volatile Phase phase = Phase.WARMUP;
    private volatile boolean sending = true;
    private volatile boolean reading = true;

    WellBehavedClients(String bootstrap, String topic, int perSecond) {
        this.topic = topic;
        this.nanosPerSend = TimeUnit.SECONDS.toNanos(1) / perSecond;
        for (Phase p : Phase.values()) {
            latencyNanos.put(p, Collections.synchronizedList(new ArrayList<>()));
        }
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.LINGER_MS_CONFIG, "0", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000"), new StringSerializer(), new StringSerializer());
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, topic + "-group", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer());
        sender = new Thread(this::sendUntilStopped, "good-producer");
        reader = new Thread(this::readUntilStopped, "good-consumer");
    }

    void start() {
        sender.start();
        reader.start();
    }

    void phase(Phase p) {
        phase = p;
    }

    private void sendUntilStopped() {
        long next = System.nanoTime();
        for (int seq = 0; sending; seq++) {
            int s = seq;
            List<Long> latencies = latencyNanos.get(phase);
            long sentAt = System.nanoTime();
            producer.send(RecordLedger.record(topic, seq), (md, e) -> {
                if (e == null) {
                    latencies.add(System.nanoTime() - sentAt);
                    ledger.acknowledged(s, md.topic(), md.partition(), md.offset());
                } else {
                    failed.incrementAndGet();
                }
            });
            next = Math.max(next + nanosPerSend, System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(100));
            LockSupport.parkNanos(next - System.nanoTime());
        }
    }

    private void readUntilStopped() {
        consumer.subscribe(List.of(topic));
        while (reading) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                Long last = lastOffset.put(r.partition(), r.offset());
                if (last != null && r.offset() <= last) {
                    outOfOrder.add(r.partition() + "/" + r.offset() + " after " + last);
                }
                ledger.consumed("good-consumer", r);
            }
        }
        consumer.close(Duration.ofSeconds(10));
    }

    /** Stops sending and waits (bounded) for every send's answer. */
    void stopProducing() throws InterruptedException {
        sending = false;
        sender.join(TimeUnit.SECONDS.toMillis(10));
        producer.close(Duration.ofSeconds(60));
    }

    RecordLedger ledger() {
        return ledger;
    }

    long failed() {
        return failed.get();
    }

    /** Every acknowledged record read back once, intact (key, value, headers, timestamp, offset), in order. */
    void assertAllReadBackInOrder() {
        ledger.assertEachConsumedExactlyOnce();
        assertEquals(List.of(), outOfOrder, "records consumed out of offset order");
    }

    /** The {@code percentile} (0-100) of produce latency in {@code p}, in milliseconds, or -1 with no samples. */
    double latencyMs(Phase p, double percentile) {
        List<Long> sorted;
        synchronized (latencyNanos.get(p)) {
            sorted = new ArrayList<>(latencyNanos.get(p));
        }
        if (sorted.isEmpty()) {
            return -1;
        }
        Collections.sort(sorted);
        int at = (int) Math.min(sorted.size() - 1, Math.ceil(percentile / 100 * sorted.size()) - 1);
        return sorted.get(Math.max(0, at)) / 1e6;
    }

    int samples(Phase p) {
        return latencyNanos.get(p).size();
    }

    @Override
    public void close() throws InterruptedException {
        if (sending) {
            stopProducing();
        }
        reading = false;
        reader.join(TimeUnit.SECONDS.toMillis(20));
    }
}
