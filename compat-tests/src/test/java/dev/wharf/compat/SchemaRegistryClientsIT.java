package dev.wharf.compat;

import static dev.wharf.compat.RegistryScripts.run;
import static dev.wharf.compat.RegistryScripts.value;
import static dev.wharf.compat.RegistryScripts.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema registry clients no one at Wharf wrote, against Wharf's registry and Kafka port: KafkaJS
 * with {@code @kafkajs/confluent-schema-registry}, Confluent's {@code @confluentinc/schemaregistry}
 * (records carried by KafkaJS), and Debian's Python client (its registry client, and its JSON
 * Schema serdes over librdkafka). Each registers, writes and reads back its own records; the Java
 * consumer then decodes what each wrote by the id in it. The clients are installed by
 * {@code compat-tests/registry-clients/install.sh} (.ci/run runs it; npm packages in
 * {@code $WHARF_REGISTRY_CLIENTS}, default {@code ~/.cache/wharf/registry-clients}).
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.FIND_COORDINATOR, ApiKeys.JOIN_GROUP, ApiKeys.SYNC_GROUP,
        ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH, ApiKeys.CREATE_TOPICS})
class SchemaRegistryClientsIT {
    private static final int COUNT = 20;

    @TempDir
    static Path dir;
    static RegistryBroker server;
    static RegistryClient registry;

    @BeforeAll
    static void start() throws Exception {
        RegistryScripts.assertInstalled();
        server = RegistryBroker.start(dir, RegistryClient.freePort());
        registry = server.registry;
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    // KafkaJS encodes with the id it registered; every record is read back and decoded, by it and by Java.
    @Test
    void kafkajsWithItsSchemaRegistryClient() throws Exception {
        List<String> out = run(dir, "node", "kafkajs-avro.js", server.broker.bootstrap(), server.base, "orders-js",
                Integer.toString(COUNT));
        int id = Integer.parseInt(value(out, "registered"));
        assertEquals(Integer.toString(id), value(out, "latest"));
        List<String> records = values(out, "record");
        assertEquals(COUNT, records.size(), out.toString());
        for (int i = 0; i < COUNT; i++) {
            assertEquals(i + " k" + i + " {\"id\":" + i + ",\"item\":\"item-" + i + "\",\"qty\":" + (i % 7) + "}", records.get(i));
        }
        List<GenericRecord> decoded = decodeWithJava("orders-js", id);
        for (int i = 0; i < COUNT; i++) {
            assertEquals((long) i, decoded.get(i).get("id"));
            assertEquals("item-" + i, decoded.get(i).get("item").toString());
        }
    }

    // Confluent's client registers, tests an incompatible candidate, serializes with the latest version and deserializes by id.
    @Test
    void confluentsJavaScriptClient() throws Exception {
        List<String> out = run(dir, "node", "confluent-avro.js", server.broker.bootstrap(), server.base, "readings-js",
                Integer.toString(COUNT));
        int id = Integer.parseInt(value(out, "registered"));
        assertEquals("false", value(out, "compatible"), "a field without default is not BACKWARD compatible");
        List<String> records = values(out, "record");
        assertEquals(COUNT, records.size(), out.toString());
        for (int i = 0; i < COUNT; i++) {
            JsonNode reading = RegistryClient.JSON.readTree(records.get(i).split(" ", 3)[2]);
            assertEquals(Integer.toString(i), records.get(i).split(" ")[0]);
            assertEquals("sensor-" + i, reading.get("sensor").asText());
            assertEquals(i / 4.0, reading.get("value").asDouble());
        }
        List<GenericRecord> decoded = decodeWithJava("readings-js", id);
        assertEquals("sensor-" + (COUNT - 1), decoded.get(COUNT - 1).get("sensor").toString());
    }

    // Debian's Python client: its registry calls, and JSON Schema records through librdkafka and back.
    @Test
    void debiansPythonClient() throws Exception {
        List<String> out = run(dir, "/usr/bin/python3", "python-registry.py", server.broker.bootstrap(), server.base, "measures-py",
                Integer.toString(COUNT));
        String id = value(out, "registered");
        assertEquals(new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Py\",\"namespace\":\"wharf\",\"fields\":["
                + "{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"string\"}]}"), new Schema.Parser().parse(value(out, "fetched")));
        assertEquals(id + " measures-py-avro 1", value(out, "lookup"));
        assertEquals(id + " 1", value(out, "latest"));
        assertEquals("FULL", value(out, "compatibility"));
        List<String> records = values(out, "record");
        assertEquals(COUNT, records.size(), out.toString());
        for (int i = 0; i < COUNT; i++) {
            assertEquals(i + " p" + i + " {\"label\": \"l" + i + "\", \"n\": " + i + "}", records.get(i));
        }
        JsonNode registered = registry.get("/subjects/measures-py-value/versions/latest").json();
        assertEquals("JSON", registered.get("schemaType").asText(), registered.toString());
        for (ConsumerRecord<String, byte[]> r : server.consume("measures-py", COUNT)) {
            ByteBuffer value = ByteBuffer.wrap(r.value());
            assertEquals(0, value.get());
            assertEquals(registered.get("id").asInt(), value.getInt(), "the JSON serializer wrote the id it registered");
        }
    }

    /** Every record of the topic read by the Java consumer, each decoded by the Avro schema its id names (which must be {@code id}). */
    private static List<GenericRecord> decodeWithJava(String topic, int id) throws IOException, InterruptedException {
        Schema writer = new Schema.Parser().parse(registry.get("/schemas/ids/" + id).json().get("schema").asText());
        List<GenericRecord> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : server.consume(topic, COUNT)) {
            ByteBuffer value = ByteBuffer.wrap(r.value());
            assertEquals(0, value.get(), "Confluent's magic byte");
            assertEquals(id, value.getInt());
            out.add(new GenericDatumReader<GenericRecord>(writer).read(null,
                    DecoderFactory.get().binaryDecoder(r.value(), 5, r.value().length - 5, null)));
        }
        return out;
    }
}
