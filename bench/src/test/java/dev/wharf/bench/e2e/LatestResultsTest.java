package dev.wharf.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.wharf.bench.e2e.Report.BrokerRun;
import dev.wharf.bench.e2e.Workloads.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * latest.json holds the newest figure of every workload: a cluster run written after a one-broker
 * run keeps the one-broker figures (and the whole-run ones), and a later one-broker run keeps the
 * cluster figures.
 */
class LatestResultsTest {
    private static final Workloads.Run NEVER = (t, s) -> Map.of();

    @Test
    void eachRunReplacesItsOwnWorkloadsAndKeepsTheOthers(@TempDir Path dir) throws IOException {
        Report oneBroker = report(Instant.parse("2026-12-06T16:00:00Z"), Workloads.PRODUCE_1K_ACKS_1, Metric.RECORDS_PER_SEC, 100, 250);
        oneBroker.kafka.putSampled(Report.BROKER_ROW, List.of(Map.of(Metric.STARTUP_TO_FIRST_RECORD_MS, 4000.0),
                Map.of(Metric.STARTUP_TO_FIRST_RECORD_MS, 4200.0), Map.of(Metric.STARTUP_TO_FIRST_RECORD_MS, 4400.0)));
        oneBroker.wharf.overall.put(Metric.STARTUP_TO_FIRST_RECORD_MS, 900.0);
        Path latest = dir.resolve("latest.json");
        Files.writeString(latest, oneBroker.json());

        Report cluster = report(Instant.parse("2026-12-06T17:00:00Z"), ClusterWorkloads.FAILOVER, Metric.UNAVAILABLE_MS, 6000, 700);
        cluster.wharf.overall.put(Metric.STARTUP_TO_FIRST_RECORD_MS, 5.0); // a cluster run's own starts do not count
        Report merged = LatestResults.mergeWithPrevious(latest, cluster);
        Files.writeString(latest, merged.json());
        Report back = LatestResults.read(latest);

        assertEquals(List.of(Workloads.PRODUCE_1K_ACKS_1, ClusterWorkloads.FAILOVER), back.workloads.stream().map(Workload::name).toList());
        assertEquals(250.0, back.wharf.get(Workloads.PRODUCE_1K_ACKS_1, Metric.RECORDS_PER_SEC));
        assertEquals(700.0, back.wharf.get(ClusterWorkloads.FAILOVER, Metric.UNAVAILABLE_MS));
        assertEquals(6000.0, back.kafka.get(ClusterWorkloads.FAILOVER, Metric.UNAVAILABLE_MS));
        assertEquals(900.0, back.wharf.get(Report.BROKER_ROW, Metric.STARTUP_TO_FIRST_RECORD_MS));
        assertEquals(4200.0, back.kafka.get(Report.BROKER_ROW, Metric.STARTUP_TO_FIRST_RECORD_MS));
        assertEquals(List.of(4000.0, 4200.0, 4400.0), back.kafka.samples.get(Report.BROKER_ROW).get(Metric.STARTUP_TO_FIRST_RECORD_MS));
        assertEquals(List.of(List.of(Workloads.PRODUCE_1K_ACKS_1), List.of(ClusterWorkloads.FAILOVER)),
                back.runParts().stream().map(Report.RunPart::workloads).toList());
        assertEquals(Instant.parse("2026-12-06T16:00:00Z"), back.started);

        // a new one-broker run replaces its rows and the whole-run figures, and keeps the cluster's
        Report again = report(Instant.parse("2026-12-06T18:00:00Z"), Workloads.PRODUCE_1K_ACKS_1, Metric.RECORDS_PER_SEC, 110, 300);
        again.wharf.overall.put(Metric.STARTUP_TO_FIRST_RECORD_MS, 800.0);
        Report third = LatestResults.mergeWithPrevious(latest, again);
        assertEquals(300.0, third.wharf.get(Workloads.PRODUCE_1K_ACKS_1, Metric.RECORDS_PER_SEC));
        assertEquals(700.0, third.wharf.get(ClusterWorkloads.FAILOVER, Metric.UNAVAILABLE_MS));
        assertEquals(800.0, third.wharf.get(Report.BROKER_ROW, Metric.STARTUP_TO_FIRST_RECORD_MS));
        assertNull(third.kafka.get(Report.BROKER_ROW, Metric.STARTUP_TO_FIRST_RECORD_MS));
        assertEquals(List.of(Instant.parse("2026-12-06T17:00:00Z"), Instant.parse("2026-12-06T18:00:00Z")),
                third.runParts().stream().map(Report.RunPart::started).toList());
        assertEquals(2, third.rows().stream().filter(r -> !r.workload().equals(Report.BROKER_ROW)).count());
    }

    private static Report report(Instant started, String workload, Metric metric, double kafka, double wharf) {
        BrokerRun k = new BrokerRun("kafka", "Apache Kafka 4.4.0");
        BrokerRun w = new BrokerRun("wharf", "Wharf");
        k.putSampled(workload, List.of(Map.of(metric, kafka)));
        w.putSampled(workload, List.of(Map.of(metric, wharf)));
        return new Report(Profile.named("full"), started, Duration.ofMinutes(40), Map.of("summary", "test", "load_at_start", "0.1"),
                List.of(new Workload(workload, "what " + workload + " does", NEVER)), k, w);
    }
}
