package dev.wharf.bench.e2e;

import dev.wharf.bench.e2e.Processes.JavaCommand;
import dev.wharf.bench.e2e.Workloads.Target;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * consume-1k-warm: {@link WarmConsumer} in a JVM of its own (the load tools' {@code -Xmx512m})
 * reads the consume-1k topic from the beginning {@link NativeSizes#warmPasses()} times; the last
 * {@link NativeSizes#warmMeasured()} passes count. Figures: the median of their records/s (and
 * MB/s), and the broker's CPU over them per GB read. Every pass must read every record.
 */
final class WarmConsume {
    private static final Pattern PASS = Pattern.compile("^pass=(\\d+) records=(\\d+) seconds=([\\d.]+) broker_cpu_seconds=([\\d.]+)",
            Pattern.MULTILINE);

    private WarmConsume() {
    }

    static Map<Metric, Double> run(Target t, Profile p) throws Exception {
        Workloads.writeConsumedTopicIfMissing(t, p);
        NativeSizes sizes = NativeSizes.of(p);
        JavaCommand command = new JavaCommand(List.of("-Xms512m", "-Xmx512m"), t.harnessClasspath(), WarmConsumer.class.getName(),
                List.of(t.bootstrap(), Workloads.CONSUMED_TOPIC, "0", Integer.toString(sizes.warmPasses()), Long.toString(t.stat().pid()),
                        Long.toString(p.workloadTimeout().toSeconds() - 10)));
        String log = Workloads.CONSUME_1K_WARM;
        Processes.Finished done = t.processes().run(command, t.logDir().resolve(log), p.workloadTimeout());
        if (done.exitCode() != 0) {
            throw new IOException("WarmConsumer exited with " + done.exitCode() + ":\n" + done.stdout()
                    + Processes.tail(t.logDir().resolve(log + ".err"), 20));
        }
        List<Double> rates = new ArrayList<>();
        double cpu = 0;
        long read = 0;
        Matcher m = PASS.matcher(done.stdout());
        int passes = 0;
        while (m.find()) {
            passes++;
            long records = Long.parseLong(m.group(2));
            if (records != p.records1k()) {
                throw new IOException("WarmConsumer pass " + m.group(1) + " read " + records + " of " + p.records1k() + " records");
            }
            if (Integer.parseInt(m.group(1)) > sizes.warmPasses() - sizes.warmMeasured()) {
                rates.add(records / Double.parseDouble(m.group(3)));
                cpu += Double.parseDouble(m.group(4));
                read += records;
            }
        }
        if (passes != sizes.warmPasses()) {
            throw new IOException("WarmConsumer reported " + passes + " of " + sizes.warmPasses() + " passes:\n" + done.stdout());
        }
        double rate = Report.median(rates);
        Map<Metric, Double> r = new EnumMap<>(Metric.class);
        r.put(Metric.RECORDS_PER_SEC, rate);
        r.put(Metric.MB_PER_SEC, rate * 1024 / 1e6);
        r.put(Metric.CPU_SECONDS_PER_GB, cpu / (read * 1024 / 1e9));
        return r;
    }
}
