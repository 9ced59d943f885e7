package dev.wharf.registry;

/**
 * A schema's use of a type another subject holds: {@code name} is what the schema calls it (an
 * Avro full name, a .proto import path, a JSON Schema {@code $ref} URL), {@code subject} and
 * {@code version} where it is registered.
 */
public record SchemaReference(String name, String subject, int version) implements Comparable<SchemaReference> {
    @Override
    public int compareTo(SchemaReference o) {
        int c = name.compareTo(o.name);
        if (c == 0) {
            c = subject.compareTo(o.subject);
        }
        return c != 0 ? c : Integer.compare(version, o.version);
    }
}
