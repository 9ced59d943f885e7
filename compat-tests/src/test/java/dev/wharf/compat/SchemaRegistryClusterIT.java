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
 * The registry on a cluster of four broker processes, {@code _schemas} on three of them: one
 * broker writes, the other two forward changes to it and answer reads from their own replica (a
 * client reading where it just wrote sees its change); the fourth, without a replica, says so
 * rather than answer from nothing. The writer is killed: another takes over, every acknowledged
 * schema keeps its id, and new ids never reuse one.
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
        for (int id = 1; id <= 4; id++) {
            urls.put(id, "http://127.0.0.1:" + RegistryClient.freePort());
        }
        try (Cluster cluster = Cluster.start(dir, 4, Map.of("replica.fetch.wait.max.ms", "100"),
                id -> Map.of("schema.registry.listeners", urls.get(id)))) {
            Map<Integer, RegistryClient> registries = new HashMap<>();
            urls.forEach((id, url) -> registries.put(id, new RegistryClient(url)));

            // the first change creates _schemas (on three of the four); until its leader is elected and announced, a change may fail
            await().atMost(FAILOVER).until(() -> registries.values().stream().anyMatch(r -> registerOrFail(r, "first")));
            int schemasLeader = cluster.awaitLeader("_schemas", 0, FAILOVER);
            List<Integer> holders = cluster.describe("_schemas").partitions().get(0).replicas().stream().map(n -> n.id()).toList();
            int outsider = List.of(1, 2, 3, 4).stream().filter(id -> !holders.contains(id)).findFirst().orElseThrow();
            RegistryClient.Answer noCopy = registries.get(outsider).get("/subjects");
            assertEquals(50001, noCopy.errorCode(), "a broker without a replica says so: " + noCopy.body());
            assertEquals(200, registries.get(outsider).get("/").status(), "its root still answers");
            registries.remove(outsider);

            Map<String, Integer> acknowledged = new HashMap<>();
            acknowledged.put("first", registries.get(schemasLeader).get("/subjects/first/versions/1").json().get("id").asInt());
            for (int id : holders) {
                String subject = "from-broker-" + id;
                int registered = registries.get(id).register(subject, record("R" + id));
                acknowledged.put(subject, registered);
                // read where it was written, at once: the forwarding broker waited for its own copy
                assertEquals(record("R" + id).replace(" ", ""), registries.get(id).get("/schemas/ids/" + registered).json()
                        .get("schema").asText(), "broker " + id + (id == schemasLeader ? " (the writer)" : " (forwarded)"));
            }
            // two followers registering the same schema at once get one id
            List<CompletableFuture<Integer>> racing = new ArrayList<>();
            for (int id : holders) {
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
            List<Integer> survivors = new ArrayList<>(holders);
            survivors.remove(Integer.valueOf(schemasLeader));
            int killed = schemasLeader;
            await().atMost(FAILOVER).until(() -> {
                java.util.OptionalInt leader = cluster.leaderOf("_schemas", 0);
                return leader.isPresent() && leader.getAsInt() != killed;
            });
            int newLeader = cluster.leaderOf("_schemas", 0).getAsInt();
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

    /** Registers the subject's schema: true on 200, false on any answer or failure meanwhile. */
    private static boolean registerOrFail(RegistryClient registry, String subject) {
        try {
            return registry.post("/subjects/" + subject + "/versions", RegistryClient.avro(record("First"))).status() == 200;
        } catch (Exception e) {
            return false;
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
