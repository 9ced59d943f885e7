package dev.wharf.registry.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.wharf.registry.RegistryException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a JSON Schema is one: checked against the meta-schema of the draft its {@code $schema}
 * names (draft-07 when it names none, as Confluent's registry assumes) by networknt's validator,
 * whose meta-schemas ship inside it (nothing is fetched).
 */
final class JsonSchemaCheck {
    private static final Map<SpecificationVersion, Schema> META = new ConcurrentHashMap<>();

    private JsonSchemaCheck() {}

    /** 42201 when {@code schema} breaks its draft's meta-schema. */
    static void check(JsonNode schema, String text) {
        SpecificationVersion draft = draft(schema);
        Schema meta = META.computeIfAbsent(draft, d -> SchemaRegistry.withDefaultDialect(d)
                .getSchema(SchemaLocation.of(d.getDialectId())));
        List<Error> errors = meta.validate(schema);
        if (!errors.isEmpty()) {
            throw RegistryException.invalidSchema("Invalid schema " + text + " of type JSON, details: "
                    + errors.stream().limit(5).map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList());
        }
    }

    private static SpecificationVersion draft(JsonNode schema) {
        String declared = schema.path("$schema").asText("");
        if (declared.contains("draft-04")) {
            return SpecificationVersion.DRAFT_4;
        } else if (declared.contains("draft-06")) {
            return SpecificationVersion.DRAFT_6;
        } else if (declared.contains("2019-09")) {
            return SpecificationVersion.DRAFT_2019_09;
        } else if (declared.contains("2020-12")) {
            return SpecificationVersion.DRAFT_2020_12;
        }
        return SpecificationVersion.DRAFT_7;
    }
}
