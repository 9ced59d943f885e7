package dev.wharf.compat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The chaos run's producer: one thread sends unique values {@code v0, v1, ...} at a steady rate
 * (value n to partition n % partitions) with acks=all and idempotence, and remembers every value
 * whose send callback reported success. Those are the records the cluster promised to keep.
 * <p>
 * It also measures <b>unavailability</b>: a sampler looks every 100 ms, and the time since its last
 * look counts as unavailable if some partition has a record waiting for its acknowledgement and has
 * acknowledged nothing for more than {@link #STALL} (since that record was sent, if nothing was
 * waiting before it), or if a send failed since the last look. The sum is roughly the time during
 * which some partition could not take writes; stalls shorter than {@link #STALL} never count, and a
 * counted stall starts counting only once it is {@link #STALL} old.
 * <p>
 * Threads: the sending thread, the producer's I/O thread (callbacks) and the sampler; everything
 * they share is atomic or concurrent.
 */
final class VerifyingProducer implements AutoCloseable {
    static final Duration STALL = Duration.ofSeconds(1);
    private static final long SAMPLE_MS = 100;

    private final String topic;
    private final int partitions;
    private final long nanosPerSend;
    private final KafkaProducer<String, String> producer;
    private final Set<String> acked = ConcurrentHashMap.newKeySet();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicInteger[] outstanding;
    private final AtomicLongArray lastProgressNanos;
    private final AtomicLong unavailableNanos = new AtomicLong();
    /** The longest a partition with a record waiting went without an acknowledgement, as sampled. */
    private final AtomicLong longestStallNanos = new AtomicLong();
    private final Thread sender;
    private final Thread sampler;
    private volatile boolean running = true;
    private volatile boolean sampling = true;

    VerifyingProducer(String bootstrap, String topic, int partitions, int perSecond) {
        this.topic = topic;
        this.partitions = partitions;
        this.nanosPerSend = TimeUnit.SECONDS.toNanos(1) / perSecond;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000",
                ProducerConfig.LINGER_MS_CONFIG, "5"), new StringSerializer(), new StringSerializer());
        this.outstanding = new AtomicInteger[partitions];
        for (int p = 0; p < partitions; p++) {
            outstanding[p] = new AtomicInteger();
        }
        this.lastProgressNanos = new AtomicLongArray(partitions);
        this.sender = new Thread(this::sendUntilStopped, "chaos-producer");
        this.sampler = new Thread(this::sampleUntilStopped, "chaos-availability");
    }

    void start() {
        sender.start();
        sampler.start();
    }

    private void sendUntilStopped() {
        long next = System.nanoTime();
        for (long n = 0; running; n++) {
            int p = (int) (n % partitions);
            String value = "v" + n;
            if (outstanding[p].getAndIncrement() == 0) {
                lastProgressNanos.set(p, System.nanoTime());
            }
            sent.incrementAndGet();
            try {
                producer.send(new ProducerRecord<>(topic, p, null, value), (md, e) -> {
                    if (e == null) {
                        acked.add(value);
                        lastProgressNanos.set(p, System.nanoTime());
                    } else {
                        failed.incrementAndGet();
                    }
                    outstanding[p].decrementAndGet();
                });
            } catch (RuntimeException e) { // no metadata within max.block.ms, or buffer full
                failed.incrementAndGet();
                outstanding[p].decrementAndGet();
            }
            // after a send blocked (no metadata), carry on at the rate rather than catch up in a burst
            next = Math.max(next + nanosPerSend, System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(SAMPLE_MS));
            LockSupport.parkNanos(next - System.nanoTime());
        }
    }

    private void sampleUntilStopped() {
        long last = System.nanoTime();
        long failedBefore = 0;
        while (sampling) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(SAMPLE_MS));
            long now = System.nanoTime();
            long failedNow = failed.get();
            boolean unavailable = failedNow > failedBefore;
            failedBefore = failedNow;
            for (int p = 0; p < partitions; p++) {
                if (outstanding[p].get() > 0) {
                    long stall = now - lastProgressNanos.get(p);
                    longestStallNanos.accumulateAndGet(stall, Math::max);
                    unavailable |= stall > STALL.toNanos();
                }
            }
            if (unavailable) {
                unavailableNanos.addAndGet(now - last);
            }
            last = now;
        }
    }

    /** Stops sending and waits (bounded) until every send has been acknowledged or has failed. */
    @Override
    public void close() {
        running = false;
        try {
            sender.join(TimeUnit.SECONDS.toMillis(10));
            producer.close(Duration.ofSeconds(40)); // what is still unanswered then fails
            sampling = false;
            sampler.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            producer.close(Duration.ZERO);
            sampling = false;
            Thread.currentThread().interrupt();
        }
    }

    /** The values whose sends succeeded. */
    Set<String> acked() {
        return acked;
    }

    long sent() {
        return sent.get();
    }

    long failed() {
        return failed.get();
    }

    double unavailableSeconds() {
        return unavailableNanos.get() / 1e9;
    }

    /** The longest pause the producer saw: a partition with a record waiting and no acknowledgement (to within 100 ms). */
    long longestStallMs() {
        return TimeUnit.NANOSECONDS.toMillis(longestStallNanos.get());
    }
}
