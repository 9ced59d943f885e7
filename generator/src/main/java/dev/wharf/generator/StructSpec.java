package dev.wharf.generator;

import java.util.List;

/**
 * A struct: the top level of a message, a struct declared inline by a field, or a common struct.
 *
 * @param versions the versions in which the struct can appear
 */
public record StructSpec(String name, Versions versions, List<FieldSpec> fields) {

    public List<FieldSpec> taggedFieldsByTag() {
        return fields.stream()
                .filter(FieldSpec::isTagged)
                .sorted((a, b) -> Integer.compare(a.tag().orElseThrow(), b.tag().orElseThrow()))
                .toList();
    }
}
