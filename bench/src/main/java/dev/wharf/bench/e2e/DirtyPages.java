package dev.wharf.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Lets the kernel finish writing back what the previous workload wrote before the next one is
 * measured. Neither broker fsyncs, so a workload that writes gigabytes leaves them dirty in the
 * page cache, and the kernel writes them out over the following seconds, on the same two cores.
 * Without this, each workload pays for its predecessor's writes, and more so after the faster
 * broker (less time passed while it wrote the same bytes).
 */
final class DirtyPages {
    private static final Path MEMINFO = Path.of("/proc/meminfo");

    private DirtyPages() {
    }

    /** What was waiting to be written, and how long {@code sync} took to write it. */
    record Settled(long dirtyKiB, Duration took, boolean timedOut) {
        @Override
        public String toString() {
            return String.format("%,d MiB dirty written back in %.1f s%s", dirtyKiB / 1024, took.toMillis() / 1000.0,
                    timedOut ? " (gave up waiting)" : "");
        }
    }

    /** Runs {@code sync}, waiting at most {@code bound}; a slower disk only costs the measurement its quiet start. */
    static Settled settle(Duration bound) throws IOException, InterruptedException {
        long dirty = dirtyKiB();
        long start = System.nanoTime();
        Process sync = new ProcessBuilder("sync").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        boolean done = sync.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
        if (!done) {
            sync.destroyForcibly(); // the writeback it started goes on regardless
        }
        return new Settled(dirty, Duration.ofNanos(System.nanoTime() - start), !done);
    }

    /** Dirty plus under-writeback memory, in KiB, from /proc/meminfo (0 where it cannot be read). */
    static long dirtyKiB() throws IOException {
        if (!Files.isReadable(MEMINFO)) {
            return 0;
        }
        long kib = 0;
        for (String line : Files.readAllLines(MEMINFO)) {
            if (line.startsWith("Dirty:") || line.startsWith("Writeback:")) {
                kib += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return kib;
    }
}
