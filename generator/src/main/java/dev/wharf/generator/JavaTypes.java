package dev.wharf.generator;

import dev.wharf.generator.FieldType.ArrayType;
import dev.wharf.generator.FieldType.Primitive;
import dev.wharf.generator.FieldType.PrimitiveType;
import dev.wharf.generator.FieldType.StructType;

/**
 * How each spec type is represented in generated Java: its declared type, its default value, and
 * the reader/writer/size calls that encode it. Runtime types are always fully qualified because
 * spec struct names (Node, Status, Records, ...) become nested classes that would shadow imports.
 */
final class JavaTypes {
    static final String RUNTIME = "dev.wharf.wire.protocol.";
    static final String READER = RUNTIME + "MessageReader";
    static final String WRITER = RUNTIME + "MessageWriter";
    static final String SIZES = RUNTIME + "Sizes";
    static final String RAW_TAGGED_FIELD = RUNTIME + "RawTaggedField";
    static final String UNSUPPORTED_VERSION = RUNTIME + "UnsupportedVersionException";
    static final String RECORDS = "dev.wharf.wire.records.Records";
    static final String ZERO_UUID = SIZES + ".ZERO_UUID";
    static final String EMPTY_BYTES = SIZES + ".EMPTY_BYTES";

    private JavaTypes() {}

    static String declared(FieldType type) {
        if (type instanceof ArrayType a) {
            return "java.util.List<" + boxed(a.element()) + ">";
        }
        if (type instanceof StructType s) {
            return s.name();
        }
        return switch (((PrimitiveType) type).primitive()) {
            case BOOL -> "boolean";
            case INT8 -> "byte";
            case INT16 -> "short";
            case UINT16, INT32 -> "int";
            case UINT32, INT64 -> "long";
            case FLOAT64 -> "double";
            case STRING -> "String";
            case BYTES -> "byte[]";
            case UUID -> "java.util.UUID";
            case RECORDS -> RECORDS;
        };
    }

    static String boxed(FieldType type) {
        if (type instanceof PrimitiveType p) {
            return switch (p.primitive()) {
                case BOOL -> "Boolean";
                case INT8 -> "Byte";
                case INT16 -> "Short";
                case UINT16, INT32 -> "Integer";
                case UINT32, INT64 -> "Long";
                case FLOAT64 -> "Double";
                default -> declared(type);
            };
        }
        return declared(type);
    }

    static boolean isJavaPrimitive(FieldType type) {
        return type instanceof PrimitiveType p
                && switch (p.primitive()) {
                    case STRING, BYTES, UUID, RECORDS -> false;
                    default -> true;
                };
    }

    /** Fixed wire size of a primitive, or -1 when it has a length prefix. */
    static int fixedSize(Primitive p) {
        return switch (p) {
            case BOOL, INT8 -> 1;
            case INT16, UINT16 -> 2;
            case INT32, UINT32 -> 4;
            case INT64, FLOAT64 -> 8;
            case UUID -> 16;
            case STRING, BYTES, RECORDS -> -1;
        };
    }

    /** Java expression for the field's default value. */
    static String defaultValue(FieldSpec field, String where) {
        FieldType type = field.type();
        String spec = field.defaultValue().orElse("");
        boolean nullDefault = spec.equals("null");
        if (nullDefault && !field.nullableVersions().covers(field.versions())) {
            throw new SpecException(where + ": a null default needs the field nullable in all its versions");
        }
        if (type instanceof ArrayType) {
            requireEmptyOrNull(spec, where);
            return nullDefault ? "null" : "new java.util.ArrayList<>(0)";
        }
        if (type instanceof StructType s) {
            requireEmptyOrNull(spec, where);
            return nullDefault ? "null" : "new " + s.name() + "()";
        }
        Primitive p = ((PrimitiveType) type).primitive();
        switch (p) {
            case BOOL:
                if (spec.isEmpty()) {
                    return "false";
                }
                if (spec.equalsIgnoreCase("true") || spec.equalsIgnoreCase("false")) {
                    return spec.toLowerCase(java.util.Locale.ROOT);
                }
                throw new SpecException(where + ": invalid bool default '" + spec + "'");
            case INT8:
                return "(byte) " + integer(spec, Byte.MIN_VALUE, Byte.MAX_VALUE, where);
            case INT16:
                return "(short) " + integer(spec, Short.MIN_VALUE, Short.MAX_VALUE, where);
            case UINT16:
                return Long.toString(integer(spec, 0, 0xFFFF, where));
            case INT32:
                return Long.toString(integer(spec, Integer.MIN_VALUE, Integer.MAX_VALUE, where));
            case UINT32:
                return integer(spec, 0, 0xFFFF_FFFFL, where) + "L";
            case INT64:
                return integer(spec, Long.MIN_VALUE, Long.MAX_VALUE, where) + "L";
            case FLOAT64: {
                double d = spec.isEmpty() ? 0.0 : Double.parseDouble(spec);
                if (Double.isNaN(d)) {
                    return "Double.NaN";
                }
                if (Double.isInfinite(d)) {
                    return d > 0 ? "Double.POSITIVE_INFINITY" : "Double.NEGATIVE_INFINITY";
                }
                return d + "d";
            }
            case STRING:
                return nullDefault ? "null" : stringLiteral(spec);
            case BYTES:
                requireEmptyOrNull(spec, where);
                return nullDefault ? "null" : EMPTY_BYTES;
            case UUID:
                if (!spec.isEmpty()) {
                    throw new SpecException(where + ": uuid defaults other than zero are not supported");
                }
                return ZERO_UUID;
            case RECORDS:
                return "null";
            default:
                throw new AssertionError(p);
        }
    }

    /**
     * Java condition that is true when {@code value} differs from the field's default. Null counts
     * as different from any non-null default.
     */
    static String nonDefault(FieldSpec field, String value) {
        FieldType type = field.type();
        boolean nullDefault = field.defaultValue().orElse("").equals("null");
        if (type instanceof ArrayType) {
            return nullDefault ? value + " != null" : "(" + value + " == null || !" + value + ".isEmpty())";
        }
        if (type instanceof StructType) {
            return nullDefault
                    ? value + " != null"
                    : "(" + value + " == null || !" + value + ".hasOnlyDefaults())";
        }
        Primitive p = ((PrimitiveType) type).primitive();
        return switch (p) {
            case STRING -> nullDefault
                    ? value + " != null"
                    : "!" + stringLiteral(field.defaultValue().orElse("")) + ".equals(" + value + ")";
            case BYTES -> nullDefault ? value + " != null" : "(" + value + " == null || " + value + ".length != 0)";
            case UUID -> "!" + ZERO_UUID + ".equals(" + value + ")";
            case RECORDS -> value + " != null";
            case FLOAT64 -> "Double.compare(" + value + ", " + defaultValue(field, field.name()) + ") != 0";
            default -> value + " != " + defaultValue(field, field.name());
        };
    }

    private static void requireEmptyOrNull(String spec, String where) {
        if (!spec.isEmpty() && !spec.equals("null")) {
            throw new SpecException(where + ": only an empty or null default is allowed, not '" + spec + "'");
        }
    }

    private static long integer(String spec, long min, long max, String where) {
        if (spec.isEmpty()) {
            return 0;
        }
        long v;
        try {
            v = Long.decode(spec);
        } catch (NumberFormatException e) {
            throw new SpecException(where + ": invalid integer default '" + spec + "'");
        }
        if (v < min || v > max) {
            throw new SpecException(where + ": default " + spec + " is out of range");
        }
        return v;
    }

    static String stringLiteral(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                // octal, never \\uXXXX: javac would turn \\u000a into a line break before lexing
                b.append(String.format("\\%03o", (int) c));
            } else if (c > 0x7e) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
