package dev.wharf.bench.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A broker's Java heap in use, sampled from outside while a workload runs: the JDK's {@code jstat
 * -gc <pid> <interval>} (one JVM for the whole run, reading the broker's hsperfdata, so the
 * broker does no work for it), whose lines give each space's used KiB; heap used is survivor 0
 * and 1, eden and old ({@code S0U + S1U + EU + OU}). Under G1, used includes garbage not yet
 * collected, so the peak says how far the heap was filled, not what was live. Works for any JVM
 * of the same user that keeps its perf data (both brokers do).
 */
final class HeapSampler implements AutoCloseable {
    private static final List<String> USED = List.of("S0U", "S1U", "EU", "OU");

    private final Process jstat;
    private final Thread reader;
    private volatile double peakKiB = Double.NaN;
    private volatile double lastKiB = Double.NaN;

    private HeapSampler(Process jstat) {
        this.jstat = jstat;
        this.reader = new Thread(this::read, "heap-sampler");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts sampling the JVM {@code pid} every {@code intervalMs}. */
    static HeapSampler start(long pid, int intervalMs) throws IOException {
        String jstat = Path.of(System.getProperty("java.home"), "bin", "jstat").toString();
        return new HeapSampler(new ProcessBuilder(jstat, "-gc", Long.toString(pid), Integer.toString(intervalMs))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start());
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(jstat.getInputStream(), StandardCharsets.US_ASCII))) {
            int[] columns = null;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                List<String> fields = Arrays.asList(line.trim().split("\\s+"));
                if (fields.contains("EU")) {
                    columns = USED.stream().mapToInt(fields::indexOf).toArray();
                } else if (columns != null) {
                    double used = 0;
                    for (int c : columns) {
                        used += Double.parseDouble(fields.get(c));
                    }
                    lastKiB = used;
                    peakKiB = Double.isNaN(peakKiB) ? used : Math.max(peakKiB, used);
                }
            }
        } catch (IOException | RuntimeException e) {
            // jstat went away (close) or printed something unexpected: the figures so far stand
        }
    }

    /** Waits (at most {@code timeout}) until jstat has printed its first sample. */
    void awaitFirstSample(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (Double.isNaN(lastKiB) && reader.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** The highest heap use sampled so far, in MiB (NaN before the first sample). */
    double peakMiB() {
        return peakKiB / 1024;
    }

    /** The latest sample, in MiB. */
    double lastMiB() {
        return lastKiB / 1024;
    }

    /** Stops jstat (ours, by its handle) and its reader. */
    @Override
    public void close() throws InterruptedException {
        jstat.destroy();
        if (!jstat.waitFor(10, TimeUnit.SECONDS)) {
            jstat.destroyForcibly();
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
    }
}
