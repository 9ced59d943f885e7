package dev.wharf.registry;

import java.util.List;

/** A schema its type's library accepted: the text the registry stores, and how it compares with another. */
public interface ParsedSchema {
    SchemaType type();

    /** The text stored and served: the library's compact rendering, so that layout alone never makes a new id. */
    String canonical();

    /**
     * The text served for {@code ?format=}: a type may offer another rendering (Protobuf's
     * {@code serialized} descriptor); any other format is the stored text, as Confluent answers.
     */
    default String formatted(String format) {
        return canonical();
    }

    /** The same schema in the type's normal form (names qualified, options sorted), for {@code normalize=true}. */
    ParsedSchema normalized();

    /**
     * Why this schema, reading, cannot read data written with {@code writer}; empty when it can.
     * {@code self} and {@code other} name the two in the messages ("new", "old").
     */
    List<String> readErrors(ParsedSchema writer, String self, String other);
}
