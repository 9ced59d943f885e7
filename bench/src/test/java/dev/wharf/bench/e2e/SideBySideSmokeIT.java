package dev.wharf.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The harness in its tiny profile, against both real brokers, so that bench/run.sh cannot rot. */
class SideBySideSmokeIT {
    private static final Path REPO = Path.of(System.getProperty("wharf.bench.repo", "..")).toAbsolutePath().normalize();

    // both brokers run every tiny workload, and the table, JSON and chart carry both brokers' figures
    @Test
    @Timeout(240)
    void tinyRunReportsBothBrokers() throws Exception {
        Path target = REPO.resolve("bench/target");
        SideBySide.Options options = new SideBySide.Options(Profile.named("tiny"), REPO, target.resolve("it-results"),
                target.resolve("it-work"));

        SideBySide.Outcome outcome = SideBySide.run(options);

        Report report = outcome.report();
        String table = report.table();
        assertTrue(outcome.complete(), "failures:\n" + table + report.kafka.errors + report.wharf.errors);
        for (Report.Row row : report.rows()) {
            assertNotNull(row.kafka(), "Kafka's " + row.metric() + " in " + row.workload());
            assertNotNull(row.wharf(), "Wharf's " + row.metric() + " in " + row.workload());
        }
        assertTrue(table.contains("Wharf/Kafka") && table.contains(Workloads.PRODUCE_1K_ACKS_1), table);

        JsonNode json = new ObjectMapper().readTree(Files.readString(outcome.json()));
        assertEquals("tiny", json.get("profile").asText());
        for (String workload : Profile.named("tiny").workloads()) {
            JsonNode w = findWorkload(json, workload);
            for (String broker : new String[] {"kafka", "wharf"}) {
                assertTrue(w.get(broker).size() > 0, broker + " has no figures for " + workload);
            }
        }
        JsonNode produced = findWorkload(json, Workloads.PRODUCE_1K_ACKS_1);
        assertTrue(produced.get("kafka").get("records_per_sec").asDouble() > 0);
        assertTrue(produced.get("wharf").get("records_per_sec").asDouble() > 0);
        assertTrue(json.get("brokers").get("wharf").get("startup_to_first_record_ms").asDouble() > 0);
        // produce is sampled twice in the tiny profile: the second sample's topic is written, deleted and its files waited out
        for (String broker : new String[] {"kafka", "wharf"}) {
            JsonNode producedSamples = json.get("brokers").get(broker).get("samples").get(Workloads.PRODUCE_1K_ACKS_1);
            assertEquals(2, producedSamples.get("records_per_sec").size(), broker + "'s produce samples");
        }
        assertTrue(json.get("rows").size() > 0 && json.get("rows").get(0).has("ratio"));
        // consume-1k-tls read the topic over both brokers' TLS listener, and each broker's TLS/plaintext ratios are there
        JsonNode tlsCost = json.get("tls_cost");
        assertEquals(2, tlsCost.size(), "consume-1k-tls / consume-1k: records/s and CPU s/GB");
        for (JsonNode ratio : tlsCost) {
            assertTrue(ratio.get("kafka").asDouble() > 0 && ratio.get("wharf").asDouble() > 0, ratio.toString());
        }
        assertTrue(table.contains("TLS beside plaintext"), table);
        assertTrue(Files.readString(outcome.svg()).startsWith("<svg"));
        assertTrue(Files.exists(options.results().resolve("latest.json")));

        try (var leftovers = Files.list(options.work())) {
            assertEquals(0, leftovers.filter(p -> !p.getFileName().toString().equals("logs")).count(), "broker data left behind");
        }
        // ~90 s here, ~20 s of it Kafka's first topic deletion (its deleter first runs 30 s after start-up), plus some 15 s
        // for consume-1k-tls (a key store, two more tool JVMs per broker); the bound keeps the tiny profile tiny, with
        // room for a busy machine (185 s seen at load 10-14)
        assertTrue(report.took.compareTo(Duration.ofSeconds(210)) < 0, "tiny run took " + report.took);
    }

    private static JsonNode findWorkload(JsonNode json, String name) {
        for (JsonNode w : json.get("workloads")) {
            if (w.get("name").asText().equals(name)) {
                return w;
            }
        }
        throw new AssertionError("no workload " + name + " in the JSON");
    }
}
