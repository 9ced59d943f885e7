package dev.wharf.bench.e2e.rdkafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * being record values. Each run is bounded in time and killed, with any children, past it.
 */
public final class RdkafkaPerformance {
    private static final Pattern CONSUMED = Pattern.compile(
            "^% (\\d+) messages \\((\\d+) bytes\\) consumed in (\\d+)ms: (\\d+) msgs/s \\(([\\d.]+) MB/s\\)", Pattern.MULTILINE);
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
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-C", "-b", bootstrap, "-t", topic, "-p",
                Integer.toString(partition), "-o", "beginning", "-e", "-c", Long.toString(records),
                // one interval line a minute at most: the summary is what counts
                "-i", "60000"));
        String out = run(name, command, timeout);
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

    private String run(String name, List<String> command, Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(logDir);
        Path out = logDir.resolve(name + ".out");
        Path err = logDir.resolve(name + ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
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
