package dev.wharf.generator;

/** The type of a spec field: a primitive, a struct (by name) or an array of either. */
public sealed interface FieldType {

    enum Primitive {
        BOOL("bool"),
        INT8("int8"),
        INT16("int16"),
        UINT16("uint16"),
        INT32("int32"),
        UINT32("uint32"),
        INT64("int64"),
        FLOAT64("float64"),
        STRING("string"),
        BYTES("bytes"),
        UUID("uuid"),
        RECORDS("records");

        final String specName;

        Primitive(String specName) {
            this.specName = specName;
        }

        /** Types that may be declared nullable and are written with a length (or marker) prefix. */
        boolean isVariableLength() {
            return this == STRING || this == BYTES || this == RECORDS;
        }
    }

    record PrimitiveType(Primitive primitive) implements FieldType {}

    record StructType(String name) implements FieldType {}

    record ArrayType(FieldType element) implements FieldType {}

    static FieldType parse(String text) {
        if (text.startsWith("[]")) {
            FieldType element = parse(text.substring(2));
            if (element instanceof ArrayType) {
                throw new SpecException("nested arrays are not supported: " + text);
            }
            return new ArrayType(element);
        }
        for (Primitive p : Primitive.values()) {
            if (p.specName.equals(text)) {
                return new PrimitiveType(p);
            }
        }
        if (text.isEmpty() || !Character.isUpperCase(text.charAt(0))) {
            throw new SpecException("unknown field type '" + text + "'");
        }
        return new StructType(text);
    }

    default boolean isPrimitive(Primitive p) {
        return this instanceof PrimitiveType pt && pt.primitive() == p;
    }

    /** Whether the spec allows this type to be nullable. */
    default boolean canBeNullable() {
        return !(this instanceof PrimitiveType p) || p.primitive().isVariableLength();
    }
}
