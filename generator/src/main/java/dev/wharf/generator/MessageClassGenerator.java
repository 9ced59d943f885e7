package dev.wharf.generator;

import static dev.wharf.generator.JavaTypes.READER;
import static dev.wharf.generator.JavaTypes.SIZES;
import static dev.wharf.generator.JavaTypes.UNSUPPORTED_VERSION;
import static dev.wharf.generator.JavaTypes.WRITER;

import dev.wharf.generator.FieldType.ArrayType;
import dev.wharf.generator.FieldType.Primitive;
import dev.wharf.generator.FieldType.PrimitiveType;
import dev.wharf.generator.FieldType.StructType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generates one Java class for one message spec: typed fields, accessors, and {@code read},
 * {@code write} and {@code size} for every valid version. Nested structs become static nested
 * classes of the message class, named after the spec's struct names.
 *
 * <p>Encoding rules (matching the Java client byte for byte): classic versions use int16 string
 * lengths, int32 bytes/array lengths and -1 for null; flexible versions use unsigned varints of
 * length + 1 (0 for null) and end every struct with a tagged-field section. Nullable struct fields
 * carry a marker byte (-1 null, 1 present). Tagged fields are written only when they differ from
 * their default, in ascending tag order merged with unknown tags kept from decoding.
 */
public final class MessageClassGenerator {
    private static final String RAW_LIST = "java.util.List<" + JavaTypes.RAW_TAGGED_FIELD + ">";

    private final MessageSpec spec;
    private final String packageName;
    /** The versions any struct of this message can be read or written in. */
    private final Versions messageVersions;
    private final Map<String, StructSpec> structs = new LinkedHashMap<>();

    public MessageClassGenerator(MessageSpec spec, String packageName) {
        this.spec = spec;
        this.packageName = packageName;
        this.messageVersions = messageVersions(spec);
        for (StructSpec common : spec.commonStructs()) {
            register(common);
            collectStructs(common.fields());
        }
        collectStructs(spec.struct().fields());
        validateTaggedFields(spec.struct().fields());
        for (StructSpec s : structs.values()) {
            validateTaggedFields(s.fields());
        }
    }

    /**
     * The versions the generated class accepts. Headers also accept version 0 (request header v0
     * has no client id): Kafka 4's spec lists 1-2 because the one API that used v0,
     * ControlledShutdown v0, is gone, but v0 is part of the protocol and costs nothing to keep.
     */
    public static Versions messageVersions(MessageSpec spec) {
        Versions valid = spec.validVersions();
        if (spec.kind() == MessageSpec.Kind.HEADER && !valid.isEmpty()) {
            return new Versions((short) 0, valid.highest());
        }
        return valid;
    }

    public String className() {
        return spec.name();
    }

    private void collectStructs(List<FieldSpec> fields) {
        for (FieldSpec f : fields) {
            if (f.structName().isPresent() && !f.fields().isEmpty()) {
                register(new StructSpec(f.structName().get(), f.versions(), f.fields()));
                collectStructs(f.fields());
            }
        }
    }

    /** Tagged fields must be open-ended, flexible-only, and of a type that can be tagged. */
    private void validateTaggedFields(List<FieldSpec> fields) {
        for (FieldSpec f : fields) {
            if (!f.isTagged()) {
                continue;
            }
            String where = spec.name() + "." + f.name();
            if (!f.taggedVersions().isOpenEnded()) {
                throw new SpecException(where + ": taggedVersions must be open-ended");
            }
            if (!spec.flexibleVersions().covers(f.taggedVersions())) {
                throw new SpecException(where + ": tagged in versions that are not flexible");
            }
            if (!f.versions().covers(f.taggedVersions()) || !f.versions().isOpenEnded()) {
                throw new SpecException(where + ": taggedVersions must be the tail of versions");
            }
            if (f.type().isPrimitive(Primitive.RECORDS)) {
                throw new SpecException(where + ": records cannot be tagged");
            }
        }
    }

    private void register(StructSpec struct) {
        if (struct.name().equals(spec.name())) {
            throw new SpecException(spec.name() + ": a struct cannot share the message's name");
        }
        if (structs.putIfAbsent(struct.name(), struct) != null) {
            throw new SpecException(spec.name() + ": struct " + struct.name() + " is declared twice");
        }
    }

    private StructSpec struct(String name) {
        StructSpec s = structs.get(name);
        if (s == null) {
            throw new SpecException(spec.name() + ": unknown struct type " + name);
        }
        return s;
    }

    public String generate() {
        List<StructSpec> all = new java.util.ArrayList<>(structs.values());
        all.add(spec.struct());
        for (StructSpec s : all) {
            for (FieldSpec f : s.fields()) {
                f.structName().ifPresent(this::struct); // every referenced struct must exist
            }
        }
        CodeWriter w = new CodeWriter();
        w.line("// Generated by dev.wharf.generator from the Kafka message spec " + spec.name() + ".json. Do not edit.");
        w.line("package " + packageName + ";");
        w.blank();
        w.line("/** Kafka message {@code " + spec.name() + "}, versions " + spec.validVersions() + ". */");
        emitStruct(w, spec.struct(), true);
        return w.toString();
    }

    // ---------------------------------------------------------------- class layout

    private void emitStruct(CodeWriter w, StructSpec struct, boolean topLevel) {
        String name = struct.name();
        String iface = topLevel && spec.apiKey().isPresent() ? "ApiMessage" : "Message";
        // responses that can tell a client it was throttled share one interface, so quota code needs no per-API cases
        if (topLevel && spec.kind() == MessageSpec.Kind.RESPONSE
                && struct.fields().stream().anyMatch(f -> f.name().equals("ThrottleTimeMs"))) {
            iface = "ThrottledResponse";
        }
        w.open("public " + (topLevel ? "" : "static ") + "final class " + name
                + " implements " + JavaTypes.RUNTIME + iface);
        if (topLevel) {
            emitConstants(w);
        }
        for (FieldSpec f : struct.fields()) {
            w.line("private " + JavaTypes.declared(f.type()) + " " + f.camelName() + ";");
        }
        w.line("private " + RAW_LIST + " unknownTaggedFields;");
        w.blank();

        w.open("public " + name + "()");
        for (FieldSpec f : struct.fields()) {
            w.line("this." + f.camelName() + " = " + JavaTypes.defaultValue(f, where(struct, f)) + ";");
        }
        w.close();
        w.blank();
        w.line("/** Decodes an instance of {@code version} from the reader's current position. */");
        w.open("public " + name + "(" + READER + " reader, short version)");
        w.line("read(reader, version);");
        w.close();
        w.blank();

        emitRead(w, struct, topLevel);
        emitWrite(w, struct, topLevel);
        emitSize(w, struct);
        emitAccessors(w, struct);
        emitHasOnlyDefaults(w, struct);
        emitEquals(w, struct);
        emitToString(w, struct);
        if (spec.kind() == MessageSpec.Kind.RESPONSE) {
            ErrorCodesEmitter.emit(w, struct, this::struct, this::cond);
        }

        if (topLevel) {
            for (StructSpec nested : structs.values()) {
                w.blank();
                emitStruct(w, nested, false);
            }
        }
        w.close();
    }

    private void emitConstants(CodeWriter w) {
        Versions v = messageVersions;
        if (spec.apiKey().isPresent()) {
            w.line("public static final short API_KEY = " + spec.apiKey().get() + ";");
        }
        w.line("public static final short LOWEST_SUPPORTED_VERSION = " + (v.isEmpty() ? 0 : v.lowest()) + ";");
        w.line("public static final short HIGHEST_SUPPORTED_VERSION = " + v.highest() + ";");
        w.line("/** Lowest flexible version, or -1 when no version is flexible. */");
        w.line("public static final short LOWEST_FLEXIBLE_VERSION = "
                + (spec.flexibleVersions().isEmpty() ? -1 : spec.flexibleVersions().lowest()) + ";");
        w.blank();
        if (spec.apiKey().isPresent()) {
            w.line("@Override");
            w.line("public short apiKey() { return API_KEY; }");
            w.blank();
        }
        String override = spec.apiKey().isPresent() ? "@Override " : "";
        w.line(override + "public short lowestSupportedVersion() { return LOWEST_SUPPORTED_VERSION; }");
        w.blank();
        w.line(override + "public short highestSupportedVersion() { return HIGHEST_SUPPORTED_VERSION; }");
        w.blank();
    }

    private void emitVersionCheck(CodeWriter w, String verb) {
        w.open("if (version < LOWEST_SUPPORTED_VERSION || version > HIGHEST_SUPPORTED_VERSION)");
        w.line("throw " + UNSUPPORTED_VERSION + ".cannot(\"" + verb + "\", \"" + spec.name() + "\", version);");
        w.close();
    }

    // ---------------------------------------------------------------- read

    private void emitRead(CodeWriter w, StructSpec struct, boolean topLevel) {
        w.line("@Override");
        w.open("public void read(" + READER + " reader, short version)");
        if (topLevel) {
            emitVersionCheck(w, "read");
        }
        w.line("final boolean flexible = " + cond(spec.flexibleVersions()) + ";");
        for (FieldSpec f : struct.fields()) {
            String target = "this." + f.camelName();
            String present = cond(positionalVersions(f));
            ifElse(w, present,
                    () -> readValue(w, f, target, f.type(), compact(f), cond(f.nullableVersions()), false),
                    () -> w.line(target + " = " + JavaTypes.defaultValue(f, where(struct, f)) + ";"));
        }
        w.line("this.unknownTaggedFields = null;");
        if (neverFlexible()) {
            w.close();
            w.blank();
            return;
        }
        w.open("if (flexible)");
        List<FieldSpec> tagged = struct.taggedFieldsByTag();
        w.line("int _numTaggedFields = reader.readTaggedFieldCount();");
        w.open("for (int _t = 0; _t < _numTaggedFields; _t++)");
        w.line("int _tag = reader.readTag();");
        w.line("int _size = reader.readTaggedFieldSize(_tag);");
        w.line("int _start = reader.position();");
        if (tagged.isEmpty()) {
            w.line("this.unknownTaggedFields = reader.readUnknownTaggedField(this.unknownTaggedFields, _tag, _size);");
        } else {
            w.open("switch (_tag)");
            for (FieldSpec f : tagged) {
                w.open("case " + f.tag().get() + ":");
                String valid = cond(f.taggedVersions());
                if (!valid.equals("true")) {
                    w.open("if (!(" + valid + "))");
                    w.line("throw reader.invalidTag(_tag, version);");
                    w.close();
                }
                readValue(w, f, "this." + f.camelName(), f.type(), "true", cond(f.nullableVersions()), true);
                w.line("break;");
                w.close();
            }
            w.open("default:");
            w.line("this.unknownTaggedFields = reader.readUnknownTaggedField(this.unknownTaggedFields, _tag, _size);");
            w.line("break;");
            w.close();
            w.close();
        }
        w.line("reader.checkTaggedFieldEnd(_tag, _start, _size);");
        w.close();
        w.close();
        w.close();
        w.blank();
    }

    private void readValue(
            CodeWriter w, FieldSpec f, String target, FieldType type, String compact, String nullable, boolean tagged) {
        String label = JavaTypes.stringLiteral(f.camelName());
        if (type instanceof ArrayType a) {
            w.open("");
            int minElementSize = a.element() instanceof PrimitiveType p && JavaTypes.fixedSize(p.primitive()) > 0
                    ? JavaTypes.fixedSize(p.primitive())
                    : 1;
            w.line("int _n = reader.readArrayLength(" + compact + ", " + nullable + ", " + label + ", "
                    + minElementSize + ");");
            w.open("if (_n < 0)");
            w.line(target + " = null;");
            w.reopen("else");
            String elem = JavaTypes.boxed(a.element());
            w.line("java.util.ArrayList<" + elem + "> _list = new java.util.ArrayList<>(_n);");
            w.open("for (int _i = 0; _i < _n; _i++)");
            w.line("_list.add(" + readExpr(a.element(), compact, "false", f.camelName() + " element") + ");");
            w.close();
            w.line(target + " = _list;");
            w.close();
            w.close();
        } else if (type instanceof StructType s) {
            String make = "new " + s.name() + "(reader, version)";
            if (nullable.equals("false")) {
                w.line(target + " = " + make + ";");
            } else if (tagged) {
                w.line(target + " = reader.readUnsignedVarint() <= 0 ? null : " + make + ";");
            } else {
                w.line(target + " = reader.readNullMarker(" + nullable + ") ? null : " + make + ";");
            }
        } else {
            w.line(target + " = " + readExpr(type, compact, nullable, f.camelName()) + ";");
        }
    }

    private String readExpr(FieldType type, String compact, String nullable, String label) {
        if (type instanceof StructType s) {
            return "new " + s.name() + "(reader, version)";
        }
        String quoted = JavaTypes.stringLiteral(label);
        return switch (((PrimitiveType) type).primitive()) {
            case BOOL -> "reader.readBoolean()";
            case INT8 -> "reader.readByte()";
            case INT16 -> "reader.readShort()";
            case UINT16 -> "reader.readUnsignedShort()";
            case INT32 -> "reader.readInt()";
            case UINT32 -> "reader.readUnsignedInt()";
            case INT64 -> "reader.readLong()";
            case FLOAT64 -> "reader.readDouble()";
            case UUID -> "reader.readUuid()";
            case STRING -> "reader.readString(" + compact + ", " + nullable + ", " + quoted + ")";
            case BYTES -> "reader.readBytes(" + compact + ", " + nullable + ", " + quoted + ")";
            case RECORDS -> "reader.readRecords(" + compact + ", " + nullable + ", " + quoted + ")";
        };
    }

    // ---------------------------------------------------------------- write

    private void emitWrite(CodeWriter w, StructSpec struct, boolean topLevel) {
        w.line("@Override");
        w.open("public void write(" + WRITER + " writer, short version)");
        if (topLevel) {
            emitVersionCheck(w, "write");
        }
        w.line("final boolean flexible = " + cond(spec.flexibleVersions()) + ";");
        for (FieldSpec f : struct.fields()) {
            String value = "this." + f.camelName();
            String positional = cond(positionalVersions(f));
            Runnable absent = absentCheck(w, f, value, f.isTagged() ? f.taggedVersions() : Versions.NONE);
            ifElse(w, positional,
                    () -> writeValue(w, f, value, f.type(), compact(f), cond(f.nullableVersions())),
                    absent);
        }
        List<FieldSpec> tagged = struct.taggedFieldsByTag();
        if (neverFlexible()) {
            w.open("if (this.unknownTaggedFields != null && !this.unknownTaggedFields.isEmpty())");
            w.line("throw " + UNSUPPORTED_VERSION + ".taggedFieldsNotSupported(\"" + struct.name() + "\", version);");
            w.close();
            w.close();
            w.blank();
            return;
        }
        w.open("if (flexible)");
        w.line("int _numTaggedFields = this.unknownTaggedFields == null ? 0 : this.unknownTaggedFields.size();");
        for (FieldSpec f : tagged) {
            w.open("if (" + taggedPresent(f) + ")");
            w.line("_numTaggedFields++;");
            w.close();
        }
        w.line("writer.writeUnsignedVarint(_numTaggedFields);");
        w.line("int _rawIndex = 0;");
        for (FieldSpec f : tagged) {
            int tag = f.tag().get();
            String value = "this." + f.camelName();
            w.line("_rawIndex = writer.writeRawTaggedFields(this.unknownTaggedFields, _rawIndex, " + tag + ");");
            w.open("if (" + taggedPresent(f) + ")");
            w.line("writer.writeUnsignedVarint(" + tag + ");");
            w.line("int _size = 0;");
            taggedPayloadSize(w, f, "_size", value);
            w.line("writer.writeUnsignedVarint(_size);");
            taggedPayloadWrite(w, f, value);
            w.close();
        }
        w.line("writer.writeRemainingRawTaggedFields(this.unknownTaggedFields, _rawIndex);");
        w.reopen("else if (this.unknownTaggedFields != null && !this.unknownTaggedFields.isEmpty())");
        w.line("throw " + UNSUPPORTED_VERSION + ".taggedFieldsNotSupported(\"" + struct.name() + "\", version);");
        w.close();
        w.close();
        w.blank();
    }

    /**
     * The check for versions where the field is not positional: a tagged field's own versions are
     * fine, anything else must hold the default. Null when there is nothing to check.
     */
    private Runnable absentCheck(CodeWriter w, FieldSpec f, String value, Versions tagged) {
        String inTagged = cond(tagged);
        if (f.ignorable() || inTagged.equals("true")) {
            return null;
        }
        String condition = inTagged.equals("false")
                ? JavaTypes.nonDefault(f, value)
                : "!(" + inTagged + ") && " + JavaTypes.nonDefault(f, value);
        return () -> {
            w.open("if (" + condition + ")");
            w.line("throw " + UNSUPPORTED_VERSION + ".nonDefault(\"" + f.camelName() + "\", version);");
            w.close();
        };
    }

    private String taggedPresent(FieldSpec f) {
        String valid = cond(f.taggedVersions());
        String nonDefault = JavaTypes.nonDefault(f, "this." + f.camelName());
        return valid.equals("true") ? nonDefault : "(" + valid + ") && " + nonDefault;
    }

    private void writeValue(CodeWriter w, FieldSpec f, String value, FieldType type, String compact, String nullable) {
        String label = JavaTypes.stringLiteral(f.camelName());
        if (type instanceof ArrayType a) {
            w.open("if (" + value + " == null)");
            w.line("writer.writeNullArray(" + compact + ", " + nullable + ", " + label + ");");
            w.reopen("else");
            w.line("writer.writeArrayLength(" + value + ".size(), " + compact + ");");
            w.open("for (" + JavaTypes.boxed(a.element()) + " _e : " + value + ")");
            writeElement(w, a.element(), "_e", compact, f.camelName() + " element");
            w.close();
            w.close();
        } else if (type instanceof StructType) {
            if (nullable.equals("false")) {
                w.line("writer.requireNonNull(" + value + ", " + label + ").write(writer, version);");
            } else {
                w.open("if (" + value + " == null)");
                w.line("writer.writeNullMarker(" + nullable + ", " + label + ");");
                w.reopen("else");
                if (nullable.equals("true")) {
                    w.line("writer.writeByte((byte) 1);");
                } else {
                    w.open("if (" + nullable + ")");
                    w.line("writer.writeByte((byte) 1);");
                    w.close();
                }
                w.line(value + ".write(writer, version);");
                w.close();
            }
        } else {
            w.line(writePrimitive((PrimitiveType) type, value, compact, nullable, f.camelName()) + ";");
        }
    }

    private void writeElement(CodeWriter w, FieldType type, String value, String compact, String label) {
        if (type instanceof StructType) {
            w.line("writer.requireNonNull(" + value + ", " + JavaTypes.stringLiteral(label) + ").write(writer, version);");
        } else {
            w.line("writer.requireNonNull(" + value + ", " + JavaTypes.stringLiteral(label) + ");");
            w.line(writePrimitive((PrimitiveType) type, value, compact, "false", label) + ";");
        }
    }

    private String writePrimitive(PrimitiveType type, String value, String compact, String nullable, String label) {
        String quoted = JavaTypes.stringLiteral(label);
        return switch (type.primitive()) {
            case BOOL -> "writer.writeBoolean(" + value + ")";
            case INT8 -> "writer.writeByte(" + value + ")";
            case INT16 -> "writer.writeShort(" + value + ")";
            case UINT16 -> "writer.writeUnsignedShort(" + value + ")";
            case INT32 -> "writer.writeInt(" + value + ")";
            case UINT32 -> "writer.writeUnsignedInt(" + value + ")";
            case INT64 -> "writer.writeLong(" + value + ")";
            case FLOAT64 -> "writer.writeDouble(" + value + ")";
            case UUID -> "writer.writeUuid(" + value + ")";
            case STRING -> "writer.writeString(" + value + ", " + compact + ", " + nullable + ", " + quoted + ")";
            case BYTES -> "writer.writeBytes(" + value + ", " + compact + ", " + nullable + ", " + quoted + ")";
            case RECORDS -> "writer.writeRecords(" + value + ", " + compact + ", " + nullable + ", " + quoted + ")";
        };
    }

    /** A tagged field's payload: always flexible; nullable structs carry a varint marker (1 = present). */
    private void taggedPayloadWrite(CodeWriter w, FieldSpec f, String value) {
        String nullable = cond(f.nullableVersions());
        if (f.type() instanceof StructType) {
            if (nullable.equals("false")) {
                w.line("writer.requireNonNull(" + value + ", " + JavaTypes.stringLiteral(f.camelName()) + ").write(writer, version);");
            } else {
                w.open("if (" + value + " == null)");
                w.line("writer.writeUnsignedVarint(0);");
                w.reopen("else");
                w.line("writer.writeUnsignedVarint(1);");
                w.line(value + ".write(writer, version);");
                w.close();
            }
        } else {
            writeValue(w, f, value, f.type(), "true", nullable);
        }
    }

    private void taggedPayloadSize(CodeWriter w, FieldSpec f, String acc, String value) {
        String nullable = cond(f.nullableVersions());
        if (f.type() instanceof StructType) {
            if (nullable.equals("false")) {
                w.line(acc + " += " + nonNull(value, f.camelName()) + ".size(version);");
            } else {
                w.line(acc + " += " + value + " == null ? 1 : 1 + " + value + ".size(version);");
            }
        } else {
            sizeValue(w, f, acc, value, f.type(), "true", nullable);
        }
    }

    // ---------------------------------------------------------------- size

    private void emitSize(CodeWriter w, StructSpec struct) {
        w.line("@Override");
        w.open("public int size(short version)");
        w.line("final boolean flexible = " + cond(spec.flexibleVersions()) + ";");
        w.line("long _total = 0;");
        for (FieldSpec f : struct.fields()) {
            String value = "this." + f.camelName();
            String positional = cond(positionalVersions(f));
            ifElse(w, positional,
                    () -> sizeValue(w, f, "_total", value, f.type(), compact(f), cond(f.nullableVersions())),
                    null);
        }
        if (neverFlexible()) {
            w.line("return " + SIZES + ".checked(_total, \"" + struct.name() + "\");");
            w.close();
            w.blank();
            return;
        }
        w.open("if (flexible)");
        w.line("int _numTaggedFields = 0;");
        for (FieldSpec f : struct.taggedFieldsByTag()) {
            w.open("if (" + taggedPresent(f) + ")");
            w.line("_numTaggedFields++;");
            w.line("int _size = 0;");
            taggedPayloadSize(w, f, "_size", "this." + f.camelName());
            w.line("_total += " + SIZES + ".unsignedVarint(" + f.tag().get() + ") + "
                    + SIZES + ".unsignedVarint(_size) + _size;");
            w.close();
        }
        w.open("if (this.unknownTaggedFields != null)");
        w.line("_numTaggedFields += this.unknownTaggedFields.size();");
        w.line("_total += " + SIZES + ".rawTaggedFields(this.unknownTaggedFields);");
        w.close();
        w.line("_total += " + SIZES + ".unsignedVarint(_numTaggedFields);");
        w.close();
        w.line("return " + SIZES + ".checked(_total, \"" + struct.name() + "\");");
        w.close();
        w.blank();
    }

    private void sizeValue(
            CodeWriter w, FieldSpec f, String acc, String value, FieldType type, String compact, String nullable) {
        if (type instanceof ArrayType a) {
            w.open("if (" + value + " == null)");
            w.line(acc + " += " + SIZES + ".arrayLength(-1, " + compact + ");");
            w.reopen("else");
            w.line(acc + " += " + SIZES + ".arrayLength(" + value + ".size(), " + compact + ");");
            if (a.element() instanceof PrimitiveType p && JavaTypes.fixedSize(p.primitive()) > 0) {
                w.line(acc + " += " + value + ".size() * " + JavaTypes.fixedSize(p.primitive()) + ";");
            } else {
                w.open("for (" + JavaTypes.boxed(a.element()) + " _e : " + value + ")");
                w.line(acc + " += " + sizeExpr(a.element(), "_e", compact) + ";");
                w.close();
            }
            w.close();
        } else if (type instanceof StructType) {
            if (nullable.equals("false")) {
                w.line(acc + " += " + nonNull(value, f.camelName()) + ".size(version);");
            } else {
                w.line(acc + " += " + value + " == null ? 1 : (" + nullable + " ? 1 : 0) + " + value + ".size(version);");
            }
        } else {
            w.line(acc + " += " + sizeExpr(type, value, compact) + ";");
        }
    }

    private String sizeExpr(FieldType type, String value, String compact) {
        if (type instanceof StructType) {
            return nonNull(value, "element") + ".size(version)";
        }
        Primitive p = ((PrimitiveType) type).primitive();
        int fixed = JavaTypes.fixedSize(p);
        if (fixed > 0) {
            return Integer.toString(fixed);
        }
        return switch (p) {
            case STRING -> SIZES + ".string(" + value + ", " + compact + ")";
            case BYTES -> SIZES + ".bytes(" + value + ", " + compact + ")";
            case RECORDS -> SIZES + ".records(" + value + ", " + compact + ")";
            default -> throw new AssertionError(p);
        };
    }

    // ---------------------------------------------------------------- accessors, equals, toString

    private void emitAccessors(CodeWriter w, StructSpec struct) {
        for (FieldSpec f : struct.fields()) {
            String type = JavaTypes.declared(f.type());
            if (!f.about().isEmpty()) {
                w.line("/** " + javadoc(f.about()) + " */");
            }
            w.line("public " + type + " " + f.camelName() + "() { return this." + f.camelName() + "; }");
            w.blank();
            w.open("public " + struct.name() + " set" + f.capitalizedName() + "(" + type + " v)");
            w.line("this." + f.camelName() + " = v;");
            w.line("return this;");
            w.close();
            w.blank();
        }
        w.line("@Override");
        w.open("public " + RAW_LIST + " unknownTaggedFields()");
        w.open("if (this.unknownTaggedFields == null)");
        w.line("this.unknownTaggedFields = new java.util.ArrayList<>(0);");
        w.close();
        w.line("return this.unknownTaggedFields;");
        w.close();
        w.blank();
    }

    /** Whether every field holds its default: cheaper than comparing with a new instance. */
    private void emitHasOnlyDefaults(CodeWriter w, StructSpec struct) {
        w.line("/** True when every field holds its default value and no unknown tagged field is set. */");
        w.open("public boolean hasOnlyDefaults()");
        for (FieldSpec f : struct.fields()) {
            w.line("if (" + JavaTypes.nonDefault(f, "this." + f.camelName()) + ") return false;");
        }
        w.line("return this.unknownTaggedFields == null || this.unknownTaggedFields.isEmpty();");
        w.close();
        w.blank();
    }

    private void emitEquals(CodeWriter w, StructSpec struct) {
        String name = struct.name();
        w.line("@Override");
        w.open("public boolean equals(Object o)");
        w.line("if (this == o) return true;");
        w.line("if (!(o instanceof " + name + " other)) return false;");
        for (FieldSpec f : struct.fields()) {
            String a = "this." + f.camelName();
            String b = "other." + f.camelName();
            String same;
            if (f.type().isPrimitive(Primitive.FLOAT64)) {
                same = "Double.compare(" + a + ", " + b + ") == 0";
            } else if (JavaTypes.isJavaPrimitive(f.type())) {
                same = a + " == " + b;
            } else if (f.type().isPrimitive(Primitive.BYTES)) {
                same = "java.util.Arrays.equals(" + a + ", " + b + ")";
            } else {
                same = "java.util.Objects.equals(" + a + ", " + b + ")";
            }
            w.line("if (!(" + same + ")) return false;");
        }
        w.line("return " + SIZES + ".sameRawTaggedFields(this.unknownTaggedFields, other.unknownTaggedFields);");
        w.close();
        w.blank();
        w.line("@Override");
        w.open("public int hashCode()");
        w.line("int h = 17;");
        for (FieldSpec f : struct.fields()) {
            String v = "this." + f.camelName();
            String hash;
            if (f.type().isPrimitive(Primitive.BYTES)) {
                hash = "java.util.Arrays.hashCode(" + v + ")";
            } else if (JavaTypes.isJavaPrimitive(f.type())) {
                hash = JavaTypes.boxed(f.type()) + ".hashCode(" + v + ")";
            } else {
                hash = "java.util.Objects.hashCode(" + v + ")";
            }
            w.line("h = 31 * h + " + hash + ";");
        }
        w.line("return h;");
        w.close();
        w.blank();
    }

    private void emitToString(CodeWriter w, StructSpec struct) {
        w.line("@Override");
        w.open("public String toString()");
        StringBuilder expr = new StringBuilder("\"" + struct.name() + "(\"");
        String sep = "";
        for (FieldSpec f : struct.fields()) {
            String v = "this." + f.camelName();
            String shown = f.type().isPrimitive(Primitive.BYTES) ? "java.util.Arrays.toString(" + v + ")" : v;
            expr.append("\n                + \"").append(sep).append(f.camelName()).append("=\" + ").append(shown);
            sep = ", ";
        }
        expr.append("\n                + \")\"");
        w.line("return " + expr + ";");
        w.close();
    }

    // ---------------------------------------------------------------- helpers

    /** A value that must not be null, checked with a clear error (size() has no writer to ask). */
    private static String nonNull(String value, String label) {
        return SIZES + ".nonNull(" + value + ", " + JavaTypes.stringLiteral(label) + ")";
    }

    /** Versions in which the field sits at its position in the struct (not in the tagged section). */
    private static Versions positionalVersions(FieldSpec f) {
        if (!f.isTagged()) {
            return f.versions();
        }
        Versions tagged = f.taggedVersions();
        if (tagged.lowest() <= f.versions().lowest()) {
            return Versions.NONE;
        }
        return new Versions(f.versions().lowest(), (short) (tagged.lowest() - 1));
    }

    /** Messages with no flexible version have no tagged-field sections at all. */
    private boolean neverFlexible() {
        return cond(spec.flexibleVersions()).equals("false");
    }

    private String compact(FieldSpec f) {
        return f.flexibleVersions().map(this::cond).orElse("flexible");
    }

    /** A Java boolean expression over {@code version}, simplified against the message's versions. */
    String cond(Versions v) {
        Versions within = v.intersect(messageVersions);
        if (within.isEmpty()) {
            return "false";
        }
        if (v.covers(messageVersions)) {
            return "true";
        }
        boolean checkLow = within.lowest() > messageVersions.lowest();
        boolean checkHigh = within.highest() < messageVersions.highest();
        if (within.lowest() == within.highest() && checkLow && checkHigh) {
            return "version == " + within.lowest();
        }
        String low = "version >= " + within.lowest();
        String high = "version <= " + within.highest();
        if (checkLow && checkHigh) {
            return "(" + low + " && " + high + ")";
        }
        return checkLow ? low : high;
    }

    private static void ifElse(CodeWriter w, String condition, Runnable then, Runnable otherwise) {
        if (condition.equals("true")) {
            then.run();
        } else if (condition.equals("false")) {
            if (otherwise != null) {
                otherwise.run();
            }
        } else {
            w.open("if (" + condition + ")");
            then.run();
            if (otherwise != null) {
                w.reopen("else");
                otherwise.run();
            }
            w.close();
        }
    }

    private String where(StructSpec struct, FieldSpec f) {
        return spec.name() + "." + struct.name() + "." + f.name();
    }

    private static String javadoc(String text) {
        return text.replace("*/", "*&#47;").replace("@", "{@literal @}").replace("<", "&lt;").replace(">", "&gt;");
    }
}
