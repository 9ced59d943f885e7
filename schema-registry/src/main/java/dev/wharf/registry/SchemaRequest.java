package dev.wharf.registry;

import java.util.List;

/**
 * A schema as a client posts it to register, look up or check: the text, its type and references,
 * and, in IMPORT mode only, the id and version it must get (null when not given).
 */
public record SchemaRequest(String schema, SchemaType type, List<SchemaReference> references, Integer id, Integer version) {
    public SchemaRequest {
        references = List.copyOf(references);
    }

    public static SchemaRequest of(String schema, SchemaType type) {
        return new SchemaRequest(schema, type, List.of(), null, null);
    }
}
