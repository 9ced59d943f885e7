package dev.wharf.bench.e2e.rdkafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The native load tool a run needs, built once per run before the brokers start: runs
 * {@code bench/native/build-rdkafka-performance.sh} (which does nothing when the binary is there)
 * and remembers where the binary is, or why it could not be built, so that the native workloads
 * fail with the script's own message rather than being skipped.
 */
public final class NativeTools {
    private static final long BUILD_BOUND_MINUTES = 10;
    private static volatile Path binary;
    private static volatile String whyMissing = "the native tools were not prepared (SideBySide prepares them when a native workload runs)";

    private NativeTools() {
    }

    /** Builds rdkafka_performance if needed, with the script in {@code repo}; its output goes to {@code log}. */
    public static void prepare(Path repo, Path log) throws InterruptedException {
        Path script = repo.resolve("bench/native/build-rdkafka-performance.sh");
        Path built = repo.resolve("bench/target/native/rdkafka_performance");
        try {
            Files.createDirectories(log.getParent());
            Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(BUILD_BOUND_MINUTES, TimeUnit.MINUTES)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                whyMissing = script + " did not finish within " + BUILD_BOUND_MINUTES + " minutes; see " + log;
            } else if (p.exitValue() != 0 || !Files.isExecutable(built)) {
                whyMissing = script + " failed (exit " + p.exitValue() + "): " + lastLines(log);
            } else {
                binary = built;
            }
        } catch (IOException e) {
            whyMissing = "could not run " + script + ": " + e;
        }
    }

    /** The built rdkafka_performance; fails with the reason it is missing. */
    public static Path rdkafkaPerformance() throws IOException {
        Path b = binary;
        if (b == null) {
            throw new IOException(whyMissing);
        }
        return b;
    }

    private static String lastLines(Path log) {
        try {
            var lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
