package dev.wharf.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wharf.bench.e2e.Report.BrokerRun;
import dev.wharf.bench.e2e.Report.RunPart;
import dev.wharf.bench.e2e.Workloads.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code bench/results/latest.*}: the newest result of record of every workload. The one-broker
 * workloads and the cluster workloads run apart, each run under an hour, so a complete run of
 * either replaces its own workloads' figures in {@code latest.*} and keeps the others', read back
 * from the last {@code latest.json}. The JSON's {@code runs} says which run each figure is from.
 */
final class LatestResults {
    /** A workload read back from JSON: its figures are there, it is never run again. */
    private static final Workloads.Run READ_BACK = (target, sample) -> {
        throw new IllegalStateException("a workload read back from a report does not run");
    };

    private LatestResults() {
    }

    /** The run merged with the previous latest of the same profile (the run alone when there is none to merge). */
    static Report mergeWithPrevious(Path latestJson, Report run) {
        if (!Files.exists(latestJson)) {
            return run;
        }
        Report previous;
        try {
            previous = read(latestJson);
        } catch (IOException | RuntimeException e) {
            System.err.printf("[side-by-side] %s not merged (%s): latest.* holds this run alone%n", latestJson, e);
            return run;
        }
        return previous.profile.name().equals(run.profile.name()) ? merge(previous, run) : run;
    }

    /** The newer run's workloads from it, the rest from the older; whole-run figures from the run with one-broker workloads. */
    static Report merge(Report older, Report newer) {
        Set<String> fromNewer = names(newer.workloads);
        List<Workload> workloads = new ArrayList<>();
        for (Workload w : older.workloads) {
            workloads.add(fromNewer.contains(w.name()) ? byName(newer.workloads, w.name()) : w);
        }
        Set<String> present = names(workloads);
        newer.workloads.stream().filter(w -> !present.contains(w.name())).forEach(workloads::add);
        workloads.sort(Comparator.comparing(w -> ClusterWorkloads.NAMES.contains(w.name()))); // the cluster rows last
        Report main = hasOneBrokerWorkloads(newer) || !hasOneBrokerWorkloads(older) ? newer : older;
        Report merged = new Report(newer.profile, main.started, main.took, main.machine, workloads,
                merge(older.kafka, newer.kafka, fromNewer, main == newer), merge(older.wharf, newer.wharf, fromNewer, main == newer));
        merged.limits = newer.limits != null ? newer.limits : older.limits;
        for (RunPart part : older.runParts()) {
            List<String> kept = part.workloads().stream().filter(w -> !fromNewer.contains(w)).toList();
            if (!kept.isEmpty()) {
                merged.mergedFrom.add(new RunPart(part.started(), part.seconds(), part.loadAtStart(), kept));
            }
        }
        merged.mergedFrom.addAll(newer.runParts());
        merged.mergedFrom.sort(Comparator.comparing(RunPart::started));
        return merged;
    }

    private static BrokerRun merge(BrokerRun older, BrokerRun newer, Set<String> fromNewer, boolean overallFromNewer) {
        BrokerRun merged = new BrokerRun(newer.key, newer.label);
        merged.tlsNegotiated = newer.tlsNegotiated != null ? newer.tlsNegotiated : older.tlsNegotiated;
        BrokerRun overall = overallFromNewer ? newer : older;
        merged.overall.putAll(overall.overall);
        if (overall.samples.containsKey(Report.BROKER_ROW)) {
            merged.samples.put(Report.BROKER_ROW, overall.samples.get(Report.BROKER_ROW));
        }
        for (BrokerRun from : List.of(older, newer)) {
            boolean newerOne = from == newer;
            from.workloads.forEach((w, figures) -> {
                if (fromNewer.contains(w) == newerOne) {
                    merged.workloads.put(w, figures);
                }
            });
            from.samples.forEach((w, byMetric) -> {
                if (!Report.BROKER_ROW.equals(w) && fromNewer.contains(w) == newerOne) {
                    merged.samples.put(w, byMetric);
                }
            });
            from.errors.forEach((w, error) -> {
                if (fromNewer.contains(w) == newerOne) {
                    merged.errors.put(w, error);
                }
            });
        }
        return merged;
    }

    /** A report as {@link Report#json()} wrote it. */
    static Report read(Path json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        Profile profile = Profile.named(root.path("profile").asText());
        Map<String, String> machine = new LinkedHashMap<>();
        root.path("machine").fields().forEachRemaining(e -> machine.put(e.getKey(), e.getValue().asText()));
        List<Workload> workloads = new ArrayList<>();
        for (JsonNode w : root.path("workloads")) {
            workloads.add(new Workload(w.path("name").asText(), w.path("description").asText(), READ_BACK));
        }
        Report report = new Report(profile, Instant.parse(root.path("started").asText()), Duration.ofSeconds(root.path("seconds").asLong()),
                machine, workloads, brokerRun(root, "kafka"), brokerRun(root, "wharf"));
        report.limits = limits(root.path("limits"), profile);
        for (JsonNode part : root.path("runs")) {
            List<String> names = new ArrayList<>();
            part.path("workloads").forEach(n -> names.add(n.asText()));
            report.mergedFrom.add(new RunPart(Instant.parse(part.path("started").asText()), part.path("seconds").asLong(),
                    part.path("load_at_start").asText(), names));
        }
        return report;
    }

    private static BrokerRun brokerRun(JsonNode root, String key) {
        JsonNode b = root.path("brokers").path(key);
        BrokerRun run = new BrokerRun(key, b.path("label").asText());
        run.tlsNegotiated = b.hasNonNull("tls_negotiated") ? b.path("tls_negotiated").asText() : null;
        b.fields().forEachRemaining(e -> {
            Metric metric = Metric.ofKey(e.getKey());
            if (metric != null && e.getValue().isNumber()) {
                run.overall.put(metric, e.getValue().asDouble());
            }
        });
        b.path("samples").fields().forEachRemaining(w -> {
            Map<Metric, List<Double>> byMetric = new EnumMap<>(Metric.class);
            w.getValue().fields().forEachRemaining(m -> {
                List<Double> values = new ArrayList<>();
                m.getValue().forEach(v -> values.add(v.asDouble()));
                Metric metric = Metric.ofKey(m.getKey());
                if (metric != null) {
                    byMetric.put(metric, values);
                }
            });
            run.samples.put(w.getKey(), byMetric);
        });
        b.path("errors").fields().forEachRemaining(e -> run.errors.put(e.getKey(), e.getValue().asText()));
        for (JsonNode w : root.path("workloads")) {
            Map<Metric, Double> figures = new EnumMap<>(Metric.class);
            w.path(key).fields().forEachRemaining(f -> {
                Metric metric = Metric.ofKey(f.getKey());
                if (metric != null && f.getValue().isNumber()) {
                    figures.put(metric, f.getValue().asDouble());
                }
            });
            if (!figures.isEmpty()) {
                run.workloads.put(w.path("name").asText(), figures);
            }
        }
        return run;
    }

    private static PhysicalLimits.Measured limits(JsonNode limits, Profile profile) {
        if (limits.isMissingNode()) {
            return null;
        }
        NativeSizes sizes = NativeSizes.of(profile);
        return new PhysicalLimits.Measured(limits.path("loopback_sendfile_mb_per_sec").asDouble(),
                limits.path("disk_write_mb_per_sec").asDouble(), Path.of(limits.path("disk_dir").asText()),
                new NativeSizes(sizes.warmPasses(), sizes.warmMeasured(), limits.path("loopback_max_bytes").asLong(),
                        limits.path("loopback_max_seconds").asInt(), limits.path("disk_write_bytes").asLong()));
    }

    private static boolean hasOneBrokerWorkloads(Report r) {
        return r.workloads.stream().anyMatch(w -> Profile.ONE_BROKER.contains(w.name()));
    }

    private static Set<String> names(List<Workload> workloads) {
        return workloads.stream().map(Workload::name).collect(Collectors.toSet());
    }

    private static Workload byName(List<Workload> workloads, String name) {
        return workloads.stream().filter(w -> w.name().equals(name)).findFirst().orElseThrow();
    }
}
