package dev.wharf.registry.protobuf;

import com.google.protobuf.ApiProto;
import com.google.protobuf.FieldMaskProto;
import com.google.protobuf.SourceContextProto;
import com.google.protobuf.TypeProto;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.squareup.wire.schema.CoreLoader;
import com.squareup.wire.schema.CoreLoaderKt;
import com.squareup.wire.schema.ErrorCollector;
import com.squareup.wire.schema.Loader;
import com.squareup.wire.schema.Location;
import com.squareup.wire.schema.ProtoFile;
import com.squareup.wire.schema.internal.parser.ProtoFileElement;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What a schema's imports resolve to for Wire's linker: its references by name first, then the
 * files every Confluent serializer treats as built in and never registers (Google's well-known
 * types, Google's common types {@code google/type/*.proto}, and Confluent's
 * {@code confluent/meta.proto} and {@code confluent/type/decimal.proto}).
 */
final class ProtoImports implements Loader {
    private static final Map<String, FileDescriptor> WELL_KNOWN_IN_PROTOBUF_JAVA = Map.of(
            "google/protobuf/api.proto", ApiProto.getDescriptor(),
            "google/protobuf/field_mask.proto", FieldMaskProto.getDescriptor(),
            "google/protobuf/source_context.proto", SourceContextProto.getDescriptor(),
            "google/protobuf/type.proto", TypeProto.getDescriptor());
    private static final String GOOGLE_TYPE = "google/type/";
    private static final Map<String, String> CONFLUENT = Map.of(
            "confluent/meta.proto", "meta.proto",
            "confluent/type/decimal.proto", "decimal.proto");

    private final Map<String, ProtoFile> references;
    private final ErrorCollector errors;

    ProtoImports(Map<String, ProtoFile> references) {
        this(references, new ErrorCollector());
    }

    private ProtoImports(Map<String, ProtoFile> references, ErrorCollector errors) {
        this.references = references;
        this.errors = errors;
    }

    @Override
    public ProtoFile load(String path) {
        ProtoFile reference = references.get(path);
        if (reference != null) {
            return reference;
        }
        if (CoreLoaderKt.isWireRuntimeProto(path)) {
            return CoreLoader.INSTANCE.load(path);
        }
        FileDescriptor wellKnown = WELL_KNOWN_IN_PROTOBUF_JAVA.get(path);
        if (wellKnown != null) {
            return ProtoFile.Companion.get(DescriptorElements.toElement(wellKnown.toProto(), Location.get(path)));
        }
        String confluent = CONFLUENT.get(path);
        if (confluent != null) {
            return ProtoFile.Companion.get(ProtobufFormat.read(resource(ProtoImports.class, confluent), path));
        }
        if (path.startsWith(GOOGLE_TYPE) && path.endsWith(".proto") && !path.contains("..")
                && ProtoImports.class.getClassLoader().getResource(path) != null) {
            // the .proto files Google's common protos jar ships beside its classes
            return ProtoFile.Companion.get(ProtobufFormat.read(resource(null, path), path));
        }
        errors.plusAssign("unable to find " + path + ": it is neither a reference of the schema nor a built-in file");
        return ProtoFile.Companion.get(ProtoFileElement.empty(path));
    }

    @Override
    public Loader withErrors(ErrorCollector errors) {
        return new ProtoImports(references, errors);
    }

    /** A resource next to {@code near}, or (null) by its full path on the class path. */
    private static String resource(Class<?> near, String name) {
        try (InputStream in = near != null ? near.getResourceAsStream(name) : ProtoImports.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
