package dev.wharf.bench.e2e;

import java.time.Duration;
import java.util.Set;

/**
 * How much work each workload does. {@code full} is the comparison of record (each throughput
 * workload runs some 20-40 s per sample and broker on a 2-core machine); {@code smoke} runs every
 * workload briefly; {@code tiny} is the subset that {@code mvn verify} runs so the harness cannot
 * rot. Both {@code full} and {@code smoke} run the one-broker workloads; the cluster workloads run
 * in a run of their own ({@code --cluster}) at either size.
 * <p>
 * The figures that moved most from run to run, start-up, consume and fixed-rate latency (a few
 * seconds each, or a tail of 1% on a shared 2-core machine, so one sample is mostly noise), are
 * taken {@code startSamples}, {@code consumeSamples} and {@code latencySamples} times per broker
 * and reported as medians; so are the produce rows at maximum rate ({@code produceSamples}), whose
 * single samples moved by up to 40% between runs of the same code.
 */
record Profile(String name, long records1k, long records100b, int latencyRate, int latencySeconds, int latencyWarmUpSeconds,
        long roundTrips, int partitions, long recordsPartitioned, int idleConnections, long recordsWithIdle, int startSamples,
        int produceSamples, int consumeSamples, int latencySamples, Duration workloadTimeout, long compactionUpdates,
        Set<String> workloads) {

    /** What {@code full} and {@code smoke} run: every workload of one broker of each system. */
    static final Set<String> ONE_BROKER = Set.of(Workloads.PRODUCE_1K_ACKS_1, Workloads.PRODUCE_1K_ACKS_ALL, Workloads.PRODUCE_100B,
            Workloads.CONSUME_1K, Workloads.CONSUME_1K_TLS, Workloads.PRODUCE_1K_TLS, Workloads.LATENCY_FIXED_RATE, Workloads.ROUND_TRIP, Workloads.PARTITIONS, Workloads.IDLE_CONNECTIONS, Workloads.COMPACTION,
            Workloads.CONSUME_1K_NATIVE, Workloads.CONSUME_1K_WARM, Workloads.PRODUCE_1K_NATIVE,
            Workloads.TRANSACTIONS, Workloads.GROUPS_CLASSIC, Workloads.GROUPS_CONSUMER,
            Workloads.PARTITIONS_10000, Workloads.CONNECTIONS_10000, Workloads.RECOVERY);
    /** Every workload there is: the cluster ones run apart ({@code --cluster}), so that each run stays under an hour. */
    static final Set<String> ALL = union(ONE_BROKER, ClusterWorkloads.NAMES);

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    /** The same sizes, running only the named workloads. */
    Profile only(Set<String> names) {
        for (String n : names) {
            if (!ALL.contains(n)) {
                throw new IllegalArgumentException("unknown workload " + n + "; known: " + ALL);
            }
        }
        return new Profile(name, records1k, records100b, latencyRate, latencySeconds, latencyWarmUpSeconds, roundTrips, partitions,
                recordsPartitioned, idleConnections, recordsWithIdle, startSamples, produceSamples, consumeSamples, latencySamples,
                workloadTimeout, compactionUpdates, Set.copyOf(names));
    }

    static Profile named(String name) {
        return switch (name) {
            case "full" -> new Profile(name, 4_000_000, 25_000_000, 2_000, 20, 5, 40_000, 1_000, 200_000, 1_000, 4_000_000, 5, 3, 5, 3,
                    Duration.ofMinutes(4), 1_000_000, ONE_BROKER);
            case "smoke" -> new Profile(name, 200_000, 1_000_000, 1_000, 5, 2, 1_000, 1_000, 50_000, 1_000, 100_000, 2, 1, 2, 1,
                    Duration.ofMinutes(2), 200_000, ONE_BROKER);
            case "tiny" -> new Profile(name, 20_000, 50_000, 500, 3, 1, 200, 100, 10_000, 100, 10_000, 2, 2, 2, 1,
                    Duration.ofSeconds(60), 20_000,
                    Set.of(Workloads.PRODUCE_1K_ACKS_1, Workloads.CONSUME_1K, Workloads.CONSUME_1K_TLS, Workloads.LATENCY_FIXED_RATE,
                            Workloads.IDLE_CONNECTIONS));
            default -> throw new IllegalArgumentException("unknown profile " + name + " (full, smoke, tiny)");
        };
    }
}
