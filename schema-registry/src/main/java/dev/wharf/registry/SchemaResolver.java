package dev.wharf.registry;

import dev.wharf.registry.RegistryRecords.StoredVersion;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns schema text into a {@link ParsedSchema}: finds the versions its references name (and
 * theirs, transitively) and hands them to its type's library. Stored schemas are parsed once per
 * id and kept: an id always names the same schema.
 */
public final class SchemaResolver {
    private final RegistryState state;
    private final Map<SchemaType, SchemaType.Format> formats = new EnumMap<>(SchemaType.class);
    private final Map<Integer, ParsedSchema> byId = new ConcurrentHashMap<>();

    public SchemaResolver(RegistryState state, List<SchemaType.Format> formats) {
        this.state = state;
        formats.forEach(f -> this.formats.put(f.type(), f));
    }

    /** The types this registry parses, for {@code GET /schemas/types}. */
    public List<SchemaType> types() {
        return List.copyOf(formats.keySet());
    }

    /** Parses a schema being registered or checked; 42201 if it or a reference is not valid. */
    public ParsedSchema parseNew(SchemaType type, String schema, List<SchemaReference> references) {
        if (schema == null || schema.isEmpty()) {
            throw RegistryException.invalidSchema("Empty schema");
        }
        return parse(format(type), schema, dependencies(references, type, schema), true);
    }

    /** The type's library at work; a schema nested deeper than its recursion goes is invalid, not a crash. */
    private static ParsedSchema parse(SchemaType.Format format, String schema, List<SchemaType.Resolved> dependencies, boolean isNew) {
        try {
            return format.parse(schema, dependencies, isNew);
        } catch (StackOverflowError e) {
            throw RegistryException.invalidSchema("Invalid schema of type " + format.type() + ", details: nested too deeply to parse");
        }
    }

    /** The stored schema with this id, parsed. */
    public ParsedSchema parseStored(int id) {
        ParsedSchema known = byId.get(id);
        if (known != null) {
            return known;
        }
        RegistryState.Identity identity = state.schema(id).orElseThrow(() -> RegistryException.schemaNotFound(id));
        ParsedSchema parsed = parse(format(identity.type()), identity.schema(),
                dependencies(identity.references(), identity.type(), identity.schema()), false);
        byId.put(id, parsed);
        return parsed;
    }

    /** The stored schema {@code id} (text {@code stored}) in the rendering {@code ?format=} asks for; none: as stored. */
    public String formatted(int id, String stored, String format) {
        return format == null || format.isEmpty() ? stored : parseStored(id).formatted(format);
    }

    private SchemaType.Format format(SchemaType type) {
        SchemaType.Format format = formats.get(type);
        if (format == null) {
            throw RegistryException.invalidSchema("Invalid schema type " + type);
        }
        return format;
    }

    /** Every schema {@code references} need, transitively, each after those it needs. */
    private List<SchemaType.Resolved> dependencies(List<SchemaReference> references, SchemaType type, String schema) {
        List<SchemaType.Resolved> out = new ArrayList<>();
        collect(references, new HashSet<>(), out, type, schema);
        return out;
    }

    private void collect(List<SchemaReference> references, Set<String> seen, List<SchemaType.Resolved> out, SchemaType type,
            String schema) {
        for (SchemaReference ref : references) {
            StoredVersion target = find(ref).orElseThrow(() -> RegistryException.invalidSchema("Invalid schema " + schema
                    + " with refs " + references + " of type " + type + ", details: reference " + ref.name() + " names subject '"
                    + ref.subject() + "' version " + ref.version() + ", which does not exist"));
            if (seen.add(target.subject() + "\u0000" + target.version())) {
                collect(target.references(), seen, out, type, schema);
                out.add(new SchemaType.Resolved(ref.name(), target.type(), target.schema()));
            }
        }
    }

    private Optional<StoredVersion> find(SchemaReference ref) {
        List<StoredVersion> versions = state.versions(ref.subject());
        if (ref.version() == -1) {
            return versions.stream().filter(v -> !v.deleted()).reduce((a, b) -> b);
        }
        return versions.stream().filter(v -> v.version() == ref.version()).findFirst();
    }
}
