package dev.wharf.compat;

import static dev.wharf.compat.RegistryScripts.run;
import static dev.wharf.compat.RegistryScripts.value;
import static dev.wharf.compat.RegistryScripts.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.TimestampProto;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Protobuf through Wharf's registry with clients no one at Wharf wrote: Confluent's JavaScript
 * client and Debian's Python client register base64 descriptors with references and read schemas
 * back in the {@code serialized} format; KafkaJS's client registers .proto text and parses what
 * Wharf stores with protobufjs. Each writes and reads back its records; the Java consumer then
 * decodes them with descriptors built from what the registry serves for the id in each record.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.FIND_COORDINATOR, ApiKeys.JOIN_GROUP, ApiKeys.SYNC_GROUP,
        ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH, ApiKeys.CREATE_TOPICS})
class SchemaRegistryProtobufIT {
    private static final int COUNT = 12;

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

    // Descriptors in, with a reference and a well-known import; the Order message is the second of its file, with a map.
    @Test
    void confluentsJavaScriptClient() throws Exception {
        List<String> out = run(dir, "node", "confluent-protobuf.js", server.broker.bootstrap(), server.base, "orders-proto-js",
                Integer.toString(COUNT));
        assertEquals("syntax = \"proto3\";", value(out, "stored"), "a base64 descriptor is stored as .proto text");
        List<String> records = values(out, "record");
        assertEquals(COUNT, records.size(), out.toString());
        for (int i = 0; i < COUNT; i++) {
            assertEquals(i + " k" + i + " o" + i + " " + (100 * i) + " EUR " + (1700000000 + i) + " {\"lane\":\"l" + (i % 3) + "\"} "
                    + i + "EUR", records.get(i));
        }
        int id = Integer.parseInt(value(out, "registered"));
        List<DynamicMessage> decoded = decodeWithJava("orders-proto-js", id, "shop.Order", new byte[] {2, 2});
        for (int i = 0; i < COUNT; i++) {
            DynamicMessage order = decoded.get(i);
            assertEquals("o" + i, order.getField(order.getDescriptorForType().findFieldByName("id")));
            DynamicMessage total = (DynamicMessage) order.getField(order.getDescriptorForType().findFieldByName("total"));
            assertEquals(100L * i, total.getField(total.getDescriptorForType().findFieldByName("cents")));
        }
        JsonNode reference = registry.get("/subjects/" + RegistryClient.encode("shop/money.proto") + "/versions/1").json();
        assertEquals("PROTOBUF", reference.get("schemaType").asText());
        assertTrue(reference.get("schema").asText().contains("message Money {"), reference.toString());
    }

    // Python registers every import, the well-known one too, each as a base64 descriptor.
    @Test
    void debiansPythonClient() throws Exception {
        List<String> out = run(dir, "/usr/bin/python3", "python-protobuf.py", server.broker.bootstrap(), server.base,
                "orders-proto-py", Integer.toString(COUNT));
        List<String> records = values(out, "record");
        assertEquals(COUNT, records.size(), out.toString());
        for (int i = 0; i < COUNT; i++) {
            assertEquals(i + " k" + i + " o" + i + " " + (100 * i) + " EUR " + (1700000000 + i), records.get(i));
        }
        int id = Integer.parseInt(value(out, "registered"));
        List<DynamicMessage> decoded = decodeWithJava("orders-proto-py", id, "shop.Order", new byte[] {0});
        DynamicMessage last = decoded.get(COUNT - 1);
        DynamicMessage at = (DynamicMessage) last.getField(last.getDescriptorForType().findFieldByName("at"));
        assertEquals(1700000000L + COUNT - 1, at.getField(at.getDescriptorForType().findFieldByName("seconds")));
        JsonNode order = registry.get("/subjects/orders-proto-py-value/versions/latest").json();
        assertEquals(List.of("shop/money.proto", "google/protobuf/timestamp.proto"),
                order.get("references").findValuesAsText("name"), order.toString());
    }

    // .proto text in, with a reference, a nested message and an enum; protobufjs parses what Wharf stores.
    @Test
    void kafkajsWithItsSchemaRegistryClient() throws Exception {
        List<String> out = run(dir, "node", "kafkajs-protobuf.js", server.broker.bootstrap(), server.base, "orders-proto-kjs",
                Integer.toString(COUNT));
        List<String> records = values(out, "record");
        assertEquals(COUNT, records.size(), out.toString());
        for (int i = 0; i < COUNT; i++) {
            assertEquals(i + " k" + i + " o" + i + " " + (100 * i) + " " + (i % 2) + " s" + i + "x" + i, records.get(i));
        }
        int id = Integer.parseInt(value(out, "registered"));
        String stored = registry.get("/schemas/ids/" + id).json().get("schema").asText();
        assertTrue(!stored.contains("An order") && stored.contains("message Line {"), "stored without comments:\n" + stored);
        // This client frames records without message indexes (its known gap), so Java reads the message right after the id.
        List<DynamicMessage> decoded = decodeWithJava("orders-proto-kjs", id, "shop.Order", new byte[0]);
        DynamicMessage order = decoded.get(3);
        assertEquals("o3", order.getField(order.getDescriptorForType().findFieldByName("id")));
        assertEquals("PAID", order.getField(order.getDescriptorForType().findFieldByName("status")).toString());
    }

    /**
     * The topic's records as the Java consumer reads them, each checked for Confluent's framing
     * ({@code 0}, the id, then {@code indexes}) and decoded as {@code message} of the descriptor the
     * registry serves for the id.
     */
    private static List<DynamicMessage> decodeWithJava(String topic, int id, String message, byte[] indexes) throws Exception {
        FileDescriptor file = descriptor(registry.get("/schemas/ids/" + id + "?format=serialized").json(), "order.proto");
        Descriptor type = file.findMessageTypeByName(message.substring(message.lastIndexOf('.') + 1));
        List<DynamicMessage> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : server.consume(topic, COUNT)) {
            ByteBuffer value = ByteBuffer.wrap(r.value());
            assertEquals(0, value.get(), "Confluent's magic byte");
            assertEquals(id, value.getInt());
            for (byte b : indexes) {
                assertEquals(b, value.get(), "message indexes");
            }
            out.add(DynamicMessage.parseFrom(type, com.google.protobuf.ByteString.copyFrom(value)));
        }
        return out;
    }

    /** A schema served as a base64 descriptor, built with its references (fetched the same way) and the well-known types. */
    private static FileDescriptor descriptor(JsonNode schema, String name) throws Exception {
        FileDescriptorProto proto = FileDescriptorProto.parseFrom(Base64.getDecoder().decode(schema.get("schema").asText()))
                .toBuilder().setName(name).build();
        List<FileDescriptor> dependencies = new ArrayList<>();
        for (String import_ : proto.getDependencyList()) {
            JsonNode ref = null;
            for (JsonNode r : schema.path("references")) {
                ref = r.get("name").asText().equals(import_) ? r : ref;
            }
            if (ref != null) {
                dependencies.add(descriptor(registry.get("/subjects/" + RegistryClient.encode(ref.get("subject").asText()) + "/versions/"
                        + ref.get("version").asInt() + "?format=serialized").json(), import_));
            } else if (import_.equals("google/type/money.proto")) {
                dependencies.add(com.google.type.MoneyProto.getDescriptor());
            } else {
                assertEquals("google/protobuf/timestamp.proto", import_, "only a built-in import may go without a reference");
                dependencies.add(TimestampProto.getDescriptor());
            }
        }
        return FileDescriptor.buildFrom(proto, dependencies.toArray(new FileDescriptor[0]));
    }
}
