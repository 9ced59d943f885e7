package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry on a cluster of three broker processes, {@code _schemas} on all three: one broker
 * writes, the others forward changes to it and answer reads from their own replica (a client
 * reading where it just wrote sees its change). The writer is killed: another takes over, every
 * acknowledged schema keeps its id, and new ids never reuse one.
 */
@Exercises({ApiKeys.METADATA, ApiKeys.CREATE_TOPICS})
class SchemaRegistryClusterIT {
    private static final Duration FAILOVER = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static String record(String name) {
        return "{\"type\":\"record\",\"name\":\"" + name + "\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}";
    }

    @Test
    void writesAreForwardedToTheWriterAndIdsSurviveItsLoss() throws Exception {
        Map<Integer, String> urls = new HashMap<>();
        for (int id = 1; id <= 3; id++) {
            urls.put(id, "http://127.0.0.1:" + RegistryClient.freePort());
        }
        try (Cluster cluster = Cluster.start(dir, 3, Map.of("replica.fetch.wait.max.ms", "100"),
                id -> Map.of("schema.registry.listeners", urls.get(id)))) {
            Map<Integer, RegistryClient> registries = new HashMap<>();
            urls.forEach((id, url) -> registries.put(id, new RegistryClient(url)));

            // the first change creates _schemas; until its leader is elected and announced, a change may answer 50004
            await().atMost(FAILOVER).until(() -> registries.get(1).post("/subjects/first/versions",
                    RegistryClient.avro(record("First"))).status() == 200);
            Map<String, Integer> acknowledged = new HashMap<>();
            acknowledged.put("first", registries.get(1).get("/subjects/first/versions/1").json().get("id").asInt());

            int schemasLeader = cluster.awaitLeader("_schemas", 0, FAILOVER);
            for (int id = 1; id <= 3; id++) {
                String subject = "from-broker-" + id;
                int registered = registries.get(id).register(subject, record("R" + id));
                acknowledged.put(subject, registered);
                // read where it was written, at once: the forwarding broker waited for its own copy
                assertEquals(record("R" + id).replace(" ", ""), registries.get(id).get("/schemas/ids/" + registered).json()
                        .get("schema").asText(), "broker " + id + (id == schemasLeader ? " (the writer)" : " (forwarded)"));
            }
            // two followers registering the same schema at once get one id
            List<CompletableFuture<Integer>> racing = new ArrayList<>();
            for (int id : List.of(1, 2, 3)) {
                if (id != schemasLeader) {
                    racing.add(CompletableFuture.supplyAsync(() -> registerQuietly(registries.get(id), "shared", record("Shared"))));
                }
            }
            assertEquals(1, racing.stream().map(CompletableFuture::join).distinct().count(), "one id for one schema");
            acknowledged.put("shared", racing.get(0).join());
            for (RegistryClient r : registries.values()) {
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(acknowledged.size(),
                        r.get("/subjects").json().size(), "every broker's copy lists every subject"));
            }

            cluster.broker(schemasLeader).sigkill();
            List<Integer> survivors = new ArrayList<>(List.of(1, 2, 3));
            survivors.remove(Integer.valueOf(schemasLeader));
            int newLeader = cluster.awaitLeader("_schemas", 0, FAILOVER);
            assertNotEquals(schemasLeader, newLeader);
            RegistryClient follower = registries.get(survivors.get(0) == newLeader ? survivors.get(1) : survivors.get(0));
            await().atMost(FAILOVER).until(() -> follower.post("/subjects/after-failover/versions",
                    RegistryClient.avro(record("After"))).status() == 200);
            int after = follower.get("/subjects/after-failover/versions/1").json().get("id").asInt();
            assertTrue(acknowledged.values().stream().allMatch(id -> id < after), "a new id after " + acknowledged + ": " + after);
            for (int id : survivors) {
                RegistryClient r = registries.get(id);
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(acknowledged.size() + 1,
                        r.get("/subjects").json().size()));
                for (Map.Entry<String, Integer> e : acknowledged.entrySet()) {
                    assertEquals(e.getValue().intValue(), r.get("/subjects/" + e.getKey() + "/versions/latest").json().get("id").asInt(),
                            e.getKey() + " on broker " + id);
                }
                assertEquals(after, r.register("after-failover", record("After")), "the same schema again: the same id");
            }
            assertEquals(acknowledged.size() + 1, new HashSet<>(registries.get(newLeader).get("/schemas").json()
                    .findValuesAsText("id")).size(), "every id distinct");
        }
    }

    private static int registerQuietly(RegistryClient registry, String subject, String schema) {
        try {
            return registry.register(subject, schema);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
