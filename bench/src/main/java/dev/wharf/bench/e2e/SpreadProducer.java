package dev.wharf.bench.e2e;

import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces records across every partition of a set of topics ({@code <prefix>-0 .. <prefix>-<n-1>},
 * each with the same number of partitions), which ProducerPerformance (one topic) cannot. Like
 * the sticky partitioner ProducerPerformance uses for records without keys, it fills one batch's
 * worth ({@value #RECORDS_PER_TURN} records) for a partition, then moves to the next, round the
 * whole set, so that every partition takes the same share in full batches. {@code acks=1}, the
 * client's defaults otherwise. Prints one line:
 * <pre>records=N seconds=S records_per_sec=R</pre>
 * Run in its own JVM: {@code SpreadProducer <bootstrap> <prefix> <topics> <partitionsPerTopic> <records> <recordSize> <timeoutSeconds>}.
 */
public final class SpreadProducer {
    /** 16 x 1 KiB fills the client's default 16 KiB batch. */
    static final int RECORDS_PER_TURN = 16;

    private SpreadProducer() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String prefix = args[1];
        int topics = Integer.parseInt(args[2]);
        int perTopic = Integer.parseInt(args[3]);
        long records = Long.parseLong(args[4]);
        int size = Integer.parseInt(args[5]);
        long timeoutSeconds = Long.parseLong(args[6]);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(TimeUnit.SECONDS.toMillis(timeoutSeconds)));
        String[] names = new String[topics];
        for (int t = 0; t < topics; t++) {
            names[t] = prefix + "-" + t;
        }
        int partitions = topics * perTopic;
        byte[] value = new byte[size];
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = 0; i < records && failure.get() == null; i++) {
                int slot = (int) ((i / RECORDS_PER_TURN) % partitions);
                producer.send(new ProducerRecord<>(names[slot / perTopic], slot % perTopic, null, value), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                        done.countDown();
                    } else if (acked.incrementAndGet() == records) {
                        done.countDown();
                    }
                });
            }
            if (!done.await(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + acked.get() + " of " + records + " acknowledged within " + timeoutSeconds + " s");
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "records=%d seconds=%.3f records_per_sec=%.1f%n", acked.get(), seconds, acked.get() / seconds);
    }
}
