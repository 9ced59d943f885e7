package dev.wharf.bench.e2e;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.BitSet;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The probe of the failover and rolling-restart workloads: an idempotent {@code acks=all}
 * producer in the harness's JVM that sends record number {@code i} at {@code start + i / rate} (a
 * fixed schedule, whatever the broker does) and notes, per record, when it was sent and when its
 * acknowledgement arrived ({@link System#nanoTime()}). Each value is 100 bytes and starts with the
 * record's number, so that {@link ReadBack} can tell which acknowledged records are in the log.
 * <p>
 * Client settings, the same for both systems: linger 0, retries on (the default), in-flight 5,
 * requests timed out after 2 s, a record given up after 60 s, and short back-offs (20 ms growing to
 * 200 ms, for retries and reconnects), so that the client's own waiting adds little to an outage.
 */
final class PacedProducer implements AutoCloseable {
    static final int VALUE_BYTES = 100;

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final int rate;
    private final AtomicLongArray sentNanos;
    private final AtomicLongArray ackNanos;
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean stopping;
    private final Thread sender;

    /** Room for {@code maxSeconds} of sending at {@code rate}; the sender stops by itself when that is used up. */
    PacedProducer(String bootstrap, String topic, int rate, int maxSeconds) {
        this.topic = topic;
        this.rate = rate;
        int capacity = rate * maxSeconds;
        this.sentNanos = new AtomicLongArray(capacity);
        this.ackNanos = new AtomicLongArray(capacity);
        this.producer = new KafkaProducer<>(props(bootstrap), new ByteArraySerializer(), new ByteArraySerializer());
        this.sender = new Thread(this::send, "paced-producer-" + topic);
    }

    void start() {
        sender.start();
    }

    private void send() {
        long period = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        for (int i = 0; i < sentNanos.length() && !stopping; i++) {
            long due = start + i * period;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            byte[] value = new byte[VALUE_BYTES];
            ByteBuffer.wrap(value).putLong(i);
            int n = i;
            sentNanos.set(n, System.nanoTime());
            try {
                producer.send(new ProducerRecord<>(topic, value), (metadata, error) -> {
                    if (error == null) {
                        ackNanos.set(n, System.nanoTime());
                    } else {
                        failed.incrementAndGet();
                    }
                });
            } catch (RuntimeException e) {
                failed.incrementAndGet();
            }
            sent.set(n + 1);
        }
    }

    /** Records acknowledged so far. */
    long acked() {
        long n = 0;
        for (int i = 0; i < sent.get(); i++) {
            n += ackNanos.get(i) != 0 ? 1 : 0;
        }
        return n;
    }

    long failed() {
        return failed.get();
    }

    long sent() {
        return sent.get();
    }

    /** The earliest acknowledgement of a record sent at or after {@code nanos}, or 0 if none has come yet. */
    long firstAckOfRecordSentAfter(long nanos) {
        long first = 0;
        for (int i = (int) sent.get() - 1; i >= 0; i--) {
            long s = sentNanos.get(i);
            if (s < nanos) {
                break;
            }
            long a = ackNanos.get(i);
            if (a != 0 && (first == 0 || a < first)) {
                first = a;
            }
        }
        return first;
    }

    /** The longest time between two consecutive acknowledgements (in arrival order) that arrived between {@code from} and {@code to}. */
    long longestAckGapNanos(long from, long to) {
        long[] acks = new long[(int) sent.get()];
        int n = 0;
        for (int i = 0; i < acks.length; i++) {
            long a = ackNanos.get(i);
            if (a >= from && a <= to && a != 0) {
                acks[n++] = a;
            }
        }
        java.util.Arrays.sort(acks, 0, n);
        long longest = 0;
        for (int i = 1; i < n; i++) {
            longest = Math.max(longest, acks[i] - acks[i - 1]);
        }
        return longest;
    }

    /** The numbers of the records acknowledged. */
    BitSet ackedNumbers() {
        BitSet acked = new BitSet();
        for (int i = 0; i < sent.get(); i++) {
            if (ackNanos.get(i) != 0) {
                acked.set(i);
            }
        }
        return acked;
    }

    /** Stops sending and waits (within {@code bound}) for the outstanding records to be acknowledged or to fail. */
    void stop(Duration bound) throws InterruptedException {
        stopping = true;
        sender.join(bound.toMillis());
        producer.close(bound);
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(30));
    }

    private static Properties props(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "20");
        p.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "200");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, "20");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
        return p;
    }
}
