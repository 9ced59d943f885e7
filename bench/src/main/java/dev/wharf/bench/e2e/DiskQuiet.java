package dev.wharf.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Waits until the block devices have nothing in flight and write or discard nothing for a moment.
 * {@link DirtyPages} waits for the page cache's dirty pages only; the disk can stay busy after
 * that with what a workload deleted (this machine's disk is mounted with {@code discard}). The
 * one-broker run of 2026-12-06 19:18 started Wharf right after Kafka's recovery workload had
 * written 10 GiB and both had deleted their scale sets: the sendfile ceiling server, which has no
 * broker logic, then reached 0.73 of what it had reached in Kafka's half.
 */
final class DiskQuiet {
    private static final Path DISKSTATS = Path.of("/proc/diskstats");
    private static final Duration INTERVAL = Duration.ofMillis(500);
    /** Sectors written or discarded per interval that still count as quiet (1 MiB). */
    private static final long QUIET_SECTORS = 2048;

    private DiskQuiet() {
    }

    /** How long it waited, and whether it gave up at the bound. */
    record Waited(Duration took, boolean timedOut) {
        @Override
        public String toString() {
            return String.format("disk quiet after %.1f s%s", took.toMillis() / 1000.0, timedOut ? " (gave up waiting)" : "");
        }
    }

    /** Waits for a quiet interval, at most {@code bound}; where /proc/diskstats cannot be read, not at all. */
    static Waited await(Duration bound) throws IOException, InterruptedException {
        long start = System.nanoTime();
        if (!Files.isReadable(DISKSTATS)) {
            return new Waited(Duration.ZERO, false);
        }
        long[] before = totals(Files.readAllLines(DISKSTATS));
        while (System.nanoTime() - start < bound.toNanos()) {
            Thread.sleep(INTERVAL.toMillis());
            long[] now = totals(Files.readAllLines(DISKSTATS));
            if (now[1] == 0 && now[0] - before[0] <= QUIET_SECTORS) {
                return new Waited(Duration.ofNanos(System.nanoTime() - start), false);
            }
            before = now;
        }
        return new Waited(Duration.ofNanos(System.nanoTime() - start), true);
    }

    /**
     * From /proc/diskstats lines: the sectors written and discarded so far, and the I/Os in flight
     * now, summed over the devices that are not loop or RAM disks (a line without the discard
     * fields, from kernels before 4.18, counts its writes only).
     */
    static long[] totals(List<String> lines) {
        long sectors = 0;
        long inFlight = 0;
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 14 || f[2].startsWith("loop") || f[2].startsWith("ram") || f[2].startsWith("zram")) {
                continue;
            }
            sectors += Long.parseLong(f[9]);
            inFlight += Long.parseLong(f[11]);
            if (f.length >= 18) {
                sectors += Long.parseLong(f[16]);
            }
        }
        return new long[] {sectors, inFlight};
    }
}
