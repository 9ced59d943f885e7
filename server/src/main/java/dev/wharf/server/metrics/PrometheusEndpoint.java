package dev.wharf.server.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Prometheus endpoint ({@code metrics.prometheus.port}): {@code /metrics} served by the
 * Prometheus Java client's HTTP server, with the JVM's metrics ({@code jvm_*}) and the broker's,
 * under the names the Prometheus JMX exporter's standard Kafka rules
 * ({@code example_configs/kafka-2_0_0.yml}) give the broker's MBeans, so dashboards built on that
 * exporter work unchanged:
 * <ul>
 * <li>a meter named {@code ...PerSec}: its Count as the counter {@code kafka_<d>_<type>_<name
 * without PerSec>_total}, the tags as labels;
 * <li>another meter, a histogram or a timer: its Count as {@code kafka_<d>_<type>_<name>_count};
 * a histogram's or timer's percentiles as {@code kafka_<d>_<type>_<name>{quantile="0.50"..."0.999"}};
 * <li>a gauge: {@code kafka_<d>_<type>_<name>} (non-numeric ones, ClusterId, are left out).
 * </ul>
 * Names lowercased, labels as the tags are spelled. Threads: scrapes run on the HTTP server's
 * threads and read the metrics as they are.
 */
public final class PrometheusEndpoint implements Closeable {
    private static final String[] PERCENTILES = {"50", "75", "95", "98", "99", "999"};

    private final HTTPServer server;

    private PrometheusEndpoint(HTTPServer server) {
        this.server = server;
    }

    public static PrometheusEndpoint start(MetricsRegistry metrics, String host, int port) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        registry.register((MultiCollector) () -> collect(metrics));
        return new PrometheusEndpoint(HTTPServer.builder().hostname(host).port(port).registry(registry).buildAndStart());
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }

    /** Families by name, each with its data points (one per tag set). */
    static MetricSnapshots collect(MetricsRegistry metrics) {
        Map<String, List<CounterSnapshot.CounterDataPointSnapshot>> counters = new LinkedHashMap<>();
        Map<String, List<GaugeSnapshot.GaugeDataPointSnapshot>> gauges = new LinkedHashMap<>();
        metrics.forEach((name, metric) -> {
            Labels labels = Labels.of(name.labelNames(), name.labelValues());
            if (metric instanceof KafkaMeter m && name.name().contains("PerSec")) {
                String family = name.prometheusName(name.name().substring(name.name().indexOf("PerSec")));
                counters.computeIfAbsent(family, f -> new ArrayList<>()).add(CounterSnapshot.CounterDataPointSnapshot
                        .builder().value(m.getCount()).labels(labels).build());
            } else if (metric instanceof KafkaMeter m) {
                gauge(gauges, name.prometheusName(null) + "_count", labels, m.getCount());
            } else if (metric instanceof KafkaHistogram h) {
                histogram(gauges, name, labels, h);
            } else if (metric instanceof KafkaTimer t) {
                histogram(gauges, name, labels, t.histogram());
            } else if (metric instanceof KafkaGauge g && !Double.isNaN(g.doubleValue())) {
                gauge(gauges, name.prometheusName(null), labels, g.doubleValue());
            }
        });
        List<MetricSnapshot> out = new ArrayList<>();
        counters.forEach((family, points) -> out.add(new CounterSnapshot(new MetricMetadata(family), points)));
        gauges.forEach((family, points) -> out.add(new GaugeSnapshot(new MetricMetadata(family), points)));
        return new MetricSnapshots(out);
    }

    private static void histogram(Map<String, List<GaugeSnapshot.GaugeDataPointSnapshot>> gauges, MetricName name,
            Labels labels, KafkaHistogram h) {
        String family = name.prometheusName(null);
        gauge(gauges, family + "_count", labels, h.getCount());
        for (String p : PERCENTILES) {
            gauge(gauges, family, labels.add("quantile", "0." + p), h.quantile(Double.parseDouble("0." + p)));
        }
    }

    private static void gauge(Map<String, List<GaugeSnapshot.GaugeDataPointSnapshot>> gauges, String family, Labels labels,
            double value) {
        gauges.computeIfAbsent(family, f -> new ArrayList<>())
                .add(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).labels(labels).build());
    }
}
