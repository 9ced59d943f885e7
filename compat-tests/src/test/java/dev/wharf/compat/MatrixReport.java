package dev.wharf.compat;

import dev.wharf.compat.MatrixListener.Scenario;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Writes the feature matrix: {@code compat-matrix.json} (read by run-matrix.sh to put two brokers
 * side by side) and {@code compat-matrix.md} (for a reader). JSON layout:
 * <pre>
 * { "broker": {"mode": "external"|"in-process", "label", "bootstrap", "clusterId", "features": {name: level}},
 *   "generated": ISO-8601 time, "summary": {"pass", "fail", "n/a", "skipped"},
 *   "scenarios": [{"class", "method", "name", "status", "detail", "apis": [API names]}],
 *   "apis": [{"api", "key", "client": "min-max", "broker": "min-max"|"not advertised"|"not probed",
 *             "pass", "fail", "n/a"}] }
 * </pre>
 * Stateless; called by {@link MatrixListener} at the end of a test plan.
 */
final class MatrixReport {
    private static final List<String> STATUSES = List.of("pass", "fail", "n/a", "skipped");

    private MatrixReport() {
    }

    static void write(Path dir, List<Scenario> scenarios) {
        scenarios = new ArrayList<>(scenarios);
        scenarios.sort(Comparator.comparing(Scenario::testClass).thenComparing(Scenario::name));
        BrokerApis.Probe probe = BrokerApis.probe();
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("compat-matrix.json"), json(scenarios, probe));
            Files.writeString(dir.resolve("compat-matrix.md"), markdown(scenarios, probe));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String label() {
        String label = System.getProperty("compat.label", "").trim();
        if (!label.isEmpty() && !label.startsWith("${")) {
            return label;
        }
        return ExternalBroker.active() ? "external broker" : "Wharf in this JVM (a fresh broker per test class or test)";
    }

    private static Map<String, Integer> summary(List<Scenario> scenarios) {
        Map<String, Integer> counts = new TreeMap<>();
        STATUSES.forEach(s -> counts.put(s, 0));
        scenarios.forEach(s -> counts.merge(s.status(), 1, Integer::sum));
        return counts;
    }

    private record ApiRow(ApiKeys api, String client, String broker, Map<String, Integer> counts) {
    }

    private static List<ApiRow> apiRows(List<Scenario> scenarios, BrokerApis.Probe probe) {
        List<ApiRow> rows = new ArrayList<>();
        for (ApiKeys api : ApiKeys.values()) {
            String broker = probe == null ? "not probed"
                    : probe.advertised().containsKey((int) api.id) ? probe.advertised().get((int) api.id).toString() : "not advertised";
            List<Scenario> using = scenarios.stream().filter(s -> s.apis().contains(api.name())).toList();
            String client = !api.hasValidVersion() ? "none" : api.oldestVersion() + "-" + api.latestVersion();
            if (!api.inScope(ApiMessageType.ListenerType.BROKER)) {
                client += " (controller only)";
            }
            rows.add(new ApiRow(api, client, broker, summary(using)));
        }
        return rows;
    }

    private static String json(List<Scenario> scenarios, BrokerApis.Probe probe) {
        StringBuilder b = new StringBuilder("{\n  \"broker\": {");
        b.append("\"mode\": ").append(q(ExternalBroker.active() ? "external" : "in-process"));
        b.append(", \"label\": ").append(q(label()));
        b.append(", \"bootstrap\": ").append(q(ExternalBroker.bootstrap().orElse("")));
        b.append(", \"clusterId\": ").append(q(probe == null ? "" : probe.clusterId()));
        b.append(", \"features\": {");
        if (probe != null) {
            b.append(String.join(", ", probe.finalizedFeatures().entrySet().stream()
                    .map(e -> q(e.getKey()) + ": " + e.getValue()).toList()));
        }
        b.append("}},\n  \"generated\": ").append(q(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()));
        b.append(",\n  \"summary\": {");
        b.append(String.join(", ", summary(scenarios).entrySet().stream().map(e -> q(e.getKey()) + ": " + e.getValue()).toList()));
        b.append("},\n  \"scenarios\": [\n");
        List<String> rows = new ArrayList<>();
        for (Scenario s : scenarios) {
            rows.add("    {\"class\": " + q(s.testClass()) + ", \"method\": " + q(s.method()) + ", \"name\": " + q(s.name())
                    + ", \"status\": " + q(s.status()) + ", \"detail\": " + q(s.detail()) + ", \"apis\": ["
                    + String.join(", ", s.apis().stream().map(MatrixReport::q).toList()) + "]}");
        }
        b.append(String.join(",\n", rows)).append("\n  ],\n  \"apis\": [\n");
        rows.clear();
        for (ApiRow r : apiRows(scenarios, probe)) {
            rows.add("    {\"api\": " + q(r.api().name) + ", \"key\": " + r.api().id + ", \"client\": " + q(r.client())
                    + ", \"broker\": " + q(r.broker()) + ", \"pass\": " + r.counts().get("pass") + ", \"fail\": "
                    + r.counts().get("fail") + ", \"n/a\": " + r.counts().get("n/a") + "}");
        }
        return b.append(String.join(",\n", rows)).append("\n  ]\n}\n").toString();
    }

    private static String markdown(List<Scenario> scenarios, BrokerApis.Probe probe) {
        StringBuilder b = new StringBuilder("# Compatibility matrix\n\n");
        b.append("Broker under test: **").append(label()).append("**");
        ExternalBroker.bootstrap().ifPresent(a -> b.append(" at `").append(a).append('`'));
        if (probe != null) {
            b.append(", cluster id `").append(probe.clusterId()).append("`, finalized features ").append(probe.finalizedFeatures());
        }
        b.append(".\n\n");
        Map<String, Integer> counts = summary(scenarios);
        b.append(counts.get("pass")).append(" pass, ").append(counts.get("fail")).append(" fail, ")
                .append(counts.get("n/a")).append(" n/a").append(counts.get("skipped") > 0 ? ", " + counts.get("skipped") + " skipped" : "")
                .append(" of ").append(scenarios.size()).append(" scenarios.\n\n## Scenarios\n\n");
        b.append("| class | scenario | result | detail |\n|---|---|---|---|\n");
        for (Scenario s : scenarios) {
            b.append("| ").append(s.testClass()).append(" | ").append(cell(s.name())).append(" | ").append(s.status())
                    .append(" | ").append(cell(s.detail())).append(" |\n");
        }
        b.append("\n## APIs\n\nEach API key kafka-clients 4.4.0 knows: the versions the client speaks, the range the broker")
                .append(" advertises in ApiVersions, and the scenarios whose class exercises it (`@Exercises`).\n\n");
        b.append("| API | key | client | broker | pass | fail | n/a |\n|---|---|---|---|---|---|---|\n");
        for (ApiRow r : apiRows(scenarios, probe)) {
            b.append("| ").append(r.api().name).append(" | ").append(r.api().id).append(" | ").append(r.client()).append(" | ")
                    .append(r.broker()).append(" | ").append(r.counts().get("pass")).append(" | ").append(r.counts().get("fail"))
                    .append(" | ").append(r.counts().get("n/a")).append(" |\n");
        }
        return b.toString();
    }

    static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
