package dev.wharf.bench.e2e;

import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;

/**
 * The {@code connections-10000} workload: {@link ScaleSizes#connections()} plain sockets (10,000
 * in the full profile), each of which completes an ApiVersions exchange and then stays open and
 * silent ({@link IdleConnections}), opened one after another from the harness's JVM.
 * <ul>
 * <li>{@code connect_all_ms}: the time to open all of them, exchange included;</li>
 * <li>{@code rss_added_mib}: the broker's VmRSS with them open minus before;</li>
 * <li>{@code open_fds}: the broker's open file descriptors with them open;</li>
 * <li>{@code broker_cpu_percent}: the broker's CPU (utime+stime) as a percentage of one core over
 * {@link ScaleSizes#idleSeconds()} seconds in which nothing is sent, after a second's pause.</li>
 * </ul>
 * Then they are closed, and the workload waits (bounded) until the broker has let go of their
 * descriptors, so that later workloads find it as before.
 */
final class ConnectionScale {
    private ConnectionScale() {
    }

    static Map<Metric, Double> run(Workloads.Target t, Profile p) throws Exception {
        ScaleSizes sizes = ScaleSizes.of(p);
        long pid = t.stat().pid();
        int fdsBefore = BrokerFootprint.openFds(pid);
        Map<Metric, Double> m = new EnumMap<>(Metric.class);
        try (IdleConnections idle = new IdleConnections()) {
            double rss = t.stat().rssMiB();
            long start = System.nanoTime();
            idle.open(t.host(), t.port(), sizes.connections());
            m.put(Metric.CONNECT_ALL_MS, (System.nanoTime() - start) / 1e6);
            m.put(Metric.RSS_ADDED_MIB, t.stat().rssMiB() - rss);
            m.put(Metric.OPEN_FDS, (double) BrokerFootprint.openFds(pid));
            Thread.sleep(1_000); // let whatever the connects started (accept, first reads) finish before watching idle CPU
            double cpu = t.stat().cpuSeconds();
            long idleStart = System.nanoTime();
            Thread.sleep(sizes.idleSeconds() * 1_000L);
            double seconds = (System.nanoTime() - idleStart) / 1e9;
            m.put(Metric.BROKER_CPU_PERCENT, 100 * (t.stat().cpuSeconds() - cpu) / seconds);
        }
        awaitFds(pid, fdsBefore + 50, System.nanoTime() + sizes.timeout().toNanos());
        return m;
    }

    /** Waits until the broker holds at most {@code atMost} descriptors (it closes its side of each connection when it sees ours close). */
    private static void awaitFds(long pid, int atMost, long deadlineNanos) throws IOException, InterruptedException {
        int open;
        while ((open = BrokerFootprint.openFds(pid)) > atMost) {
            if (System.nanoTime() > deadlineNanos) {
                throw new IOException("the broker still holds " + open + " descriptors after the idle connections closed (at most "
                        + atMost + " expected)");
            }
            Thread.sleep(100);
        }
    }
}
