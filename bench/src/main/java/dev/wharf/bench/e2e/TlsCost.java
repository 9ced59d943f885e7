package dev.wharf.bench.e2e;

import dev.wharf.bench.e2e.Report.BrokerRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What TLS costs each broker: a TLS workload's figure divided by the same figure of its plaintext
 * twin in the same run (records/s: below 1 is slower over TLS; CPU s/GB: above 1 is dearer). The
 * main table compares the brokers; this compares each broker with itself.
 */
final class TlsCost {
    /** A TLS workload and the plaintext workload it repeats. */
    private record Pair(String tls, String plaintext) {
    }

    private static final List<Pair> PAIRS = List.of(new Pair(Workloads.CONSUME_1K_TLS, Workloads.CONSUME_1K),
            new Pair(Workloads.PRODUCE_1K_TLS, Workloads.PRODUCE_1K_ACKS_1));
    private static final List<Metric> METRICS = List.of(Metric.RECORDS_PER_SEC, Metric.CPU_SECONDS_PER_GB);

    /** One ratio, TLS over plaintext, for each broker (null where either figure is missing). */
    record Row(String tls, String plaintext, Metric metric, Double kafka, Double wharf) {
    }

    private TlsCost() {
    }

    /** The rows for the pairs of which the run has both workloads. */
    static List<Row> of(Report report) {
        List<Row> rows = new ArrayList<>();
        List<String> ran = report.workloads.stream().map(Workloads.Workload::name).toList();
        for (Pair pair : PAIRS) {
            if (ran.contains(pair.tls()) && ran.contains(pair.plaintext())) {
                for (Metric metric : METRICS) {
                    rows.add(new Row(pair.tls(), pair.plaintext(), metric, ratio(report.kafka, pair, metric),
                            ratio(report.wharf, pair, metric)));
                }
            }
        }
        return rows;
    }

    private static Double ratio(BrokerRun run, Pair pair, Metric metric) {
        Double tls = run.get(pair.tls(), metric);
        Double plaintext = run.get(pair.plaintext(), metric);
        return tls == null || plaintext == null || plaintext == 0 ? null : tls / plaintext;
    }

    /** The section of the text table, or "" when the run has no pair. */
    static String table(Report report) {
        List<Row> rows = of(report);
        if (rows.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("\nTLS beside plaintext, each broker against itself (TLS figure / plaintext figure):\n");
        String format = "%-36s %-24s %8s %8s%n";
        b.append(String.format(format, "workloads", "metric", "Kafka", "Wharf"));
        for (Row row : rows) {
            b.append(String.format(format, row.tls() + " / " + row.plaintext(), row.metric().label, ratio(row.kafka()),
                    ratio(row.wharf())));
        }
        b.append(String.format("negotiated with the load tools' offer: Kafka %s, Wharf %s%n", report.kafka.tlsNegotiated,
                report.wharf.tlsNegotiated));
        return b.toString();
    }

    private static String ratio(Double r) {
        return r == null ? "n/a" : String.format(Locale.ROOT, "%.2f", r);
    }
}
