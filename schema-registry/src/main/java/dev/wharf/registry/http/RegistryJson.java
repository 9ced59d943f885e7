package dev.wharf.registry.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wharf.registry.RegistryException;
import dev.wharf.registry.RegistryRecords.StoredVersion;
import dev.wharf.registry.RegistryState;
import dev.wharf.registry.SchemaReference;
import dev.wharf.registry.SchemaRequest;
import dev.wharf.registry.SchemaType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The registry's JSON shapes, as Confluent's registry writes them: {@code schemaType} left out for
 * AVRO (clients read a missing type as AVRO; some older ones fail on an explicit one), empty
 * {@code references} left out.
 */
final class RegistryJson {
    private RegistryJson() {}

    static ObjectNode object() {
        return HttpCall.JSON.createObjectNode();
    }

    static ArrayNode array(Collection<?> values) {
        return HttpCall.JSON.valueToTree(values);
    }

    /** A subject's version: {@code {"subject","version","id","schemaType"?,"references"?,"schema"}}. */
    static ObjectNode version(StoredVersion v) {
        ObjectNode out = object().put("subject", v.subject()).put("version", v.version()).put("id", v.id());
        describe(out, v.type(), v.references());
        return out.put("schema", v.schema());
    }

    /** A schema by id: {@code {"schemaType"?,"schema","references"?}}. */
    static ObjectNode schema(RegistryState.Identity s) {
        ObjectNode out = object();
        describe(out, s.type(), s.references());
        return out.put("schema", s.schema());
    }

    private static void describe(ObjectNode out, SchemaType type, List<SchemaReference> references) {
        if (type != SchemaType.AVRO) {
            out.put("schemaType", type.name());
        }
        if (!references.isEmpty()) {
            ArrayNode refs = out.putArray("references");
            references.forEach(r -> refs.addObject().put("name", r.name()).put("subject", r.subject()).put("version", r.version()));
        }
    }

    /** The schema a register, lookup or compatibility request posts; unknown fields are ignored. */
    static SchemaRequest schemaRequest(HttpCall call) {
        JsonNode body = call.json();
        if (!body.isObject()) {
            throw RegistryException.invalidSchema("Empty schema");
        }
        JsonNode schema = body.path("schema");
        List<SchemaReference> refs = new ArrayList<>();
        for (JsonNode r : body.path("references")) {
            if (!r.path("name").isTextual() || !r.path("subject").isTextual() || !r.path("version").canConvertToInt()) {
                throw RegistryException.invalidSchema("Invalid schema reference " + r + ": it needs a name, a subject and a version");
            }
            refs.add(new SchemaReference(r.get("name").asText(), r.get("subject").asText(), r.get("version").asInt()));
        }
        JsonNode type = body.path("schemaType");
        return new SchemaRequest(schema.isTextual() ? schema.asText() : null,
                SchemaType.parse(type.isTextual() ? type.asText() : null), refs,
                body.path("id").canConvertToInt() ? body.get("id").asInt() : null,
                body.path("version").canConvertToInt() ? body.get("version").asInt() : null);
    }
}
