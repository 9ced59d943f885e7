package dev.wharf.registry.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Where a JSON Schema's {@code $ref}s lead: into the schema's own document ({@code #/$defs/x}), or
 * into a referenced schema named by the reference's name or its {@code $id}
 * ({@code address.json#/properties/city}).
 *
 * @param root the document a local {@code $ref} resolves in
 * @param documents referenced schemas by name and by {@code $id}
 */
record JsonRefs(JsonNode root, Map<String, JsonNode> documents) {
    /** A schema with its document: what a {@code $ref} inside it resolves against. */
    record Located(JsonNode schema, JsonRefs refs) {}

    /** {@code schema} itself, or what its {@code $ref} (followed until it has none) leads to; null when it leads nowhere. */
    Located resolve(JsonNode schema) {
        JsonRefs refs = this;
        for (int hops = 0; hops < 64 && schema != null && schema.isObject() && schema.path("$ref").isTextual(); hops++) {
            String ref = schema.get("$ref").asText();
            int hash = ref.indexOf('#');
            String document = hash < 0 ? ref : ref.substring(0, hash);
            String pointer = hash < 0 ? "" : ref.substring(hash + 1);
            if (!document.isEmpty()) {
                JsonNode target = documents.get(document);
                if (target == null) {
                    return null;
                }
                refs = new JsonRefs(target, documents);
            }
            schema = pointer.isEmpty() ? refs.root : refs.root.at(pointer);
            if (schema.isMissingNode()) {
                return null;
            }
        }
        return new Located(schema, refs);
    }
}
