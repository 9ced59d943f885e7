package dev.wharf.compat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap and resident memory of a broker running as its own JVM, read from outside with the
 * JDK's {@code jstat -gc} (heap in use: survivor, eden and old generation) and
 * {@code /proc/<pid>/status} (VmRSS, which includes Netty's direct buffers). A sampler thread keeps
 * the maxima; {@link #afterFullGc()} asks the JVM for a full collection first, which is what tells
 * retained memory from garbage not yet collected. Thread-safe.
 */
final class BrokerHeap implements AutoCloseable {
    private final long pid;
    private final AtomicLong maxHeapKb = new AtomicLong();
    private final AtomicLong maxRssKb = new AtomicLong();
    private final Thread sampler;
    private volatile boolean sampling = true;

    BrokerHeap(long pid, long everyMs) {
        this.pid = pid;
        this.sampler = new Thread(() -> {
            while (sampling) {
                sample();
                try {
                    Thread.sleep(everyMs); // a sampling period, not synchronisation
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "broker-heap-sampler");
        sampler.setDaemon(true);
    }

    void start() {
        sampler.start();
    }

    private void sample() {
        long heap = heapUsedKb();
        long rss = rssKb();
        maxHeapKb.accumulateAndGet(heap, Math::max);
        maxRssKb.accumulateAndGet(rss, Math::max);
    }

    /** Heap in use after a full collection, in KiB. */
    long afterFullGc() {
        run("jcmd", Long.toString(pid), "GC.run");
        return heapUsedKb();
    }

    /** The classes holding most of the heap (after a full GC), for failure messages. */
    String histogram(int lines) {
        String[] all = run("jcmd", Long.toString(pid), "GC.class_histogram").split("\n");
        return String.join("\n", java.util.Arrays.copyOf(all, Math.min(all.length, lines)));
    }

    long maxHeapKb() {
        return maxHeapKb.get();
    }

    long maxRssKb() {
        return maxRssKb.get();
    }

    /** S0U + S1U + EU + OU of {@code jstat -gc}, or 0 when it could not be read. */
    long heapUsedKb() {
        String[] lines = run("jstat", "-gc", Long.toString(pid)).strip().split("\n");
        if (lines.length < 2) {
            return 0;
        }
        String[] names = lines[0].trim().split("\\s+");
        String[] values = lines[1].trim().split("\\s+");
        double kb = 0;
        for (int i = 0; i < names.length && i < values.length; i++) {
            if (names[i].equals("S0U") || names[i].equals("S1U") || names[i].equals("EU") || names[i].equals("OU")) {
                kb += Double.parseDouble(values[i]);
            }
        }
        return (long) kb;
    }

    long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) { // the broker is gone: nothing to sample
        }
        return 0;
    }

    private static String run(String tool, String... args) {
        String[] command = new String[args.length + 1];
        command[0] = Path.of(System.getProperty("java.home"), "bin", tool).toString();
        System.arraycopy(args, 0, command, 1, args.length);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "";
            }
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    @Override
    public void close() throws InterruptedException {
        sampling = false;
        sampler.interrupt();
        sampler.join(TimeUnit.SECONDS.toMillis(30));
    }
}
