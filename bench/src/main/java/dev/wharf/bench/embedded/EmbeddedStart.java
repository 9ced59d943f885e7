package dev.wharf.bench.embedded;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The embedded-start benchmark: from "start a test broker" to the first record it acknowledges
 * ({@code acks=all}), for wharf-junit's broker and for Kafka 4.4.0's in-process test cluster
 * ({@code KafkaClusterTestKit}), each in JVMs of its own on its own class path, alternating. Each
 * JVM starts its broker {@code --starts} times in a row: the first start is cold (what the first
 * test class of a build sees), the later ones warm (every later test class). Prints medians and
 * writes them, with every sample, to {@code bench/target/results/embedded-start-<time>.json}.
 * <p>
 * {@code java -cp bench/target/classes:bench/target/lib/* dev.wharf.bench.embedded.EmbeddedStart
 * --repo . [--jvms 3] [--starts 4]}; bench/run.sh --embedded-start builds and runs it. Single-threaded.
 */
public final class EmbeddedStart {
    private static final long JVM_TIMEOUT_SECONDS = 180;

    private EmbeddedStart() {
    }

    /** One start: how long until the broker was up, and from then until the first acknowledgement. */
    record Sample(double startMs, double firstAckMs) {
        double totalMs() {
            return startMs + firstAckMs;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        Path repo = Path.of(options.getOrDefault("--repo", ".")).toAbsolutePath().normalize();
        int jvms = Integer.parseInt(options.getOrDefault("--jvms", "3"));
        int starts = Integer.parseInt(options.getOrDefault("--starts", "4"));
        Map<String, List<String>> classPaths = new LinkedHashMap<>();
        classPaths.put("wharf-junit", List.of(repo.resolve("bench/target/classes").toString(),
                jar(repo.resolve("wharf-junit/target"), "wharf-junit-"), jar(repo.resolve("server/target"), "wharf-server-"),
                repo.resolve("server/target/lib/*").toString(), jar(repo.resolve("bench/target/lib"), "kafka-clients-")));
        classPaths.put("kafka-testkit", List.of(repo.resolve("bench/target/classes").toString(),
                repo.resolve("bench/kafka-testkit-classpath/target/lib/*").toString()));
        Map<String, String> probes = Map.of("wharf-junit", WharfStartProbe.class.getName(),
                "kafka-testkit", KafkaStartProbe.class.getName());

        Map<String, List<List<Sample>>> runs = new LinkedHashMap<>();
        classPaths.keySet().forEach(side -> runs.put(side, new ArrayList<>()));
        for (int j = 0; j < jvms; j++) {
            for (String side : classPaths.keySet()) {
                List<Sample> samples = runJvm(String.join(":", classPaths.get(side)), probes.get(side), starts);
                System.err.printf(Locale.ROOT, "%s JVM %d: %s%n", side, j + 1, samples.stream()
                        .map(s -> String.format(Locale.ROOT, "%.0f+%.0f ms", s.startMs(), s.firstAckMs()))
                        .collect(Collectors.joining(", ")));
                runs.get(side).add(samples);
            }
        }
        report(repo, runs, jvms, starts);
    }

    private static List<Sample> runJvm(String classPath, String probe, int starts) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", classPath, probe, Integer.toString(starts))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<Sample> samples = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                String[] f = line.trim().split(" ");
                if (f.length == 3 && f[0].equals("sample")) {
                    samples.add(new Sample(Double.parseDouble(f[1]), Double.parseDouble(f[2])));
                }
            }
        } finally {
            if (!p.waitFor(JVM_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (p.exitValue() != 0 || samples.size() != starts) {
            throw new IOException(probe + " exited " + p.exitValue() + " after " + samples.size() + " of " + starts + " starts");
        }
        return samples;
    }

    private static void report(Path repo, Map<String, List<List<Sample>>> runs, int jvms, int starts) throws IOException {
        StringBuilder json = new StringBuilder();
        json.append(String.format(Locale.ROOT, "{\n  \"jvms\": %d, \"starts_per_jvm\": %d, \"load_average\": \"%s\",%n",
                jvms, starts, loadAverage()));
        System.out.printf(Locale.ROOT, "%nstart to first acknowledged record (acks=all), medians: %d JVMs x %d starts%n",
                jvms, starts);
        System.out.printf(Locale.ROOT, "%-14s %12s %12s %12s %12s %12s %12s%n", "", "cold total", "cold start",
                "cold 1st ack", "warm total", "warm start", "warm 1st ack");
        List<String> sides = new ArrayList<>();
        for (Map.Entry<String, List<List<Sample>>> e : runs.entrySet()) {
            List<Sample> cold = e.getValue().stream().map(s -> s.get(0)).toList();
            List<Sample> warm = e.getValue().stream().flatMap(s -> s.subList(1, s.size()).stream()).toList();
            System.out.printf(Locale.ROOT, "%-14s %9.0f ms %9.0f ms %9.0f ms %9.0f ms %9.0f ms %9.0f ms%n", e.getKey(),
                    median(cold, Sample::totalMs), median(cold, Sample::startMs), median(cold, Sample::firstAckMs),
                    median(warm, Sample::totalMs), median(warm, Sample::startMs), median(warm, Sample::firstAckMs));
            sides.add(String.format(Locale.ROOT, "    \"%s\": {\"cold_total_ms\": %.1f, \"warm_total_ms\": %.1f, "
                    + "\"cold_start_ms\": %.1f, \"warm_start_ms\": %.1f, \"samples_start_and_first_ack_ms\": [%s]}",
                    e.getKey(), median(cold, Sample::totalMs), median(warm, Sample::totalMs), median(cold, Sample::startMs),
                    median(warm, Sample::startMs), e.getValue().stream().map(jvm -> jvm.stream()
                            .map(s -> String.format(Locale.ROOT, "[%.1f, %.1f]", s.startMs(), s.firstAckMs()))
                            .collect(Collectors.joining(", ", "[", "]"))).collect(Collectors.joining(", "))));
        }
        json.append("  \"brokers\": {\n").append(String.join(",\n", sides)).append("\n  }\n}\n");
        Path dir = repo.resolve("bench/target/results");
        Files.createDirectories(dir);
        String time = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path file = dir.resolve("embedded-start-" + time + ".json");
        Files.writeString(file, json);
        System.out.println("written: " + file);
    }

    private static double median(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> figure) {
        if (samples.isEmpty()) {
            return Double.NaN;
        }
        double[] v = samples.stream().mapToDouble(figure).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String jar(Path dir, String prefix) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix) && f.toString().endsWith(".jar")
                    && !f.toString().endsWith("-tests.jar")).map(Path::toString).findFirst()
                    .orElseThrow(() -> new IOException("no " + prefix + "*.jar in " + dir + "; build first"));
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        return options;
    }
}
