package dev.wharf.registry.avro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.util.internal.JacksonUtils;

/**
 * An Avro schema's normal form ({@code normalize=true}): every named type under its full name and
 * no namespace, each defined once and named after, aliases and extra properties sorted. Unlike
 * Avro's Parsing Canonical Form it keeps docs, defaults and aliases, which make a schema different.
 */
record AvroNormalForm(Schema schema, String text) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    static AvroNormalForm of(Schema schema, List<Schema> referenced) {
        Set<String> defined = new HashSet<>();
        referenced.forEach(r -> collectNames(r, defined));
        try {
            return new AvroNormalForm(schema, JSON.writeValueAsString(write(schema, defined)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write an Avro schema as JSON", e);
        }
    }

    /** The names {@code schema} defines, so that a schema using a reference names its types only. */
    private static void collectNames(Schema schema, Set<String> names) {
        switch (schema.getType()) {
            case RECORD -> {
                if (names.add(schema.getFullName())) {
                    schema.getFields().forEach(f -> collectNames(f.schema(), names));
                }
            }
            case ENUM, FIXED -> names.add(schema.getFullName());
            case ARRAY -> collectNames(schema.getElementType(), names);
            case MAP -> collectNames(schema.getValueType(), names);
            case UNION -> schema.getTypes().forEach(t -> collectNames(t, names));
            default -> { }
        }
    }

    private static JsonNode write(Schema schema, Set<String> defined) {
        switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> {
                if (!defined.add(schema.getFullName())) {
                    return NODES.textNode(schema.getFullName());
                }
                ObjectNode out = NODES.objectNode();
                out.put("name", schema.getFullName());
                out.put("type", schema.getType() == Schema.Type.RECORD && schema.isError() ? "error" : schema.getType().getName());
                switch (schema.getType()) {
                    case ENUM -> {
                        ArrayNode symbols = out.putArray("symbols");
                        schema.getEnumSymbols().forEach(symbols::add);
                        if (schema.getEnumDefault() != null) {
                            out.put("default", schema.getEnumDefault());
                        }
                    }
                    case FIXED -> out.put("size", schema.getFixedSize());
                    default -> {
                        ArrayNode fields = out.putArray("fields");
                        for (Schema.Field f : schema.getFields()) {
                            fields.add(field(f, defined));
                        }
                    }
                }
                describe(out, schema.getDoc(), schema.getAliases(), schema.getObjectProps());
                return out;
            }
            case UNION -> {
                ArrayNode out = NODES.arrayNode();
                schema.getTypes().forEach(t -> out.add(write(t, defined)));
                return out;
            }
            case ARRAY, MAP -> {
                ObjectNode out = NODES.objectNode();
                out.put("type", schema.getType().getName());
                out.set(schema.getType() == Schema.Type.ARRAY ? "items" : "values",
                        write(schema.getType() == Schema.Type.ARRAY ? schema.getElementType() : schema.getValueType(), defined));
                props(out, schema.getObjectProps());
                return out;
            }
            default -> {
                if (schema.getObjectProps().isEmpty()) {
                    return NODES.textNode(schema.getType().getName());
                }
                ObjectNode out = NODES.objectNode();
                out.put("type", schema.getType().getName());
                props(out, schema.getObjectProps());
                return out;
            }
        }
    }

    private static ObjectNode field(Schema.Field f, Set<String> defined) {
        ObjectNode out = NODES.objectNode();
        out.put("name", f.name());
        out.set("type", write(f.schema(), defined));
        if (f.order() != Schema.Field.Order.ASCENDING) {
            out.put("order", f.order().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (f.hasDefaultValue()) {
            out.set("default", JacksonUtils.toJsonNode(f.defaultVal()));
        }
        describe(out, f.doc(), f.aliases(), f.getObjectProps());
        return out;
    }

    private static void describe(ObjectNode out, String doc, Set<String> aliases, Map<String, Object> props) {
        if (doc != null) {
            out.put("doc", doc);
        }
        if (!aliases.isEmpty()) {
            ArrayNode sorted = out.putArray("aliases");
            new TreeSet<>(aliases).forEach(sorted::add);
        }
        props(out, props);
    }

    private static void props(ObjectNode out, Map<String, Object> props) {
        new TreeMap<>(props).forEach((k, v) -> out.set(k, JacksonUtils.toJsonNode(v)));
    }
}
