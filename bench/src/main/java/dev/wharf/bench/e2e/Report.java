package dev.wharf.bench.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wharf.bench.e2e.Workloads.Workload;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The result of one run: every figure for both brokers, side by side, with the ratio
 * Wharf/Kafka. Rendered as a text table, as JSON and (by {@link SvgChart}) as a chart.
 */
final class Report {
    static final String BROKER_ROW = "broker";

    /**
     * What one broker did: figures per workload, whole-run figures, and failures by workload. A
     * figure taken several times is reported as the median, and its samples are kept beside it.
     */
    static final class BrokerRun {
        final String key;
        final String label;
        final Map<Metric, Double> overall = new EnumMap<>(Metric.class);
        final Map<String, Map<Metric, Double>> workloads = new LinkedHashMap<>();
        final Map<String, Map<Metric, List<Double>>> samples = new LinkedHashMap<>();
        final Map<String, String> errors = new LinkedHashMap<>();
        /** The TLS protocol and cipher suite the broker's TLS listener agreed to ({@link TlsHandshake}); null without one. */
        String tlsNegotiated;

        BrokerRun(String key, String label) {
            this.key = key;
            this.label = label;
        }

        Double get(String workload, Metric metric) {
            return BROKER_ROW.equals(workload) ? overall.get(metric) : workloads.getOrDefault(workload, Map.of()).get(metric);
        }

        /** Records several samples of a workload's (or, for {@link #BROKER_ROW}, the run's) figures, and their medians as the figures. */
        void putSampled(String workload, List<Map<Metric, Double>> taken) {
            Map<Metric, List<Double>> byMetric = new EnumMap<>(Metric.class);
            for (Map<Metric, Double> sample : taken) {
                sample.forEach((metric, value) -> byMetric.computeIfAbsent(metric, m -> new ArrayList<>()).add(value));
            }
            Map<Metric, Double> medians = BROKER_ROW.equals(workload) ? overall : workloads.computeIfAbsent(workload, w -> new EnumMap<>(Metric.class));
            byMetric.forEach((metric, values) -> medians.put(metric, median(values)));
            if (taken.size() > 1) {
                samples.put(workload, byMetric);
            }
        }
    }

    /** The middle value (the mean of the two middle ones for an even count). */
    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * One line of the table. The ratio is absent when either side is missing or zero (a zero here
     * is a latency below a tool's resolution, such as EndToEndLatency's whole milliseconds).
     */
    record Row(String workload, String description, Metric metric, Double kafka, Double wharf) {
        Double ratio() {
            return kafka == null || wharf == null || kafka == 0 || wharf == 0 ? null : wharf / kafka;
        }

        /** Whether Wharf does better on this row (null if there is no ratio). */
        Boolean wharfBetter() {
            Double r = ratio();
            return r == null ? null : metric.higherIsBetter ? r > 1 : r < 1;
        }
    }

    final Profile profile;
    final Instant started;
    final Duration took;
    final Map<String, String> machine;
    final List<Workload> workloads;
    final BrokerRun kafka;
    final BrokerRun wharf;
    /** What this machine can do at best, measured before the brokers started; null when not measured. */
    PhysicalLimits.Measured limits;
    /** The runs the figures come from, when more than this one ({@link LatestResults}); empty for a single run. */
    final List<RunPart> mergedFrom = new ArrayList<>();

    /** One run whose figures a report holds: when it started, how long it took, the load then, and its workloads. */
    record RunPart(Instant started, long seconds, String loadAtStart, List<String> workloads) {
    }

    Report(Profile profile, Instant started, Duration took, Map<String, String> machine, List<Workload> workloads, BrokerRun kafka,
            BrokerRun wharf) {
        this.profile = profile;
        this.started = started;
        this.took = took;
        this.machine = machine;
        this.workloads = workloads;
        this.kafka = kafka;
        this.wharf = wharf;
    }

    /** The runs the figures come from: this run alone, or the ones merged into it. */
    List<RunPart> runParts() {
        return mergedFrom.isEmpty()
                ? List.of(new RunPart(started, took.toSeconds(), machine.get("load_at_start"), workloads.stream().map(Workload::name).toList()))
                : mergedFrom;
    }

    /** Whether both brokers ran every workload. */
    boolean complete() {
        return kafka.errors.isEmpty() && wharf.errors.isEmpty();
    }

    List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Metric metric : List.of(Metric.STARTUP_TO_FIRST_RECORD_MS, Metric.PEAK_RSS_MIB)) {
            rows.add(new Row(BROKER_ROW, "the whole run", metric, kafka.get(BROKER_ROW, metric), wharf.get(BROKER_ROW, metric)));
        }
        for (Workload w : workloads) {
            for (Metric metric : Metric.values()) {
                Double k = kafka.get(w.name(), metric);
                Double h = wharf.get(w.name(), metric);
                if (k != null || h != null) {
                    rows.add(new Row(w.name(), w.description(), metric, k, h));
                }
            }
        }
        return rows;
    }

    String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%s vs %s, profile %s, %s (%d s)%n", wharf.label, kafka.label, profile.name(),
                started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS), took.toSeconds()));
        b.append(String.format("machine: %s%n", machine.get("summary")));
        if (!mergedFrom.isEmpty()) {
            for (RunPart part : mergedFrom) {
                b.append(String.format("run of %s (%d s, load at start %s): %s%n", part.started().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                        part.seconds(), part.loadAtStart(), String.join(", ", part.workloads())));
            }
        }
        b.append('\n');
        String format = "%-20s %-24s %14s %14s %11s%n";
        b.append(String.format(format, "workload", "metric", "Kafka", "Wharf", "Wharf/Kafka"));
        String last = "";
        for (Row row : rows()) {
            Double ratio = row.ratio();
            String mark = row.wharfBetter() == null ? "" : row.wharfBetter() ? " +" : " -";
            b.append(String.format(format, row.workload().equals(last) ? "" : row.workload(), row.metric().label, number(row.kafka()),
                    number(row.wharf()), ratio == null ? "n/a" : String.format(Locale.ROOT, "%.2f%s", ratio, mark)));
            last = row.workload();
        }
        b.append("\n+ Wharf better, - Wharf worse.\n");
        b.append(TlsCost.table(this));
        b.append(PhysicalLimits.table(this));
        String sampled = samplesTable();
        if (!sampled.isEmpty()) {
            b.append("\nMedians above, of these samples (in the order taken):\n").append(sampled);
        }
        b.append("\nWorkloads:\n");
        for (Workload w : workloads) {
            b.append(String.format("  %-20s %s%n", w.name(), w.description()));
        }
        for (BrokerRun run : List.of(kafka, wharf)) {
            run.errors.forEach((workload, error) -> b.append(String.format("FAILED %s %s: %s%n", run.key, workload, firstLine(error))));
        }
        return b.toString();
    }

    /** The sampled figures the table lists sample by sample (the JSON keeps all of them). */
    private static final Set<Metric> SAMPLES_SHOWN = EnumSet.of(Metric.STARTUP_TO_FIRST_RECORD_MS,
            Metric.RECORDS_PER_SEC, Metric.CPU_SECONDS_PER_GB, Metric.LATENCY_P99_US);

    private String samplesTable() {
        StringBuilder b = new StringBuilder();
        for (BrokerRun run : List.of(kafka, wharf)) {
            run.samples.forEach((workload, byMetric) -> byMetric.forEach((metric, values) -> {
                if (SAMPLES_SHOWN.contains(metric)) {
                    b.append(String.format("  %-6s %-18s %-24s %s%n", run.key, workload, metric.label,
                            String.join("  ", values.stream().map(Report::number).toList())));
                }
            }));
        }
        return b.toString();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static String number(Double v) {
        if (v == null) {
            return "-";
        }
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 1000 ? "%,.0f" : a >= 10 ? "%.1f" : "%.2f", v);
    }

    String json() {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("started", started.toString());
        root.put("seconds", took.toSeconds());
        root.put("profile", profile.name());
        ObjectNode m = root.putObject("machine");
        machine.forEach(m::put);
        ArrayNode parts = root.putArray("runs");
        for (RunPart part : runParts()) {
            ObjectNode p = parts.addObject();
            p.put("started", part.started().toString());
            p.put("seconds", part.seconds());
            p.put("load_at_start", part.loadAtStart());
            part.workloads().forEach(p.putArray("workloads")::add);
        }
        ObjectNode brokers = root.putObject("brokers");
        for (BrokerRun run : List.of(kafka, wharf)) {
            ObjectNode b = brokers.putObject(run.key);
            b.put("label", run.label);
            if (run.tlsNegotiated != null) {
                b.put("tls_negotiated", run.tlsNegotiated);
            }
            run.overall.forEach((metric, value) -> b.put(metric.key(), value));
            ObjectNode samples = b.putObject("samples");
            run.samples.forEach((workload, byMetric) -> {
                ObjectNode w = samples.putObject(workload);
                byMetric.forEach((metric, values) -> values.forEach(w.putArray(metric.key())::add));
            });
            ObjectNode errors = b.putObject("errors");
            run.errors.forEach(errors::put);
        }
        ArrayNode ws = root.putArray("workloads");
        for (Workload w : workloads) {
            ObjectNode node = ws.addObject();
            node.put("name", w.name());
            node.put("description", w.description());
            for (BrokerRun run : List.of(kafka, wharf)) {
                ObjectNode figures = node.putObject(run.key);
                run.workloads.getOrDefault(w.name(), Map.of()).forEach((metric, value) -> figures.put(metric.key(), value));
            }
        }
        ArrayNode rows = root.putArray("rows");
        for (Row row : rows()) {
            ObjectNode r = rows.addObject();
            r.put("workload", row.workload());
            r.put("metric", row.metric().key());
            r.put("label", row.metric().label);
            r.put("higher_is_better", row.metric().higherIsBetter);
            r.put("kafka", row.kafka());
            r.put("wharf", row.wharf());
            r.put("ratio", row.ratio());
        }
        ArrayNode tlsCost = root.putArray("tls_cost");
        for (TlsCost.Row row : TlsCost.of(this)) {
            ObjectNode r = tlsCost.addObject();
            r.put("tls", row.tls());
            r.put("plaintext", row.plaintext());
            r.put("metric", row.metric().key());
            r.put("kafka", row.kafka());
            r.put("wharf", row.wharf());
        }
        PhysicalLimits.json(this, root);
        try {
            return mapper.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
