package dev.wharf.bench;

import dev.wharf.logstore.LogConfig;
import dev.wharf.logstore.LogManager;
import dev.wharf.logstore.TopicPartition;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What an idle partition costs: creates N empty partition logs (default 10,000) in a temporary log
 * dir, then reports heap, open file descriptors and memory mappings per partition, and how long a
 * clean restart of all of them takes. Run: {@code java -cp bench/target/benchmarks.jar
 * dev.wharf.bench.IdlePartitionFootprint [N]}.
 */
public final class IdlePartitionFootprint {
    private IdlePartitionFootprint() {}

    public static void main(String[] args) throws IOException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        Path dir = Files.createTempDirectory("wharf-footprint");
        try {
            long heapBefore = usedHeap();
            long fdsBefore = count("/proc/self/fd");
            long mapsBefore = lines("/proc/self/maps");
            LogManager manager = new LogManager(List.of(dir), LogConfig.DEFAULTS, 300_000, System::currentTimeMillis);
            manager.startup();
            long started = System.nanoTime();
            for (int p = 0; p < n; p++) {
                manager.getOrCreate(new TopicPartition("idle-" + (p / 100), p % 100));
            }
            double createSeconds = (System.nanoTime() - started) / 1e9;
            long heap = usedHeap() - heapBefore;
            long fds = count("/proc/self/fd") - fdsBefore;
            long maps = lines("/proc/self/maps") - mapsBefore;
            System.out.printf("%d idle partitions: created in %.1f s; heap %d bytes/partition, %.2f fds/partition,"
                    + " %.2f mappings/partition%n", n, createSeconds, heap / n, (double) fds / n, (double) maps / n);
            manager.close();
            System.out.printf("open files after close: %d%n", count("/proc/self/fd") - fdsBefore);
            LogManager reopened = new LogManager(List.of(dir), LogConfig.DEFAULTS, 300_000, System::currentTimeMillis);
            started = System.nanoTime();
            reopened.startup();
            System.out.printf("clean restart of %d partitions: %.1f s%n", reopened.all().size(),
                    (System.nanoTime() - started) / 1e9);
            reopened.close();
        } finally {
            BenchFiles.deleteRecursively(dir);
        }
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long count(String dir) throws IOException {
        try (Stream<Path> s = Files.list(Path.of(dir))) {
            return s.count();
        }
    }

    private static long lines(String file) throws IOException {
        try (Stream<String> s = Files.lines(Path.of(file))) {
            return s.count();
        }
    }
}
