package dev.wharf.registry.protobuf;

import com.squareup.wire.schema.Schema;
import com.squareup.wire.schema.internal.SchemaEncoder;
import com.squareup.wire.schema.internal.parser.ProtoFileElement;
import dev.wharf.registry.ParsedSchema;
import dev.wharf.registry.SchemaType;
import java.util.Base64;
import java.util.List;

/** A linked .proto file: its elements, the schema Wire linked them into with every import, and its text. */
final class ProtobufSchema implements ParsedSchema {
    private final ProtoFileElement element;
    private final Schema linked;
    private final String canonical;

    ProtobufSchema(ProtoFileElement element, Schema linked, String canonical) {
        this.element = element;
        this.linked = linked;
        this.canonical = canonical;
    }

    ProtoFileElement element() {
        return element;
    }

    Schema linked() {
        return linked;
    }

    @Override
    public SchemaType type() {
        return SchemaType.PROTOBUF;
    }

    @Override
    public String canonical() {
        return canonical;
    }

    /** {@code serialized}: the base64 {@code FileDescriptorProto} Confluent's Python and JavaScript deserializers ask for. */
    @Override
    public String formatted(String format) {
        if (!"serialized".equals(format)) {
            return canonical;
        }
        byte[] descriptor = new SchemaEncoder(linked).encode(linked.protoFile(ProtobufFormat.ROOT)).toByteArray();
        return Base64.getEncoder().encodeToString(descriptor);
    }

    @Override
    public ParsedSchema normalized() {
        ProtoFileElement normal = ProtoText.normalized(element, linked);
        return new ProtobufSchema(normal, linked, ProtoText.print(normal));
    }

    @Override
    public List<String> readErrors(ParsedSchema writer, String self, String other) {
        return ProtobufDiff.incompatible((ProtobufSchema) writer, this, other, self);
    }
}
