package dev.wharf.bench.e2e;

import dev.wharf.bench.e2e.Processes.JavaCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kafka's own load generators (org.apache.kafka:kafka-tools, version pinned in the root pom), each run in its own JVM on the
 * tools' own class path, and parsers for what they print. The formats are those of 4.3 and 4.4:
 * <pre>
 * ProducerPerformance:  N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency,
 *                       P50 ms 50th, P95 ms 95th, P99 ms 99th, P999 ms 99.9th.
 * ConsumerPerformance:  start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
 *                       rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec   (header, then one row)
 * EndToEndLatency:      Avg latency: A ms
 *                       Percentiles: 50th = P50, 99th = P99, 99.9th = P999     (whole milliseconds)
 * </pre>
 */
final class LoadTools {
    private static final Pattern PRODUCER_SUMMARY = Pattern.compile("^(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), "
            + "([\\d.]+) ms avg latency, ([\\d.]+) ms max latency, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th, (\\d+) ms 99\\.9th\\.",
            Pattern.MULTILINE);
    private static final Pattern E2E_AVG = Pattern.compile("^Avg latency: ([\\d.]+) ms", Pattern.MULTILINE);
    private static final Pattern E2E_PERCENTILES = Pattern.compile("^Percentiles: 50th = (\\d+), 99th = (\\d+), 99\\.9th = (\\d+)",
            Pattern.MULTILINE);
    private static final List<String> TOOL_JVM = List.of("-Xms512m", "-Xmx512m");

    private final Processes processes;
    private final Path lib;
    private final Path logDir;

    LoadTools(Processes processes, Path lib, Path logDir) {
        this.processes = processes;
        this.lib = lib;
        this.logDir = logDir;
    }

    /** The summary line of ProducerPerformance. Latencies are from send to acknowledgement. */
    record Produced(long records, double recordsPerSec, double avgMs, double p50Ms, double p99Ms, double p999Ms) {
    }

    /** ConsumerPerformance's row; the rates are the fetch phase's, without the group join. */
    record Consumed(long records, double recordsPerSec, double fetchSeconds) {
    }

    /** EndToEndLatency: one record in flight at a time, produce to consume. */
    record RoundTrips(double avgMs, double p50Ms, double p99Ms, double p999Ms) {
    }

    Produced produce(String name, Endpoint endpoint, String topic, long records, int recordSize, long throughput, String acks,
            Duration timeout) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(endpoint.toolArguments());
        args.addAll(List.of("--topic", topic, "--num-records", Long.toString(records), "--record-size", Integer.toString(recordSize),
                "--throughput", Long.toString(throughput), "--command-property", "acks=" + acks));
        String out = run(name, "org.apache.kafka.tools.ProducerPerformance", args, timeout);
        Matcher m = PRODUCER_SUMMARY.matcher(out);
        Produced last = null;
        while (m.find()) {
            last = new Produced(Long.parseLong(m.group(1)), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(4)),
                    Double.parseDouble(m.group(6)), Double.parseDouble(m.group(8)), Double.parseDouble(m.group(9)));
        }
        if (last == null) {
            throw new IOException("no summary from ProducerPerformance:\n" + out);
        }
        if (last.records() != records) {
            throw new IOException("ProducerPerformance sent " + last.records() + " of " + records + " records");
        }
        return last;
    }

    Consumed consume(String name, Endpoint endpoint, String topic, long records, Duration timeout) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(endpoint.toolArguments());
        args.addAll(List.of("--topic", topic, "--num-records", Long.toString(records), "--timeout", "30000", "--group", "bench-" + name));
        String out = run(name, "org.apache.kafka.tools.ConsumerPerformance", args, timeout);
        String[] lines = out.lines().toArray(String[]::new);
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith("start.time")) {
                String[] names = lines[i].split(",\\s*");
                String[] values = lines[i + 1].split(",\\s*");
                Map<String, String> row = new HashMap<>();
                for (int c = 0; c < Math.min(names.length, values.length); c++) {
                    row.put(names[c].trim(), values[c].trim());
                }
                long consumed = Long.parseLong(row.get("data.consumed.in.nMsg"));
                if (consumed < records) {
                    throw new IOException("ConsumerPerformance read " + consumed + " of " + records + " records:\n" + out);
                }
                String rate = row.containsKey("fetch.nMsg.sec") ? "fetch.nMsg.sec" : "nMsg.sec";
                double seconds = row.containsKey("fetch.time.ms") ? Double.parseDouble(row.get("fetch.time.ms")) / 1000 : Double.NaN;
                return new Consumed(consumed, Double.parseDouble(row.get(rate)), seconds);
            }
        }
        throw new IOException("no result row from ConsumerPerformance:\n" + out);
    }

    RoundTrips roundTrips(String name, String bootstrap, String topic, long records, int recordSize, Duration timeout)
            throws IOException, InterruptedException {
        String out = run(name, "org.apache.kafka.tools.EndToEndLatency", List.of("--bootstrap-server", bootstrap, "--topic", topic,
                "--num-records", Long.toString(records), "--producer-acks", "1", "--record-size", Integer.toString(recordSize)), timeout);
        Matcher avg = E2E_AVG.matcher(out);
        Matcher p = E2E_PERCENTILES.matcher(out);
        if (!avg.find() || !p.find()) {
            throw new IOException("no result from EndToEndLatency:\n" + out);
        }
        return new RoundTrips(Double.parseDouble(avg.group(1)), Double.parseDouble(p.group(1)), Double.parseDouble(p.group(2)),
                Double.parseDouble(p.group(3)));
    }

    private String run(String name, String mainClass, List<String> args, Duration timeout) throws IOException, InterruptedException {
        Processes.Finished done = processes.run(new JavaCommand(TOOL_JVM, lib + "/*", mainClass, args), logDir.resolve(name), timeout);
        if (done.exitCode() != 0) {
            throw new IOException(mainClass + " exited with " + done.exitCode() + ":\n" + done.stdout()
                    + Processes.tail(logDir.resolve(name + ".err"), 20));
        }
        return done.stdout();
    }
}
