package dev.wharf.bench.e2e;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The consumer of consume-1k-warm, run in its own JVM: one KafkaConsumer with ConsumerPerformance's
 * settings (byte-array deserializers, 1 MiB per partition and fetch, a 2 MiB receive buffer, no
 * CRC check) that reads the whole partition from the beginning several times over, so that the
 * later passes run in a JVM whose JIT has compiled the fetch path (ConsumerPerformance, one pass
 * per JVM, measures mostly a cold client). No group: the partition is assigned and each pass
 * seeks to its beginning. For each pass it prints
 * <pre>
 * pass=N records=R seconds=S broker_cpu_seconds=C
 * </pre>
 * timed from the seek to the pass's last record, with the broker's utime+stime over the pass
 * (read from {@code /proc/<broker pid>/stat}).
 *
 * <pre>
 * WarmConsumer BOOTSTRAP TOPIC PARTITION PASSES BROKER_PID TIMEOUT_SECONDS
 * </pre>
 */
public final class WarmConsumer {
    private WarmConsumer() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        TopicPartition tp = new TopicPartition(args[1], Integer.parseInt(args[2]));
        int passes = Integer.parseInt(args[3]);
        ProcStat broker = new ProcStat(Long.parseLong(args[4]), ProcStat.clockTicksPerSecond());
        long deadline = System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[5])).toNanos();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "warm-consumer");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // ConsumerPerformance's defaults: --fetch-size 1 MiB, --socket-buffer-size 2 MiB, check.crcs off
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(1024 * 1024));
        props.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, Integer.toString(2 * 1024 * 1024));
        props.put(ConsumerConfig.CHECK_CRCS_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(List.of(tp));
            Map<TopicPartition, Long> end = consumer.endOffsets(List.of(tp));
            long expected = end.get(tp) - begin.get(tp);
            for (int pass = 1; pass <= passes; pass++) {
                double cpu = broker.cpuSeconds();
                long start = System.nanoTime();
                consumer.seekToBeginning(List.of(tp));
                long read = 0;
                long last = start;
                while (read < expected) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("pass " + pass + " read " + read + " of " + expected + " records before the deadline");
                    }
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                    if (!records.isEmpty()) {
                        read += records.count();
                        last = System.nanoTime();
                    }
                }
                System.out.printf(java.util.Locale.ROOT, "pass=%d records=%d seconds=%.6f broker_cpu_seconds=%.3f%n", pass, read,
                        (last - start) / 1e9, broker.cpuSeconds() - cpu);
                System.out.flush();
            }
        }
    }
}
