package dev.wharf.bench.e2e;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A transactional producer at maximum rate: it creates a one-partition topic, then runs
 * {@code transactions} transactions one after the other, each {@code beginTransaction()}, {@code
 * perTransaction} sends of {@code recordSize}-byte values to that partition, {@code
 * commitTransaction()}. The producer is idempotent (transactions require it) with {@code acks=all}
 * and the client's defaults otherwise (linger 5 ms, 16 KiB batches, so some 7 batches per
 * transaction of 100 x 1 KiB). The clock runs from the first {@code beginTransaction()} to the
 * last commit's return; {@code initTransactions()} (finding the coordinator, fencing) is left out.
 *
 * <p>Commit latency is the duration of each {@code commitTransaction()} call. The producer calls
 * {@code flush()} just before it (the commit would flush the transaction's unacknowledged records
 * itself, before its EndTxn), so that the figure is the commit proper: the EndTxn round trip, in
 * which the coordinator writes the commit markers and the transaction log. {@code flush_p50_ms}
 * (from {@code beginTransaction()} to the end of the flush) is printed beside it.
 *
 * <p>Runs in its own JVM: {@code TransactionalProducer <bootstrap> <topic> <transactions> <per transaction> <record bytes>}.
 * Prints one line: {@code transactions committed=N records=N seconds=S records_per_s=R commit_p50_ms=A commit_p99_ms=B
 * flush_p50_ms=C}.
 */
public final class TransactionalProducer {
    private TransactionalProducer() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        int transactions = Integer.parseInt(args[2]);
        int perTransaction = Integer.parseInt(args[3]);
        int recordSize = Integer.parseInt(args[4]);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
        long[] commitNanos = new long[transactions];
        long[] flushNanos = new long[transactions];
        byte[] value = new byte[recordSize];
        Arrays.fill(value, (byte) 'x');
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props(bootstrap, topic), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            long start = System.nanoTime();
            for (int t = 0; t < transactions; t++) {
                long begun = System.nanoTime();
                producer.beginTransaction();
                for (int r = 0; r < perTransaction; r++) {
                    producer.send(new ProducerRecord<>(topic, 0, null, value));
                }
                // flush first, so that the commit call's time is EndTxn and its markers alone; both go in the figures
                producer.flush();
                long flushed = System.nanoTime();
                producer.commitTransaction();
                long committed = System.nanoTime();
                flushNanos[t] = flushed - begun;
                commitNanos[t] = committed - flushed;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long records = (long) transactions * perTransaction;
            Arrays.sort(commitNanos);
            Arrays.sort(flushNanos);
            System.out.printf("transactions committed=%d records=%d seconds=%.3f records_per_s=%.1f commit_p50_ms=%.3f commit_p99_ms=%.3f "
                    + "flush_p50_ms=%.3f%n", transactions, records, seconds, records / seconds, percentile(commitNanos, 0.50) / 1e6,
                    percentile(commitNanos, 0.99) / 1e6, percentile(flushNanos, 0.50) / 1e6);
        }
    }

    private static double percentile(long[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static Properties props(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-txn-" + topic);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return p;
    }
}
