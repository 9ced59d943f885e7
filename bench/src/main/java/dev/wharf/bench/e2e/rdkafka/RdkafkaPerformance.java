package dev.wharf.bench.e2e.rdkafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * librdkafka's own benchmark client, {@code rdkafka_performance} (built by
 * {@code bench/native/build-rdkafka-performance.sh}), run as a process and its summary parsed. A
 * C client with no JVM, garbage collector or per-record objects: it hides the broker less than
 * Kafka's Java tools do. Its consumer summary (librdkafka 2.0.2):
 * <pre>
 * % 200000 messages (204800000 bytes) consumed in 193ms: 1036269 msgs/s (1061.14 MB/s)
 * </pre>
 * timed from the first message received to the last (connection and metadata left out), bytes
 * being record values. Its producer summary:
 * <pre>
 * % 200000 messages produced (204800000 bytes), 200000 delivered (offset 0, 0 failed) in 412ms: 485436 msgs/s and 497.09 MB/s, 0 produce failures, 0 in queue, none compression
 * </pre>
 * timed from the first send to the last acknowledgement. Each run is bounded in time and killed, with any children, past it.
 */
public final class RdkafkaPerformance {
    private static final Pattern CONSUMED = Pattern.compile(
            "^% (\\d+) messages \\((\\d+) bytes\\) consumed in (\\d+)ms: (\\d+) msgs/s \\(([\\d.]+) MB/s\\)", Pattern.MULTILINE);
    private static final Pattern PRODUCED = Pattern.compile("^% (\\d+) messages produced \\((\\d+) bytes\\), (\\d+) delivered "
            + "\\(offset -?\\d+, (\\d+) failed\\) in (\\d+)ms: (\\d+) msgs/s and ([\\d.]+) MB/s", Pattern.MULTILINE);
    private static final Pattern CONSUME_ERROR = Pattern.compile("^% Consume error.*$", Pattern.MULTILINE);

    /** What one consumer run read, as it reported it. */
    public record Consumed(long records, long bytes, long millis, double recordsPerSec, double mbPerSec) {
    }

    private final Path binary;
    private final Path logDir;

    public RdkafkaPerformance(Path binary, Path logDir) {
        this.binary = binary;
        this.logDir = logDir;
    }

    /**
     * Reads partition {@code partition} of {@code topic} from the beginning without a group (a
     * plain consumer: Metadata, ListOffsets, then Fetch after Fetch) until {@code records} records
     * or the end of the partition, whichever comes first, with the tool's own settings otherwise.
     * Fails unless it read exactly {@code records} records without error.
     */
    public Consumed consume(String name, String bootstrap, String topic, int partition, long records, Duration timeout)
            throws IOException, InterruptedException {
        return consume(name, bootstrap, topic, partition, records, timeout, () -> null);
    }

    /** The same, stopped early (and failed) once {@code failure} returns an error, such as the server's it reads from. */
    public Consumed consume(String name, String bootstrap, String topic, int partition, long records, Duration timeout,
            Supplier<Throwable> failure) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-C", "-b", bootstrap, "-t", topic, "-p",
                Integer.toString(partition), "-o", "beginning", "-e", "-c", Long.toString(records),
                // one interval line a minute at most: the summary is what counts
                "-i", "60000"));
        String out = run(name, command, timeout, failure);
        Matcher m = CONSUMED.matcher(out);
        Consumed last = null;
        while (m.find()) {
            last = new Consumed(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                    Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)));
        }
        if (last == null) {
            throw new IOException("no summary from rdkafka_performance (" + name + "):\n" + tail(out));
        }
        Matcher error = CONSUME_ERROR.matcher(out);
        if (error.find()) {
            throw new IOException("rdkafka_performance (" + name + ") reported: " + error.group());
        }
        if (last.records() != records) {
            throw new IOException("rdkafka_performance (" + name + ") read " + last.records() + " of " + records + " records:\n" + tail(out));
        }
        return last;
    }

    /** What one producer run sent and had acknowledged. */
    public record Produced(long records, long delivered, long failed, long millis, double recordsPerSec, double mbPerSec) {
    }

    /**
     * Sends {@code records} records of {@code size} bytes to partition {@code partition} of
     * {@code topic} as fast as it can, with {@code acks} and the tool's settings otherwise, but for
     * {@code linger.ms}: the tool sets 1000, which holds the last, partial batch back a second
     * that its timing (to the last acknowledgement) counts; librdkafka's own default, 5 ms, is
     * used instead (at full rate batches fill before either). Fails unless every record was
     * acknowledged.
     */
    public Produced produce(String name, String bootstrap, String topic, int partition, long records, int size, String acks,
            Duration timeout) throws IOException, InterruptedException {
        String out = run(name, List.of(binary.toString(), "-P", "-b", bootstrap, "-t", topic, "-p", Integer.toString(partition), "-s",
                Integer.toString(size), "-a", acks, "-c", Long.toString(records), "-i", "60000", "-X", "linger.ms=5"), timeout, () -> null);
        Matcher m = PRODUCED.matcher(out);
        Produced last = null;
        while (m.find()) {
            last = new Produced(Long.parseLong(m.group(1)), Long.parseLong(m.group(3)), Long.parseLong(m.group(4)),
                    Long.parseLong(m.group(5)), Double.parseDouble(m.group(6)), Double.parseDouble(m.group(7)));
        }
        if (last == null) {
            throw new IOException("no summary from rdkafka_performance (" + name + "):\n" + tail(out));
        }
        if (last.delivered() != records || last.failed() != 0) {
            throw new IOException("rdkafka_performance (" + name + ") had " + last.delivered() + " of " + records + " records acknowledged, "
                    + last.failed() + " failed:\n" + tail(out));
        }
        return last;
    }

    private String run(String name, List<String> command, Duration timeout, Supplier<Throwable> failure)
            throws IOException, InterruptedException {
        Files.createDirectories(logDir);
        Path out = logDir.resolve(name + ".out");
        Path err = logDir.resolve(name + ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!process.waitFor(200, TimeUnit.MILLISECONDS)) {
                Throwable failed = failure.get();
                if (failed != null) {
                    throw new IOException("rdkafka_performance (" + name + ") stopped: " + failed, failed);
                }
                if (System.nanoTime() > deadline) {
                    break;
                }
            }
            if (process.isAlive()) {
                throw new IOException("rdkafka_performance (" + name + ") did not finish within " + timeout.toSeconds() + " s:\n"
                        + tail(Files.readString(out)) + tail(Files.readString(err)));
            }
            String stdout = Files.readString(out);
            if (process.exitValue() != 0) {
                throw new IOException("rdkafka_performance (" + name + ") exited with " + process.exitValue() + ":\n" + tail(stdout)
                        + tail(Files.readString(err)));
            }
            return stdout;
        } finally {
            if (process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static String tail(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())) + "\n";
    }
}
