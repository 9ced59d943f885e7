package dev.wharf.bench.e2e;

/** One figure a workload reports, and which way is better. */
enum Metric {
    RECORDS_PER_SEC("records/s", true),
    MB_PER_SEC("MB/s", true),
    CPU_SECONDS_PER_GB("broker CPU s/GB", false),
    BROKER_CPU_PERCENT("broker CPU % of a core", false),
    ACK_P99_MS("ack latency p99 ms", false),
    LATENCY_P50_US("latency p50 µs", false),
    LATENCY_P99_US("latency p99 µs", false),
    LATENCY_P999_US("latency p99.9 µs", false),
    LATENCY_AVG_MS("latency avg ms", false),
    LATENCY_P99_MS("latency p99 ms", false),
    LATENCY_P999_MS("latency p99.9 ms", false),
    TOPIC_READY_MS("topic ready ms", false),
    RSS_ADDED_MIB("RSS added MiB", false),
    STARTUP_TO_FIRST_RECORD_MS("start to first record ms", false),
    PEAK_RSS_MIB("peak RSS MiB", false),
    LOG_MIB_AFTER("log MiB after cleaning", false),
    CEILING_RECORDS_PER_SEC("ceiling records/s", true),
    FRACTION_OF_CEILING("fraction of ceiling", true),
    COMMIT_P50_MS("commit p50 ms", false),
    COMMIT_P99_MS("commit p99 ms", false),
    SETTLE_MS("group settle ms", false),
    COMMITS_PER_SEC("commits/s", true),
    HEAP_PEAK_MIB("heap used peak MiB", false),
    HEAP_AFTER_MIB("heap used after MiB", false),
    RSS_AFTER_MIB("RSS after MiB", false),
    OPEN_FDS("broker open fds", false),
    DISK_MIB("log dir disk MiB", false),
    TOPICS_DELETED_MS("topics deleted ms", false),
    CONNECT_ALL_MS("all connected ms", false),
    RECOVERY_MS("recovery ms", false),
    RECORDS_LOST("acked records lost", false),
    CLUSTER_PEAK_RSS_MIB("cluster peak RSS MiB", false),
    UNAVAILABLE_MS("unavailable ms", false),
    MAX_PAUSE_MS("max ack gap ms", false),
    CONSUMER_MAX_PAUSE_MS("max consumer gap ms", false),
    ROLLING_RESTART_S("all 3 restarted s", false);

    final String label;
    final boolean higherIsBetter;

    Metric(String label, boolean higherIsBetter) {
        this.label = label;
        this.higherIsBetter = higherIsBetter;
    }

    /** The metric whose {@link #key()} this is, or null. */
    static Metric ofKey(String key) {
        for (Metric m : values()) {
            if (m.key().equals(key)) {
                return m;
            }
        }
        return null;
    }

    /** The JSON key: {@code records_per_sec}. */
    String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
