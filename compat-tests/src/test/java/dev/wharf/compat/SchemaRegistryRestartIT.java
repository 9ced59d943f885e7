package dev.wharf.compat;

import static dev.wharf.compat.SchemaRegistryIT.PAYMENT_V1;
import static dev.wharf.compat.SchemaRegistryIT.PAYMENT_V2;
import static dev.wharf.compat.SchemaRegistryIT.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry keeps its schemas, ids, versions and settings in its log: a restarted broker answers as before. */
@Exercises({ApiKeys.CREATE_TOPICS})
class SchemaRegistryRestartIT {
    @TempDir
    Path dir;

    // After a restart every schema is there under its id and version; an id removed for good is never given again.
    @Test
    void schemasSurviveARestartAndIdsAreNeverReused() throws Exception {
        int port = RegistryClient.freePort();
        RegistryClient registry = new RegistryClient("http://127.0.0.1:" + port); // one client, kept alive across the restart
        int kept;
        int removed;
        try (RegistryBroker broker = RegistryBroker.start(dir, port)) {
            kept = registry.register("kept-value", PAYMENT_V1);
            removed = registry.register("removed-value", PAYMENT_V2);
            assertEquals(200, registry.put("/config", RegistryClient.JSON.createObjectNode().put("compatibility", "FULL")).status());
            assertEquals(200, registry.put("/config/kept-value", RegistryClient.JSON.createObjectNode()
                    .put("compatibility", "NONE")).status());
            assertEquals("[1]", registry.delete("/subjects/removed-value").body());
            assertEquals("[1]", registry.delete("/subjects/removed-value?permanent=true").body());
            assertError(404, 40403, registry.get("/schemas/ids/" + removed));
        }
        try (RegistryBroker broker = RegistryBroker.start(dir, port)) {
            assertEquals(kept, registry.get("/subjects/kept-value/versions/1").json().get("id").asInt());
            assertEquals(200, registry.get("/schemas/ids/" + kept).status());
            assertError(404, 40403, registry.get("/schemas/ids/" + removed));
            assertError(404, 40401, registry.get("/subjects/removed-value/versions?deleted=true"));
            assertEquals("{\"compatibilityLevel\":\"FULL\"}", registry.get("/config").body());
            assertEquals("{\"compatibilityLevel\":\"NONE\"}", registry.get("/config/kept-value").body());
            int next = registry.register("removed-value", PAYMENT_V2.replace("EUR", "USD"));
            assertEquals(removed + 1, next, "the highest id ever given is remembered");
            assertEquals(kept, registry.register("kept-value", PAYMENT_V1), "the same schema, the same id");
        }
    }
}
