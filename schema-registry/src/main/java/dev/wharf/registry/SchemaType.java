package dev.wharf.registry;

import java.util.List;
import java.util.Locale;

/** The kinds of schema the registry stores; a request without one means AVRO, as for every Confluent client. */
public enum SchemaType {
    AVRO, JSON, PROTOBUF;

    /** The type named {@code name} (null or empty: AVRO); 42201 for one the registry does not know. */
    public static SchemaType parse(String name) {
        if (name == null || name.isEmpty()) {
            return AVRO;
        }
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw RegistryException.invalidSchema("Invalid schema type " + name);
        }
    }

    /** A schema a reference names, already resolved: what the referring schema calls it and its text. */
    public record Resolved(String name, SchemaType type, String schema) {}

    /** Parses schemas of one type with that type's own library. */
    public interface Format {
        SchemaType type();

        /**
         * Parses {@code schema}, whose references are {@code dependencies} (every schema it needs,
         * transitively, each after the ones it needs); 42201 when the library refuses it.
         * {@code isNew}: being registered now, so checked strictly (Avro defaults); stored
         * schemas are parsed leniently, as they were accepted.
         */
        ParsedSchema parse(String schema, List<Resolved> dependencies, boolean isNew);
    }
}
