package dev.wharf.bench.e2e;

import java.time.Duration;

/**
 * The sizes of the scale workloads ({@code partitions-10000}, {@code connections-10000},
 * {@code recovery}) per profile, kept apart from {@link Profile} so that its record stays as it is.
 * Only {@code full} and {@code smoke} run them; {@code tiny} (run by {@code mvn verify}) does not.
 *
 * @param topics           topics in the partition set
 * @param partitionsPerTopic partitions of each (the set has {@code topics * partitionsPerTopic})
 * @param spreadRecords    1 KiB records produced across every partition of the set once it is ready
 * @param connections      idle connections opened at once
 * @param idleSeconds      how long the broker's CPU is watched with them open
 * @param recoveryBytes    bytes of 1 KiB record values written before the broker is killed
 * @param timeout          bound on each step (creation, produce, deletion, recovery)
 */
record ScaleSizes(int topics, int partitionsPerTopic, long spreadRecords, int connections, int idleSeconds, long recoveryBytes,
        Duration timeout) {
    private static final long GIB = 1L << 30;

    int partitions() {
        return topics * partitionsPerTopic;
    }

    static ScaleSizes of(Profile p) {
        return switch (p.name()) {
            // 200,000 records across 10,000 partitions: Kafka did not get through 1,000,000 in 6 minutes (each partition's
            // first index entries fault in pages of new, sparse index files)
            case "full" -> new ScaleSizes(10, 1_000, 200_000, 10_000, 10, 10 * GIB, Duration.ofMinutes(6));
            // smoke: the same shapes, smaller: a run stays short, and the full sizes' memory and files stay out of it
            case "smoke" -> new ScaleSizes(2, 500, 50_000, 2_000, 5, GIB, Duration.ofMinutes(3));
            default -> throw new IllegalArgumentException("the scale workloads have no sizes for profile " + p.name());
        };
    }
}
