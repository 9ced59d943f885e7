package dev.wharf.server.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Kafka's {@code kafka.server:type=app-info} MBeans, as a Kafka 4.4 broker shows them: untagged
 * with {@code version}, {@code commit-id}, {@code start-time-ms} (Kafka Metrics' shape), and
 * {@code ...,id=<broker id>} with {@code Version}, {@code CommitId}, {@code StartTimeMs}. The
 * values are Wharf's own build (its version and git commit, not Kafka's) and the time the broker
 * started.
 */
final class AppInfo {
    private AppInfo() {
    }

    static void register(MetricsRegistry registry, int brokerId, String version, String commit, long startMs) {
        Map<String, Supplier<?>> metrics = new LinkedHashMap<>();
        metrics.put("version", () -> version);
        metrics.put("commit-id", () -> commit);
        metrics.put("start-time-ms", () -> startMs);
        registry.attributes(new MetricName("kafka.server", "app-info", null, List.of()), metrics, List.of());
        Map<String, Supplier<?>> info = new LinkedHashMap<>();
        info.put("Version", () -> version);
        info.put("CommitId", () -> commit);
        info.put("StartTimeMs", () -> startMs);
        registry.attributes(new MetricName("kafka.server", "app-info", null, List.of("id", Integer.toString(brokerId))),
                info, List.of());
    }
}
