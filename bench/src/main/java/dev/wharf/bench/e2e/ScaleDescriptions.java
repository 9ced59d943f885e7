package dev.wharf.bench.e2e;

/**
 * The one-line descriptions of the scale workloads. {@link Workloads#of} builds every profile's
 * list, tiny's too, which has no scale sizes: there the workloads are filtered out afterwards, so
 * their descriptions must not fail.
 */
final class ScaleDescriptions {
    private ScaleDescriptions() {
    }

    static String partitions(Profile p) {
        if (!p.workloads().contains(Workloads.PARTITIONS_10000)) {
            return Workloads.PARTITIONS_10000;
        }
        ScaleSizes s = ScaleSizes.of(p);
        return String.format("%,d topics x %,d partitions: created until each acked a record, RSS and fds then, %,d x 1 KiB across all,"
                + " then deleted", s.topics(), s.partitionsPerTopic(), s.spreadRecords());
    }

    static String connections(Profile p) {
        if (!p.workloads().contains(Workloads.CONNECTIONS_10000)) {
            return Workloads.CONNECTIONS_10000;
        }
        ScaleSizes s = ScaleSizes.of(p);
        return String.format("%,d idle connections: RSS added, broker CPU over %d s idle", s.connections(), s.idleSeconds());
    }

    static String recovery(Profile p) {
        if (!p.workloads().contains(Workloads.RECOVERY)) {
            return Workloads.RECOVERY;
        }
        ScaleSizes s = ScaleSizes.of(p);
        return String.format("%,d MiB of 1 KiB records, acks=1, then SIGKILL: restart until the last record is read", s.recoveryBytes() >> 20);
    }
}
