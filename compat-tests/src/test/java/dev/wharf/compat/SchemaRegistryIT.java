package dev.wharf.compat;

import static dev.wharf.compat.RegistryClient.avro;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wharf.compat.RegistryClient.Answer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in schema registry as Confluent's clients use it: Avro schemas registered over its REST
 * API, records written in Confluent's wire format (magic byte 0, the schema id, the Avro body) by
 * the real Kafka producer and decoded by id after the real consumer reads them; each refusal with
 * Confluent's status and error code. One broker for the class; each test uses subjects of its own.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.CREATE_TOPICS})
class SchemaRegistryIT {
    static final String PAYMENT_V1 = "{\"type\":\"record\",\"name\":\"Payment\",\"namespace\":\"shop\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"amount\",\"type\":\"double\"}]}";
    static final String PAYMENT_V2 = "{\"type\":\"record\",\"name\":\"Payment\",\"namespace\":\"shop\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"amount\",\"type\":\"double\"},"
            + "{\"name\":\"currency\",\"type\":\"string\",\"default\":\"EUR\"}]}";
    static final String PAYMENT_NO_DEFAULT = "{\"type\":\"record\",\"name\":\"Payment\",\"namespace\":\"shop\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"amount\",\"type\":\"double\"},"
            + "{\"name\":\"note\",\"type\":\"string\"}]}";

    @TempDir
    static Path dir;
    static RegistryBroker server;
    static RunningBroker broker;
    static RegistryClient registry;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        server = RegistryBroker.start(dir, RegistryClient.freePort());
        broker = server.broker;
        registry = server.registry;
        base = server.base;
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    // Records written with a registered schema's id are all read back, in order, decoded by that id.
    @Test
    void avroRecordsRoundTripThroughTheRegistryById() throws Exception {
        int id = registry.register("payments-value", PAYMENT_V1);
        Schema schema = new Schema.Parser().parse(PAYMENT_V1);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrap()), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 100; i++) {
                GenericRecord payment = new GenericData.Record(schema);
                payment.put("id", (long) i);
                payment.put("amount", i * 1.5);
                RecordHeaders headers = new RecordHeaders();
                headers.add("trace", ("t" + i).getBytes(StandardCharsets.UTF_8));
                producer.send(new ProducerRecord<>("payments", 0, 1_700_000_000_000L + i, "k" + i, confluentWire(id, payment),
                        headers)).get();
            }
        }
        Map<Integer, Schema> byId = new HashMap<>();
        List<ConsumerRecord<String, byte[]>> read = server.consume("payments", 100);
        for (int i = 0; i < 100; i++) {
            ConsumerRecord<String, byte[]> r = read.get(i);
            assertEquals(i, r.offset());
            assertEquals("k" + i, r.key());
            assertEquals(1_700_000_000_000L + i, r.timestamp());
            assertArrayEquals(("t" + i).getBytes(StandardCharsets.UTF_8), r.headers().lastHeader("trace").value());
            ByteBuffer value = ByteBuffer.wrap(r.value());
            assertEquals(0, value.get(), "Confluent's magic byte");
            int written = value.getInt();
            assertEquals(id, written);
            Schema writer = byId.computeIfAbsent(written, this::schemaById);
            GenericRecord decoded = new GenericDatumReader<GenericRecord>(writer).read(null,
                    DecoderFactory.get().binaryDecoder(r.value(), 5, r.value().length - 5, null));
            assertEquals((long) i, decoded.get("id"));
            assertEquals(i * 1.5, decoded.get("amount"));
        }
    }

    // The same schema (whitespace aside) keeps its id and version; under another subject it keeps its id too.
    @Test
    void theSameSchemaKeepsItsIdAcrossRegistrationsAndSubjects() throws Exception {
        int first = registry.register("same-value", PAYMENT_V1);
        assertEquals(first, registry.register("same-value", PAYMENT_V1.replace(",", ", ")));
        assertEquals(first, registry.register("same-key", PAYMENT_V1));
        assertEquals("[1]", registry.get("/subjects/same-value/versions").body());
        JsonNode latest = registry.get("/subjects/same-key/versions/latest").json();
        assertEquals("same-key", latest.get("subject").asText());
        assertEquals(1, latest.get("version").asInt());
        assertEquals(first, latest.get("id").asInt());
        assertNull(latest.get("schemaType"), "AVRO is left out, as Confluent's registry does");
        assertEquals(new Schema.Parser().parse(PAYMENT_V1), new Schema.Parser().parse(latest.get("schema").asText()));
        Answer lookup = registry.post("/subjects/same-value", avro(PAYMENT_V1));
        assertEquals(200, lookup.status(), lookup.body());
        assertEquals(first, lookup.json().get("id").asInt());
        assertEquals(1, lookup.json().get("version").asInt());
        Answer versions = registry.get("/schemas/ids/" + first + "/versions");
        Set<String> found = new HashSet<>();
        versions.json().forEach(v -> found.add(v.get("subject").asText() + "/" + v.get("version").asInt()));
        assertTrue(found.containsAll(Set.of("same-value/1", "same-key/1")), versions.body());
        assertTrue(registry.get("/subjects").body().contains("\"same-key\",\"same-value\""), "subjects are listed sorted");
        assertEquals(new Schema.Parser().parse(PAYMENT_V1),
                new Schema.Parser().parse(registry.get("/subjects/same-value/versions/1/schema").body()));
    }

    // BACKWARD (the default) refuses a field without default (409), takes one with; records of v1 read with v2.
    @Test
    void backwardCompatibilityIsEnforcedAndHolds() throws Exception {
        int v1 = registry.register("evolve-value", PAYMENT_V1);
        Answer refused = registry.post("/subjects/evolve-value/versions", avro(PAYMENT_NO_DEFAULT));
        assertEquals(409, refused.status(), refused.body());
        assertEquals(409, refused.errorCode());
        assertTrue(refused.json().get("message").asText().contains("READER_FIELD_MISSING_DEFAULT_VALUE"), refused.body());
        Answer check = registry.post("/compatibility/subjects/evolve-value/versions/latest?verbose=true", avro(PAYMENT_NO_DEFAULT));
        assertFalse(check.json().get("is_compatible").asBoolean(), check.body());
        assertFalse(check.json().get("messages").isEmpty(), check.body());
        Answer fine = registry.post("/compatibility/subjects/evolve-value/versions/latest?verbose=true", avro(PAYMENT_V2));
        assertEquals("{\"is_compatible\":true,\"messages\":[]}", fine.body());
        int v2 = registry.register("evolve-value", PAYMENT_V2);
        assertTrue(v2 > v1, "a new schema gets a new, higher id");
        assertEquals("[1,2]", registry.get("/subjects/evolve-value/versions").body());

        Schema writer = new Schema.Parser().parse(PAYMENT_V1);
        GenericRecord old = new GenericData.Record(writer);
        old.put("id", 7L);
        old.put("amount", 2.5);
        byte[] bytes = confluentWire(v1, old);
        Schema reader = schemaById(v2);
        GenericRecord decoded = new GenericDatumReader<GenericRecord>(schemaById(ByteBuffer.wrap(bytes, 1, 4).getInt()), reader)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        assertEquals(7L, decoded.get("id"));
        assertEquals("EUR", decoded.get("currency").toString(), "the new field's default fills old records");

        assertEquals(200, registry.put("/config/evolve-value", RegistryClient.JSON.createObjectNode().put("compatibility", "NONE"))
                .status());
        Answer forced = registry.post("/subjects/evolve-value/versions", avro(PAYMENT_NO_DEFAULT));
        assertEquals(200, forced.status(), "NONE for the subject lets the refused schema in: " + forced.body());
        assertEquals(3, registry.get("/subjects/evolve-value/versions/latest").json().get("version").asInt());
    }

    // Each refusal carries Confluent's status and error_code, for unknown paths too.
    @Test
    void refusalsCarryConfluentErrorCodes() throws Exception {
        registry.register("errors-value", PAYMENT_V1);
        assertError(404, 40401, registry.get("/subjects/no-such-subject/versions"));
        assertError(404, 40402, registry.get("/subjects/errors-value/versions/9"));
        assertError(404, 40403, registry.get("/schemas/ids/999999"));
        assertError(422, 42202, registry.get("/subjects/errors-value/versions/0"));
        assertError(422, 42202, registry.get("/subjects/errors-value/versions/first"));
        assertError(422, 42201, registry.post("/subjects/errors-value/versions", avro("{\"type\":\"record\",\"name\":\"x\"}")));
        assertError(422, 42201, registry.post("/subjects/errors-value/versions",
                avro(PAYMENT_V1).put("schemaType", "XML")));
        assertError(404, 40403, registry.post("/subjects/errors-value", avro(PAYMENT_V2)));
        assertError(404, 40408, registry.get("/config/errors-value"));
        assertEquals("{\"compatibilityLevel\":\"BACKWARD\"}", registry.get("/config/errors-value?defaultToGlobal=true").body());
        assertError(422, 42203, registry.put("/config/errors-value", RegistryClient.JSON.createObjectNode().put("compatibility", "SIDEWAYS")));
        assertError(404, 40409, registry.get("/mode/errors-value"));
        assertError(422, 42204, registry.put("/mode", RegistryClient.JSON.createObjectNode().put("mode", "SOMETIMES")));
        assertError(404, 404, registry.get("/no/such/path"));
        assertError(405, 405, registry.delete("/schemas/types"));
        assertError(400, 400, registry.postRaw("/subjects/errors-value/versions", "{not json"));
        assertEquals(200, registry.get("/subjects/errors-value/versions/latest").status(), "the registry still answers");
    }

    // A soft delete hides versions but keeps ids; a permanent one needs a soft one first; numbers go on.
    @Test
    void deletesAreSoftThenPermanent() throws Exception {
        int id = registry.register("deleting-value", PAYMENT_V1);
        registry.register("deleting-value", PAYMENT_V2);
        assertError(404, 40407, registry.delete("/subjects/deleting-value/versions/2?permanent=true"));
        assertEquals("2", registry.delete("/subjects/deleting-value/versions/2").body());
        assertError(404, 40406, registry.delete("/subjects/deleting-value/versions/2"));
        assertEquals("[1]", registry.get("/subjects/deleting-value/versions").body());
        assertEquals("[1,2]", registry.get("/subjects/deleting-value/versions?deleted=true").body());
        assertError(404, 40402, registry.get("/subjects/deleting-value/versions/2"));
        assertEquals(200, registry.get("/subjects/deleting-value/versions/2?deleted=true").status());
        assertError(404, 40405, registry.delete("/subjects/deleting-value?permanent=true"));
        assertEquals("[1]", registry.delete("/subjects/deleting-value").body());
        assertError(404, 40404, registry.delete("/subjects/deleting-value"));
        assertFalse(registry.get("/subjects").body().contains("\"deleting-value\""));
        assertTrue(registry.get("/subjects?deleted=true").body().contains("\"deleting-value\""));
        assertEquals(200, registry.get("/schemas/ids/" + id).status(), "a soft-deleted schema is still found by id");
        assertEquals(id, registry.register("deleting-value", PAYMENT_V1), "re-registered, it keeps its id");
        assertEquals(3, registry.get("/subjects/deleting-value/versions/latest").json().get("version").asInt(),
                "soft-deleted version numbers are not given again");
        assertEquals("[2,3]", registry.get("/subjects/deleting-value/versions?deleted=true").body(),
                "as Confluent: the schema's soft-deleted version 1 went for good when it came back as 3");
        assertEquals("3", registry.delete("/subjects/deleting-value/versions/3").body());
        assertEquals("[2,3]", registry.delete("/subjects/deleting-value?permanent=true").body());
        assertError(404, 40401, registry.get("/subjects/deleting-value/versions?deleted=true"));
    }

    // READONLY refuses changes (42205); IMPORT takes the given id and version and nothing else.
    @Test
    void modesGateChanges() throws Exception {
        registry.register("moded-value", PAYMENT_V1);
        var mode = RegistryClient.JSON.createObjectNode();
        assertEquals("{\"mode\":\"READONLY\"}", registry.put("/mode/moded-value", mode.put("mode", "READONLY")).body());
        assertError(422, 42205, registry.post("/subjects/moded-value/versions", avro(PAYMENT_V2)));
        assertError(422, 42205, registry.delete("/subjects/moded-value"));
        assertEquals("{\"mode\":\"READONLY\"}", registry.delete("/mode/moded-value").body());
        assertError(422, 42205, registry.put("/mode/moded-value", mode.put("mode", "IMPORT")), "a live subject cannot import");
        assertEquals(200, registry.put("/mode/imported-value", mode.put("mode", "IMPORT")).status());
        assertError(422, 42205, registry.post("/subjects/imported-value/versions", avro(PAYMENT_V2)), "IMPORT needs an id");
        Answer imported = registry.post("/subjects/imported-value/versions", avro(PAYMENT_V2).put("id", 5000).put("version", 7));
        assertEquals(200, imported.status(), imported.body());
        assertEquals(5000, imported.json().get("id").asInt());
        assertEquals(7, registry.get("/subjects/imported-value/versions/latest").json().get("version").asInt());
        assertError(422, 42205, registry.post("/subjects/imported-value/versions", avro(PAYMENT_V1).put("id", 5000)),
                "an id names one schema");
    }

    // JSON Schemas register with their type, come back with it, and are held to BACKWARD by their content model.
    @Test
    void jsonSchemasAreKeptAndChecked() throws Exception {
        String v1 = "{\"type\":\"object\",\"properties\":{\"sku\":{\"type\":\"string\"}},\"additionalProperties\":false}";
        String v2 = "{\"type\":\"object\",\"properties\":{\"sku\":{\"type\":\"string\"},\"qty\":{\"type\":\"integer\"}},"
                + "\"additionalProperties\":false}";
        String v3 = "{\"type\":\"object\",\"properties\":{\"sku\":{\"type\":\"string\"},\"qty\":{\"type\":\"integer\"}},"
                + "\"required\":[\"qty\"],\"additionalProperties\":false}";
        Answer first = registry.post("/subjects/items-value/versions", avro(v1).put("schemaType", "JSON"));
        assertEquals(200, first.status(), first.body());
        int id = first.json().get("id").asInt();
        JsonNode byId = registry.get("/schemas/ids/" + id).json();
        assertEquals("JSON", byId.get("schemaType").asText());
        assertEquals(RegistryClient.JSON.readTree(v1), RegistryClient.JSON.readTree(byId.get("schema").asText()));
        assertEquals(200, registry.post("/subjects/items-value/versions", avro(v2).put("schemaType", "JSON")).status(),
                "an optional property added to a closed model");
        assertError(409, 409, registry.post("/subjects/items-value/versions", avro(v3).put("schemaType", "JSON")),
                "a property made required");
        assertError(422, 42201, registry.post("/subjects/items-value/versions",
                avro("{\"type\":\"object\",\"properties\":{\"sku\":3}}").put("schemaType", "JSON")), "not a JSON Schema");
        Set<String> types = new HashSet<>();
        registry.get("/schemas/types").json().forEach(t -> types.add(t.asText()));
        assertTrue(types.containsAll(Set.of("AVRO", "JSON")), types.toString());
    }

    // Clients registering one new schema at once all get one id and the subject one version.
    @Test
    void concurrentRegistrationsOfOneSchemaGetOneId() throws Exception {
        String schema = PAYMENT_V1.replace("Payment", "Refund");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String subject = i % 2 == 0 ? "refunds-value" : "refunds-key";
                ids.add(pool.submit((Callable<Integer>) () -> new RegistryClient(base).register(subject, schema)));
            }
            Set<Integer> distinct = new HashSet<>();
            for (Future<Integer> id : ids) {
                distinct.add(id.get());
            }
            assertEquals(1, distinct.size(), distinct.toString());
            assertEquals("[1]", registry.get("/subjects/refunds-value/versions").body());
            assertEquals("[1]", registry.get("/subjects/refunds-key/versions").body());
        } finally {
            pool.shutdownNow();
        }
    }

    static void assertError(int status, int errorCode, Answer answer) {
        assertError(status, errorCode, answer, "");
    }

    static void assertError(int status, int errorCode, Answer answer, String why) {
        assertEquals(status, answer.status(), why + " " + answer.body());
        assertEquals(errorCode, answer.errorCode(), why + " " + answer.body());
        assertTrue(answer.json().get("message").isTextual(), answer.body());
    }

    /** Confluent's wire format: magic byte 0, the schema id (4 bytes, big-endian), the Avro body. */
    static byte[] confluentWire(int id, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private Schema schemaById(int id) {
        try {
            Answer a = registry.get("/schemas/ids/" + id);
            assertEquals(200, a.status(), a.body());
            return new Schema.Parser().parse(a.json().get("schema").asText());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
