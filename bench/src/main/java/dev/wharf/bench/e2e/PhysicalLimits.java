package dev.wharf.bench.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wharf.bench.e2e.Report.BrokerRun;
import dev.wharf.bench.e2e.Workloads.Workload;
import dev.wharf.bench.e2e.limits.DiskWrite;
import dev.wharf.bench.e2e.limits.LoopbackSendfile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What this machine can do at best, measured once per run before the brokers start, and each
 * throughput workload's MB/s as a fraction of the limit that bounds it: loopback TCP with sendfile
 * ({@link LoopbackSendfile}) for the consume workloads, the sequential write bandwidth of the disk
 * the logs are on ({@link DiskWrite}, in the run's work directory) for the produce workloads.
 * Measured in every profile but {@code tiny} (its time in {@code mvn verify} is spoken for), and
 * only when the run has a produce or consume workload.
 */
final class PhysicalLimits {
    private static final Duration SETTLE_BOUND = Duration.ofSeconds(60);

    /** The limits measured, and how. */
    record Measured(double loopbackSendfileMBps, double diskWriteMBps, Path diskDir, NativeSizes sizes) {
    }

    /** One throughput workload's MB/s over its limit, per broker. */
    record Fraction(String workload, String limit, Double kafka, Double wharf) {
    }

    private PhysicalLimits() {
    }

    static Optional<Measured> measureIfUseful(Profile p, List<Workload> workloads, Path work) throws IOException, InterruptedException {
        if (p.name().equals("tiny") || workloads.stream().noneMatch(w -> limitOf(w.name()) != null)) {
            return Optional.empty();
        }
        NativeSizes sizes = NativeSizes.of(p);
        DirtyPages.settle(SETTLE_BOUND);
        double loopback = LoopbackSendfile.measure(work, sizes.loopbackBytes(), Duration.ofSeconds(sizes.loopbackSeconds()));
        DirtyPages.settle(SETTLE_BOUND);
        double disk = DiskWrite.measure(work, sizes.diskBytes());
        // the disk's write-back of the deleted file is over with the fsync; nothing is left dirty
        System.out.printf(Locale.ROOT, "[side-by-side] physical limits: loopback sendfile %.0f MB/s, disk write %.0f MB/s (%s)%n",
                loopback, disk, work);
        return Optional.of(new Measured(loopback, disk, work, sizes));
    }

    /** "disk write" for workloads that produce, "loopback sendfile" for those that consume, else null. */
    private static String limitOf(String workload) {
        return workload.startsWith("consume") ? "loopback sendfile" : workload.startsWith("produce") ? "disk write" : null;
    }

    static List<Fraction> fractions(Report report) {
        List<Fraction> rows = new ArrayList<>();
        if (report.limits == null) {
            return rows;
        }
        for (Workload w : report.workloads) {
            String limit = limitOf(w.name());
            if (limit != null) {
                double of = limit.equals("disk write") ? report.limits.diskWriteMBps() : report.limits.loopbackSendfileMBps();
                rows.add(new Fraction(w.name(), limit, fraction(report.kafka, w.name(), of), fraction(report.wharf, w.name(), of)));
            }
        }
        return rows;
    }

    private static Double fraction(BrokerRun run, String workload, double limit) {
        Double mbps = run.get(workload, Metric.MB_PER_SEC);
        return mbps == null || limit <= 0 ? null : mbps / limit;
    }

    /** The section of the text table, or "" without limits. */
    static String table(Report report) {
        Measured m = report.limits;
        if (m == null) {
            return "";
        }
        StringBuilder b = new StringBuilder("\nPhysical limits of this machine (measured before the brokers started):\n");
        b.append(String.format(Locale.ROOT, "  %-28s %10s MB/s  (a 256 MiB cached file sent over and over, up to %d MiB or %d s)%n",
                "loopback TCP with sendfile", Report.number(m.loopbackSendfileMBps()), m.sizes().loopbackBytes() >> 20, m.sizes().loopbackSeconds()));
        b.append(String.format(Locale.ROOT, "  %-28s %10s MB/s  (%d MiB in 1 MiB writes, then fsync, in the work directory)%n",
                "sequential disk write", Report.number(m.diskWriteMBps()), m.sizes().diskBytes() >> 20));
        List<Fraction> rows = fractions(report);
        if (!rows.isEmpty()) {
            b.append("Throughput as a fraction of the limit that bounds it (workload MB/s / limit MB/s):\n");
            String format = "  %-20s %-20s %8s %8s%n";
            b.append(String.format(format, "workload", "limit", "Kafka", "Wharf"));
            for (Fraction f : rows) {
                b.append(String.format(format, f.workload(), f.limit(), Report.number(f.kafka()), Report.number(f.wharf())));
            }
        }
        return b.toString();
    }

    /** {@code limits} and {@code fraction_of_limit} in the JSON, when measured. */
    static void json(Report report, ObjectNode root) {
        Measured m = report.limits;
        if (m == null) {
            return;
        }
        ObjectNode limits = root.putObject("limits");
        limits.put("loopback_sendfile_mb_per_sec", m.loopbackSendfileMBps());
        limits.put("disk_write_mb_per_sec", m.diskWriteMBps());
        limits.put("loopback_max_bytes", m.sizes().loopbackBytes());
        limits.put("loopback_max_seconds", m.sizes().loopbackSeconds());
        limits.put("disk_write_bytes", m.sizes().diskBytes());
        limits.put("disk_dir", m.diskDir().toString());
        ObjectNode fractions = root.putObject("fraction_of_limit");
        for (Fraction f : fractions(report)) {
            ObjectNode w = fractions.putObject(f.workload());
            w.put("limit", f.limit().replace(' ', '_'));
            w.put("kafka", f.kafka());
            w.put("wharf", f.wharf());
        }
    }
}
