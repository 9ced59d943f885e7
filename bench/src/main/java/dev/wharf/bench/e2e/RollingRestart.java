package dev.wharf.bench.e2e;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The rolling-restart workload: what an application sees while each broker in turn is restarted
 * cleanly. On a fresh cluster, {@link PacedProducer} writes {@link Failover#RATE} records/s to a
 * three-partition topic (one partition led by each broker, all three replicas,
 * {@code min.insync.replicas=2}) and a member of a consumer group reads it (in a thread of the
 * harness, polling every 100 ms at most). Brokers 1, 2 and 3 in turn get SIGTERM (a controlled
 * shutdown: leadership moves first), are started again, and the next one waits until the broker
 * has registered and every partition of the topic and of {@code __consumer_offsets} has all
 * three replicas in sync.
 * <p>
 * {@code max_pause_ms}: the longest time between two consecutive acknowledgements the producer
 * received, from the first SIGTERM to the last broker back in sync; {@code consumer_max_pause_ms}
 * the same for the consumer's polls that returned records; {@code rolling_restart_s} the time
 * the three restarts took; {@code records_lost} acknowledged records the topic lacks afterwards.
 */
final class RollingRestart {
    private static final Duration WARM_UP = Duration.ofSeconds(3);
    private static final Duration AFTER = Duration.ofSeconds(2);
    private static final Duration PER_BROKER_BOUND = Duration.ofSeconds(120);
    private static final Duration BOUND = Duration.ofSeconds(60);

    private RollingRestart() {
    }

    static Map<Metric, Double> run(Workloads.Fresh fresh, int sample) throws Exception {
        String name = ClusterWorkloads.ROLLING_RESTART + "-" + sample;
        String topic = "rolling";
        try (ClusterUnderTest cluster = ClusterUnderTest.start(fresh, name)) {
            cluster.createTopic(topic, ClusterUnderTest.spreadLeaders(3), BOUND);
            int maxSeconds = (int) (WARM_UP.plus(AFTER).plus(PER_BROKER_BOUND.multipliedBy(ClusterCommands.SIZE)).toSeconds() + 10);
            Map<Metric, Double> m = new EnumMap<>(Metric.class);
            try (PacedProducer producer = new PacedProducer(cluster.bootstrap(), topic, Failover.RATE, maxSeconds);
                    GroupReader reader = new GroupReader(cluster.bootstrap(), topic)) {
                reader.start();
                producer.start();
                Thread.sleep(WARM_UP.toMillis());
                // the member joins its group (and the offsets topic is created) in its own time: wait for its first records
                long joinDeadline = System.nanoTime() + BOUND.toNanos();
                while (producer.acked() == 0 || reader.received() == 0) {
                    if (System.nanoTime() > joinDeadline) {
                        throw new IllegalStateException("nothing acknowledged or read within " + BOUND.toSeconds() + " s, before the restarts");
                    }
                    Thread.sleep(50);
                }
                cluster.awaitFullIsr(List.of(topic, "__consumer_offsets"), BOUND);
                long from = System.nanoTime();
                for (int id : cluster.ids()) {
                    long t0 = System.nanoTime();
                    cluster.terminate(id);
                    long stopped = System.nanoTime();
                    cluster.restart(id);
                    cluster.awaitFullIsr(List.of(topic, "__consumer_offsets"), PER_BROKER_BOUND);
                    long synced = System.nanoTime();
                    Failover.log(fresh, "%s: broker %d stopped in %.0f ms, back in sync %.0f ms after its restart; longest gap between"
                            + " acks meanwhile %.0f ms, between reads %.0f ms", name, id, (stopped - t0) / 1e6, (synced - stopped) / 1e6,
                            producer.longestAckGapNanos(t0, synced) / 1e6, reader.longestGapNanos(t0, synced) / 1e6);
                }
                long to = System.nanoTime();
                Thread.sleep(AFTER.toMillis());
                producer.stop(Duration.ofSeconds(30));
                long lost = ReadBack.lost(cluster.bootstrap(), topic, producer.ackedNumbers(), BOUND);
                Failover.log(fresh, "%s: sent %d, acknowledged %d, failed %d, read by the group %d, acknowledged but not read back %d",
                        name, producer.sent(), producer.acked(), producer.failed(), reader.received(), lost);
                m.put(Metric.MAX_PAUSE_MS, producer.longestAckGapNanos(from, to) / 1e6);
                m.put(Metric.CONSUMER_MAX_PAUSE_MS, reader.longestGapNanos(from, to) / 1e6);
                m.put(Metric.ROLLING_RESTART_S, (to - from) / 1e9);
                m.put(Metric.RECORDS_LOST, (double) lost);
            }
            return m;
        }
    }

    /** A consumer group member in a thread of its own, noting when its polls return records. */
    private static final class GroupReader implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final String topic;
        private final Thread thread;
        private final AtomicLong received = new AtomicLong();
        private final long[] arrivals = new long[200_000];
        private int arrivalCount;
        private volatile boolean stopping;

        GroupReader(String bootstrap, String topic) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "rolling-readers");
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.RETRY_BACKOFF_MS_CONFIG, "20");
            p.put(ConsumerConfig.RECONNECT_BACKOFF_MS_CONFIG, "20");
            p.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
            this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            this.topic = topic;
            this.thread = new Thread(this::read, "group-reader-" + topic);
        }

        void start() {
            thread.start();
        }

        private void read() {
            consumer.subscribe(List.of(topic));
            while (!stopping) {
                try {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                    if (!records.isEmpty()) {
                        long now = System.nanoTime();
                        synchronized (this) {
                            if (arrivalCount < arrivals.length) {
                                arrivals[arrivalCount++] = now;
                            }
                        }
                        received.addAndGet(records.count());
                    }
                } catch (org.apache.kafka.common.errors.WakeupException e) {
                    break;
                } catch (RuntimeException e) {
                    // a broker going away mid-poll: keep reading, as an application would
                    System.out.println("[side-by-side] group reader: " + e);
                }
            }
        }

        long received() {
            return received.get();
        }

        synchronized long longestGapNanos(long from, long to) {
            long longest = 0;
            long previous = 0;
            for (int i = 0; i < arrivalCount; i++) {
                long a = arrivals[i];
                if (a < from || a > to) {
                    continue;
                }
                if (previous != 0) {
                    longest = Math.max(longest, a - previous);
                }
                previous = a;
            }
            return longest;
        }

        @Override
        public void close() throws InterruptedException {
            stopping = true;
            consumer.wakeup();
            thread.join(TimeUnit.SECONDS.toMillis(30));
            if (!thread.isAlive()) {
                consumer.close(Duration.ofSeconds(10));
            }
        }
    }
}
