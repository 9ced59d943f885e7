package dev.wharf.registry.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.wharf.registry.ParsedSchema;
import dev.wharf.registry.RegistryException;
import dev.wharf.registry.SchemaType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON Schemas: parsed as JSON, checked against their draft's meta-schema by a JSON Schema library
 * ({@link JsonSchemaCheck}), compared by {@link JsonSchemaDiff}. A reference's name (or the
 * {@code $id} of the schema it names) is what {@code $ref} uses to reach into it.
 */
public final class JsonSchemaFormat implements SchemaType.Format {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper SORTED = JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    @Override
    public SchemaType type() {
        return SchemaType.JSON;
    }

    @Override
    public ParsedSchema parse(String schema, List<SchemaType.Resolved> dependencies, boolean isNew) {
        JsonNode root = read(schema);
        Map<String, JsonNode> documents = new HashMap<>();
        for (SchemaType.Resolved d : dependencies) {
            if (d.type() != SchemaType.JSON) {
                throw RegistryException.invalidSchema("Invalid schema: reference " + d.name() + " is of type " + d.type() + ", not JSON");
            }
            JsonNode doc = read(d.schema());
            documents.put(d.name(), doc);
            if (doc.path("$id").isTextual()) {
                documents.putIfAbsent(doc.get("$id").asText(), doc);
            }
        }
        if (isNew) {
            JsonSchemaCheck.check(root, schema);
        }
        return new JsonParsedSchema(root, new JsonRefs(root, Map.copyOf(documents)), compact(root));
    }

    private static JsonNode read(String schema) {
        JsonNode root;
        try {
            root = JSON.readTree(schema);
        } catch (JsonProcessingException e) {
            throw RegistryException.invalidSchema("Invalid schema " + schema + " of type JSON, details: " + e.getOriginalMessage());
        }
        if (root == null || !(root.isObject() || root.isBoolean())) {
            throw RegistryException.invalidSchema("Invalid schema " + schema + " of type JSON, details: a JSON Schema is an object "
                    + "or a boolean");
        }
        return root;
    }

    private static String compact(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Keys sorted at every level: the normal form of {@code normalize=true}. */
    static String sorted(JsonNode node) {
        try {
            return SORTED.writeValueAsString(SORTED.treeToValue(node, Object.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private record JsonParsedSchema(JsonNode root, JsonRefs refs, String canonical) implements ParsedSchema {
        @Override
        public SchemaType type() {
            return SchemaType.JSON;
        }

        @Override
        public ParsedSchema normalized() {
            String text = sorted(root);
            return new JsonParsedSchema(root, refs, text);
        }

        @Override
        public List<String> readErrors(ParsedSchema writer, String self, String other) {
            JsonParsedSchema written = (JsonParsedSchema) writer;
            return JsonSchemaDiff.incompatible(written.root, written.refs, root, refs).stream()
                    .map(JsonSchemaDiff.Difference::message).toList();
        }
    }
}
