package dev.wharf.bench.e2e;

import dev.wharf.bench.e2e.Workloads.Target;
import dev.wharf.bench.e2e.rdkafka.NativeTools;
import dev.wharf.bench.e2e.rdkafka.RdkafkaPerformance;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * produce-1k-native: librdkafka's {@code rdkafka_performance -P} sends the profile's
 * {@code records1k} records of 1 KiB at its maximum rate with {@code acks=1} to a new
 * one-partition topic of the sample's own (created first, deleted afterwards with its files, like
 * the later produce samples); records/s and MB/s as the tool reports them (first send to last
 * acknowledgement, every record acknowledged), broker CPU s/GB over the run.
 */
final class NativeProduce {
    private static final int KIB = 1024;

    private NativeProduce() {
    }

    static Map<Metric, Double> sample(Target t, Profile p, int sample) throws Exception {
        String topic = "bench-1k-native-s" + sample;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, t.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(p.workloadTimeout().toSeconds(), TimeUnit.SECONDS);
        }
        RdkafkaPerformance tool = new RdkafkaPerformance(NativeTools.rdkafkaPerformance(), t.logDir());
        double cpu = t.stat().cpuSeconds();
        RdkafkaPerformance.Produced produced = tool.produce(Workloads.PRODUCE_1K_NATIVE + "-" + sample, t.bootstrap(), topic, 0, p.records1k(),
                KIB, "1", p.workloadTimeout());
        double brokerCpu = t.stat().cpuSeconds() - cpu;
        Map<Metric, Double> m = new EnumMap<>(Metric.class);
        m.put(Metric.RECORDS_PER_SEC, produced.recordsPerSec());
        m.put(Metric.MB_PER_SEC, produced.recordsPerSec() * KIB / 1e6);
        m.put(Metric.CPU_SECONDS_PER_GB, brokerCpu / (p.records1k() * (double) KIB / 1e9));
        Workloads.dropTopic(t, topic, p);
        return m;
    }
}
