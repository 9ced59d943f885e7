package dev.wharf.generator;

import java.util.List;
import java.util.Optional;

/**
 * One field of a message or struct, as declared in the spec.
 *
 * @param fields the inline struct definition when the type is a struct (or array of structs)
 *     declared here; empty when it refers to a common or previously declared struct
 * @param flexibleVersions a per-field override of the message's flexible versions (only the
 *     request header's client id uses it: always a classic string)
 */
public record FieldSpec(
        String name,
        FieldType type,
        Versions versions,
        Versions nullableVersions,
        Versions taggedVersions,
        Optional<Integer> tag,
        boolean ignorable,
        Optional<String> defaultValue,
        boolean mapKey,
        boolean zeroCopy,
        Optional<Versions> flexibleVersions,
        List<FieldSpec> fields,
        String about) {

    public boolean isTagged() {
        return tag.isPresent();
    }

    /** The struct this field holds (directly or as array elements), if any. */
    public Optional<String> structName() {
        FieldType t = type instanceof FieldType.ArrayType a ? a.element() : type;
        return t instanceof FieldType.StructType s ? Optional.of(s.name()) : Optional.empty();
    }

    /** Java-style name: {@code "TopicData"} becomes {@code "topicData"}. */
    public String camelName() {
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }

    public String capitalizedName() {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }
}
