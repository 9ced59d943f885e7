package dev.wharf.bench.e2e;

import dev.wharf.bench.e2e.Processes.JavaCommand;
import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The group workloads, {@code groups-classic} and {@code groups-consumer}: {@link GroupMembers}
 * in its own JVM, with one group protocol, on a topic of its own per sample. Figures: the time for
 * a settled group of 10 to settle again once an 11th member joins ({@code settle_ms}) and the
 * synchronous commits per second of a lone member ({@code commits_per_sec}).
 */
final class Groups {
    private static final Pattern SUMMARY = Pattern.compile(
            "group-members protocol=\\S+ initial_settle_ms=(\\d+) settle_ms=(\\d+) commits_per_s=([\\d.]+)");

    private Groups() {
    }

    static Map<Metric, Double> run(Workloads.Target t, Profile p, String name, String protocol, int sample) throws Exception {
        FeatureSizes sizes = FeatureSizes.of(p);
        // the members' own bound is below the harness's, so that a group that never settles says so in its log
        long memberTimeoutSeconds = Math.max(10, p.workloadTimeout().toSeconds() / 3);
        JavaCommand command = new JavaCommand(List.of("-Xms256m", "-Xmx256m"), t.harnessClasspath(), GroupMembers.class.getName(),
                List.of(t.bootstrap(), "bench-" + name + "-s" + sample, protocol, Integer.toString(sizes.groupMembers()),
                        Integer.toString(sizes.groupPartitions()), Integer.toString(sizes.commitSeconds()),
                        Long.toString(memberTimeoutSeconds)));
        String log = name + "-" + sample;
        Processes.Finished done = t.processes().run(command, t.logDir().resolve(log), p.workloadTimeout());
        Matcher m = SUMMARY.matcher(done.stdout());
        if (done.exitCode() != 0 || !m.find()) {
            throw new IOException("GroupMembers exited with " + done.exitCode() + ":\n" + done.stdout()
                    + Processes.tail(t.logDir().resolve(log + ".err"), 30));
        }
        Map<Metric, Double> r = new EnumMap<>(Metric.class);
        r.put(Metric.SETTLE_MS, Double.parseDouble(m.group(2)));
        r.put(Metric.COMMITS_PER_SEC, Double.parseDouble(m.group(3)));
        return r;
    }
}
