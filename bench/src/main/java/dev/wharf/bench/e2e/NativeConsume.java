package dev.wharf.bench.e2e;

import dev.wharf.bench.e2e.Workloads.Target;
import dev.wharf.bench.e2e.ceiling.SendfileCeilingServer;
import dev.wharf.bench.e2e.rdkafka.NativeTools;
import dev.wharf.bench.e2e.rdkafka.RdkafkaPerformance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.stream.Stream;

/**
 * consume-1k-native: the topic consume-1k reads ({@code bench-1k}, partition 0), read from the
 * beginning to its end by librdkafka's {@code rdkafka_performance} (no group), which hides the
 * broker less than a JVM consumer does. Then, back to back in the same sample, the same client
 * reads the same files through {@link SendfileCeilingServer} (the broker idle meanwhile): the
 * fastest any broker could serve that client on this machine. Figures: the client's records/s and
 * MB/s, broker CPU s/GB over the broker's read, the ceiling's records/s and the broker's fraction
 * of it. Each read must deliver every record of the topic.
 */
final class NativeConsume {
    /** The workloads that run rdkafka_performance. */
    private static final Set<String> NEEDS_RDKAFKA = Set.of(Workloads.CONSUME_1K_NATIVE, Workloads.PRODUCE_1K_NATIVE);

    private NativeConsume() {
    }

    /** Builds rdkafka_performance (once; the script skips a built one) when a workload needs it. */
    static void prepareTools(Path repo, Path logDir, List<Workloads.Workload> workloads) throws InterruptedException {
        if (workloads.stream().anyMatch(w -> NEEDS_RDKAFKA.contains(w.name()))) {
            NativeTools.prepare(repo, logDir.resolve("build-rdkafka-performance.log"));
        }
    }

    static Map<Metric, Double> sample(Target t, Profile p, int sample) throws Exception {
        if (sample == 1) {
            Workloads.writeConsumedTopicIfMissing(t, p);
        }
        RdkafkaPerformance tool = new RdkafkaPerformance(NativeTools.rdkafkaPerformance(), t.logDir());
        String topic = Workloads.CONSUMED_TOPIC;
        long records = p.records1k();
        double cpu = t.stat().cpuSeconds();
        RdkafkaPerformance.Consumed fromBroker = tool.consume(Workloads.CONSUME_1K_NATIVE + "-" + sample, t.bootstrap(), topic, 0, records,
                p.workloadTimeout());
        double brokerCpu = t.stat().cpuSeconds() - cpu;
        RdkafkaPerformance.Consumed fromCeiling;
        try (SendfileCeilingServer ceiling = SendfileCeilingServer.start(topic, 0, partitionDir(t.data(), topic, 0))) {
            if (ceiling.records() != records) {
                throw new IOException("the ceiling server found " + ceiling.records() + " records in the files of " + topic + "-0, not " + records);
            }
            fromCeiling = tool.consume(Workloads.CONSUME_1K_NATIVE + "-ceiling-" + sample, "127.0.0.1:" + ceiling.port(), topic, 0, records,
                    p.workloadTimeout(), ceiling::failure);
            if (ceiling.failure() != null) {
                throw new IOException("the ceiling server failed: " + ceiling.failure(), ceiling.failure());
            }
        }
        Map<Metric, Double> m = new EnumMap<>(Metric.class);
        m.put(Metric.RECORDS_PER_SEC, fromBroker.recordsPerSec());
        m.put(Metric.MB_PER_SEC, fromBroker.recordsPerSec() * 1024 / 1e6);
        m.put(Metric.CPU_SECONDS_PER_GB, brokerCpu / (records * 1024 / 1e9));
        m.put(Metric.CEILING_RECORDS_PER_SEC, fromCeiling.recordsPerSec());
        m.put(Metric.FRACTION_OF_CEILING, fromBroker.recordsPerSec() / fromCeiling.recordsPerSec());
        return m;
    }

    /** {@code <log.dirs>/<topic>-<partition>}, the directory both brokers keep a partition's segments in. */
    static Path partitionDir(Path data, String topic, int partition) throws IOException {
        Path dir = data.resolve(topic + "-" + partition);
        if (Files.isDirectory(dir)) {
            return dir;
        }
        try (Stream<Path> listed = Files.list(data)) {
            throw new IOException("no directory " + dir.getFileName() + " in " + data + "; it holds " + listed.map(Path::getFileName).toList());
        }
    }
}
