package dev.wharf.bench.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The failover workload: how long acks=all writes stop when a partition's leader dies. On a fresh
 * cluster, a one-partition topic with all three brokers as replicas ({@code min.insync.replicas=2})
 * is created with a broker that is not the active controller as its leader (so that both systems
 * measure a leader's failover, not a controller's); {@link PacedProducer} writes to it at
 * {@link #RATE} records/s; after {@link #WARM_UP} that leader's JVM gets SIGKILL.
 * <p>
 * {@code unavailable_ms}: from just before the SIGKILL to the first acknowledgement of a record
 * sent after it. Then the producer runs on for {@link #AFTER} and stops, and the topic is read back:
 * {@code records_lost} counts acknowledged records it lacks (must be 0). The kill's wall-clock time
 * is logged, so the brokers' logs show where the time went (session expiry, election, the client's
 * metadata refresh).
 */
final class Failover {
    static final int RATE = 1000;
    private static final Duration WARM_UP = Duration.ofSeconds(3);
    private static final Duration AFTER = Duration.ofSeconds(2);
    private static final Duration OUTAGE_BOUND = Duration.ofSeconds(60);
    private static final Duration BOUND = Duration.ofSeconds(60);

    private Failover() {
    }

    static Map<Metric, Double> run(Workloads.Fresh fresh, int sample) throws Exception {
        String name = ClusterWorkloads.FAILOVER + "-" + sample;
        String topic = "failover";
        try (ClusterUnderTest cluster = ClusterUnderTest.start(fresh, name)) {
            int controller = cluster.activeController();
            int victim = cluster.ids().stream().filter(id -> id != controller).findFirst().orElseThrow();
            List<Integer> replicas = new ArrayList<>(List.of(victim));
            cluster.ids().stream().filter(id -> id != victim).forEach(replicas::add);
            Map<Integer, List<Integer>> assignment = new LinkedHashMap<>();
            assignment.put(0, replicas);
            cluster.createTopic(topic, assignment, BOUND);
            int leader = cluster.leader(topic);
            if (leader != victim) {
                throw new IllegalStateException("topic " + topic + " is led by " + leader + ", not its preferred leader " + victim);
            }
            Map<Metric, Double> m = new EnumMap<>(Metric.class);
            try (PacedProducer producer = new PacedProducer(cluster.bootstrap(), topic, RATE,
                    (int) (WARM_UP.plus(OUTAGE_BOUND).plus(AFTER).toSeconds() + 10))) {
                producer.start();
                Thread.sleep(WARM_UP.toMillis());
                if (producer.acked() == 0) {
                    throw new IllegalStateException("nothing acknowledged in the " + WARM_UP.toSeconds() + " s before the kill");
                }
                log(fresh, "%s: SIGKILL broker %d (leader of %s-0; controller is %d) at %s", name, victim, topic, controller, Instant.now());
                long killed = System.nanoTime();
                cluster.kill(victim);
                long deadline = killed + OUTAGE_BOUND.toNanos();
                long firstAck;
                while ((firstAck = producer.firstAckOfRecordSentAfter(killed)) == 0) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("no acks=all write acknowledged within " + OUTAGE_BOUND.toSeconds()
                                + " s of killing the leader " + victim);
                    }
                    Thread.sleep(1);
                }
                double unavailableMs = (firstAck - killed) / 1e6;
                log(fresh, "%s: first acknowledgement of a record sent after the kill %.0f ms after it, at %s; new leader %d",
                        name, unavailableMs, Instant.now(), cluster.leader(topic));
                Thread.sleep(AFTER.toMillis());
                producer.stop(Duration.ofSeconds(30));
                long lost = ReadBack.lost(cluster.bootstrap(), topic, producer.ackedNumbers(), BOUND);
                log(fresh, "%s: sent %d, acknowledged %d, failed %d, acknowledged but not read back %d", name, producer.sent(),
                        producer.acked(), producer.failed(), lost);
                m.put(Metric.UNAVAILABLE_MS, unavailableMs);
                m.put(Metric.RECORDS_LOST, (double) lost);
            }
            return m;
        }
    }

    static void log(Workloads.Fresh fresh, String format, Object... args) {
        System.out.printf("[side-by-side] %s: " + format + "%n", prepend(fresh.broker().key(), args));
        System.out.flush();
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
