package dev.wharf.registry.avro;

import dev.wharf.registry.ParsedSchema;
import dev.wharf.registry.SchemaType;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * A parsed Avro schema. Compatibility is Apache Avro's reader/writer check
 * ({@link SchemaCompatibility}), each incompatibility reported with its kind, where it is (a JSON
 * pointer into the schema) and what it concerns.
 */
final class AvroSchema implements ParsedSchema {
    private final Schema schema;
    private final List<Schema> referenced;
    private final String canonical;

    AvroSchema(Schema schema, List<Schema> referenced) {
        this.schema = schema;
        this.referenced = referenced;
        this.canonical = schema.toString(referenced, false);
    }

    @Override
    public SchemaType type() {
        return SchemaType.AVRO;
    }

    @Override
    public String canonical() {
        return canonical;
    }

    @Override
    public ParsedSchema normalized() {
        return new NormalizedAvro(AvroNormalForm.of(schema, referenced));
    }

    @Override
    public List<String> readErrors(ParsedSchema writer, String self, String other) {
        return readErrors(schema, avroOf(writer), self, other);
    }

    /** The Avro schema behind a parsed one, as given or in its normal form. */
    private static Schema avroOf(ParsedSchema parsed) {
        return parsed instanceof NormalizedAvro n ? n.source() : ((AvroSchema) parsed).schema;
    }

    static List<String> readErrors(Schema reader, Schema writer, String self, String other) {
        List<String> out = new ArrayList<>();
        for (SchemaCompatibility.Incompatibility i : SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
                .getResult().getIncompatibilities()) {
            out.add("{errorType:'" + i.getType() + "', description:'" + describe(i, self, other) + "', additionalInfo:'"
                    + i.getMessage() + "'}");
        }
        return out;
    }

    private static String describe(SchemaCompatibility.Incompatibility i, String self, String other) {
        String at = "at path '" + i.getLocation() + "'";
        return switch (i.getType()) {
            case NAME_MISMATCH -> "The name of the schema has changed (path '" + i.getLocation() + "')";
            case FIXED_SIZE_MISMATCH -> "The size of FIXED type field " + at + " in the " + self
                    + " schema does not match with the " + other + " schema";
            case MISSING_ENUM_SYMBOLS -> "The " + self + " schema is missing enum symbols '" + i.getMessage() + "' " + at
                    + " in the " + other + " schema";
            case READER_FIELD_MISSING_DEFAULT_VALUE -> "The field '" + i.getMessage() + "' " + at + " in the " + self
                    + " schema has no default value and is missing in the " + other + " schema";
            case MISSING_UNION_BRANCH -> "The " + self + " schema is missing a type inside a union field " + at + " in the "
                    + other + " schema";
            default -> "The type (path '" + i.getLocation() + "') of a field in the " + self
                    + " schema does not match with the " + other + " schema";
        };
    }

    /** The normal form as stored: its own text, compared as the schema it came from. */
    private record NormalizedAvro(AvroNormalForm form) implements ParsedSchema {
        Schema source() {
            return form.schema();
        }

        @Override
        public SchemaType type() {
            return SchemaType.AVRO;
        }

        @Override
        public String canonical() {
            return form.text();
        }

        @Override
        public ParsedSchema normalized() {
            return this;
        }

        @Override
        public List<String> readErrors(ParsedSchema writer, String self, String other) {
            return AvroSchema.readErrors(form.schema(), avroOf(writer), self, other);
        }
    }
}
