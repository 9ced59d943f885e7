package dev.wharf.registry.protobuf;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import com.squareup.wire.schema.ErrorCollector;
import com.squareup.wire.schema.Linker;
import com.squareup.wire.schema.Location;
import com.squareup.wire.schema.ProtoFile;
import com.squareup.wire.schema.Schema;
import com.squareup.wire.schema.internal.parser.ProtoFileElement;
import com.squareup.wire.schema.internal.parser.ProtoParser;
import dev.wharf.registry.ParsedSchema;
import dev.wharf.registry.RegistryException;
import dev.wharf.registry.SchemaType;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Protobuf schemas: .proto text parsed and linked by Square's Wire (every import must resolve to a
 * reference or a built-in file, every type name to a type), or a base64 {@code FileDescriptorProto}
 * as Confluent's Python and JavaScript serializers send, read by protobuf-java and stored as text.
 * A reference's name is the import path that reaches it.
 */
public final class ProtobufFormat implements SchemaType.Format {
    /** Where the schema itself sits among its imports: the name its serialized descriptor carries. */
    static final String ROOT = "default";
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    @Override
    public SchemaType type() {
        return SchemaType.PROTOBUF;
    }

    @Override
    public ParsedSchema parse(String schema, List<SchemaType.Resolved> dependencies, boolean isNew) {
        Map<String, ProtoFile> imports = new HashMap<>();
        for (SchemaType.Resolved d : dependencies) {
            if (d.type() != SchemaType.PROTOBUF) {
                throw RegistryException.invalidSchema("Invalid schema: reference " + d.name() + " is of type " + d.type() + ", not PROTOBUF");
            }
            imports.put(d.name(), ProtoFile.Companion.get(ProtoText.withoutDocs(read(d.schema(), d.name()))));
        }
        ProtoFileElement root = ProtoText.withoutDocs(read(schema, ROOT));
        Schema linked;
        try {
            Linker linker = new Linker(new ProtoImports(imports), new ErrorCollector(), false, false);
            linked = linker.link(List.of(ProtoFile.Companion.get(root)));
        } catch (RuntimeException e) { // Wire's SchemaException, or a rule its linker checks by throwing
            throw RegistryException.invalidSchema("Invalid schema " + schema + " of type PROTOBUF, details: " + e.getMessage());
        }
        return new ProtobufSchema(root, linked, ProtoText.print(root));
    }

    /** Text when Wire parses it, else a base64 descriptor; 42201 with the text's syntax error when neither. */
    static ProtoFileElement read(String schema, String path) {
        Location location = Location.get(path);
        try {
            return ProtoParser.Companion.parse(location, schema);
        } catch (RuntimeException textError) {
            try {
                byte[] bytes = Base64.getDecoder().decode(WHITESPACE.matcher(schema).replaceAll(""));
                return DescriptorElements.toElement(FileDescriptorProto.parseFrom(bytes), location);
            } catch (RuntimeException | InvalidProtocolBufferException notDescriptor) {
                // neither: report the text's error, the likelier intent
            }
            throw RegistryException.invalidSchema("Invalid schema " + schema + " of type PROTOBUF, details: " + textError.getMessage());
        }
    }
}
