package dev.wharf.registry.protobuf;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.squareup.wire.Syntax;
import com.squareup.wire.schema.Field;
import com.squareup.wire.schema.Location;
import com.squareup.wire.schema.internal.parser.EnumConstantElement;
import com.squareup.wire.schema.internal.parser.EnumElement;
import com.squareup.wire.schema.internal.parser.ExtendElement;
import com.squareup.wire.schema.internal.parser.ExtensionsElement;
import com.squareup.wire.schema.internal.parser.FieldElement;
import com.squareup.wire.schema.internal.parser.MessageElement;
import com.squareup.wire.schema.internal.parser.OneOfElement;
import com.squareup.wire.schema.internal.parser.OptionElement;
import com.squareup.wire.schema.internal.parser.ProtoFileElement;
import com.squareup.wire.schema.internal.parser.ReservedElement;
import com.squareup.wire.schema.internal.parser.RpcElement;
import com.squareup.wire.schema.internal.parser.ServiceElement;
import com.squareup.wire.schema.internal.parser.TypeElement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import kotlin.ranges.IntRange;

/**
 * A {@code FileDescriptorProto} (what Confluent's Python and JavaScript serializers register,
 * base64-encoded) as Wire's element model, so that it is linked, stored and compared as .proto
 * text like any other. Descriptors have no .proto printer of their own and Wire no reader of them.
 * Types keep their fully qualified names ({@code .pkg.Msg}); map fields stay the repeated entry
 * messages the descriptor has, which keeps every message's index for the record framing.
 * Options are the standard ones the descriptor's option messages set; custom options, which
 * need the extensions they are declared by, are dropped.
 */
final class DescriptorElements {
    /** Where every element is: the file's path, which Wire's linker finds a type's file by. */
    private final Location at;

    private DescriptorElements(Location at) {
        this.at = at;
    }

    /** The file as elements, placed at {@code location} (the path that imports it). */
    static ProtoFileElement toElement(FileDescriptorProto file, Location location) {
        return new DescriptorElements(location).file(file);
    }

    private ProtoFileElement file(FileDescriptorProto file) {
        boolean proto3 = "proto3".equals(file.getSyntax());
        List<String> imports = new ArrayList<>();
        List<String> publicImports = new ArrayList<>();
        for (int i = 0; i < file.getDependencyCount(); i++) {
            (file.getPublicDependencyList().contains(i) ? publicImports : imports).add(file.getDependency(i));
        }
        List<TypeElement> types = new ArrayList<>();
        file.getMessageTypeList().forEach(m -> types.add(message(m, proto3)));
        file.getEnumTypeList().forEach(e -> types.add(enumType(e)));
        List<ServiceElement> services = file.getServiceList().stream().map(this::service).toList();
        return new ProtoFileElement(at, file.getPackage().isEmpty() ? null : file.getPackage(),
                proto3 ? Syntax.PROTO_3 : "proto2".equals(file.getSyntax()) ? Syntax.PROTO_2 : null,
                imports, publicImports, List.of(), types, services, extend(file.getExtensionList(), proto3), options(file.getOptions()));
    }

    private MessageElement message(DescriptorProto message, boolean proto3) {
        List<TypeElement> nested = new ArrayList<>();
        message.getNestedTypeList().forEach(m -> nested.add(message(m, proto3)));
        message.getEnumTypeList().forEach(e -> nested.add(enumType(e)));
        List<ReservedElement> reserved = new ArrayList<>();
        message.getReservedRangeList().forEach(r -> reserved.add(reserved(range(r.getStart(), r.getEnd() - 1))));
        message.getReservedNameList().forEach(n -> reserved.add(reserved(n)));
        List<ExtensionsElement> extensions = message.getExtensionRangeList().stream()
                .map(r -> new ExtensionsElement(at, "", List.of(range(r.getStart(), r.getEnd() - 1)), List.of())).toList();

        List<List<FieldElement>> oneOfFields = new ArrayList<>();
        message.getOneofDeclList().forEach(o -> oneOfFields.add(new ArrayList<>()));
        List<FieldElement> fields = new ArrayList<>();
        for (FieldDescriptorProto field : message.getFieldList()) {
            boolean inOneOf = field.hasOneofIndex() && !field.getProto3Optional();
            if (field.hasOneofIndex() && (field.getOneofIndex() < 0 || field.getOneofIndex() >= oneOfFields.size())) {
                throw new IllegalArgumentException("field " + field.getName() + " names oneof " + field.getOneofIndex() + " of "
                        + oneOfFields.size());
            }
            FieldElement element = field(field, proto3, inOneOf);
            (inOneOf ? oneOfFields.get(field.getOneofIndex()) : fields).add(element);
        }
        List<OneOfElement> oneOfs = new ArrayList<>();
        for (int i = 0; i < oneOfFields.size(); i++) {
            if (!oneOfFields.get(i).isEmpty()) { // an empty one is the synthetic oneof of a proto3 'optional'
                oneOfs.add(new OneOfElement(message.getOneofDecl(i).getName(), "", oneOfFields.get(i), List.of(), List.of(), at));
            }
        }
        return new MessageElement(at, message.getName(), "", nested, options(message.getOptions()), reserved, fields, oneOfs,
                extensions, List.of(), extend(message.getExtensionList(), proto3));
    }

    private FieldElement field(FieldDescriptorProto field, boolean proto3, boolean inOneOf) {
        Field.Label label;
        if (inOneOf) {
            label = null;
        } else if (field.getProto3Optional()) {
            label = Field.Label.OPTIONAL;
        } else if (field.getLabel() == FieldDescriptorProto.Label.LABEL_REPEATED) {
            label = Field.Label.REPEATED;
        } else if (proto3) {
            label = null;
        } else {
            label = field.getLabel() == FieldDescriptorProto.Label.LABEL_REQUIRED ? Field.Label.REQUIRED : Field.Label.OPTIONAL;
        }
        String type = field.hasTypeName() ? field.getTypeName()
                : field.getType().name().substring("TYPE_".length()).toLowerCase(Locale.ROOT);
        return new FieldElement(at, label, type, field.getName(), !proto3 && field.hasDefaultValue() ? field.getDefaultValue() : null,
                field.hasJsonName() && !field.getJsonName().equals(defaultJsonName(field.getName())) ? field.getJsonName() : null,
                field.getNumber(), "", options(field.getOptions()));
    }

    /** The JSON name protoc gives a field without an explicit one (underscores dropped, the next letter upper-cased). */
    static String defaultJsonName(String name) {
        StringBuilder out = new StringBuilder(name.length());
        boolean upper = false;
        for (char c : name.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }

    private EnumElement enumType(EnumDescriptorProto type) {
        List<ReservedElement> reserved = new ArrayList<>();
        type.getReservedRangeList().forEach(r -> reserved.add(reserved(range(r.getStart(), r.getEnd()))));
        type.getReservedNameList().forEach(n -> reserved.add(reserved(n)));
        List<EnumConstantElement> constants = new ArrayList<>();
        for (EnumValueDescriptorProto value : type.getValueList()) {
            constants.add(new EnumConstantElement(at, value.getName(), value.getNumber(), "", options(value.getOptions())));
        }
        return new EnumElement(at, type.getName(), "", options(type.getOptions()), constants, reserved);
    }

    private ServiceElement service(ServiceDescriptorProto service) {
        List<RpcElement> rpcs = new ArrayList<>();
        for (MethodDescriptorProto m : service.getMethodList()) {
            rpcs.add(new RpcElement(at, m.getName(), "", m.getInputType(), m.getOutputType(), m.getClientStreaming(),
                    m.getServerStreaming(), options(m.getOptions())));
        }
        return new ServiceElement(at, service.getName(), "", rpcs, options(service.getOptions()));
    }

    /** Extension fields, one {@code extend} block per message they extend. */
    private List<ExtendElement> extend(List<FieldDescriptorProto> extensions, boolean proto3) {
        Map<String, List<FieldElement>> byExtendee = new LinkedHashMap<>();
        for (FieldDescriptorProto field : extensions) {
            byExtendee.computeIfAbsent(field.getExtendee(), e -> new ArrayList<>()).add(field(field, proto3, false));
        }
        List<ExtendElement> out = new ArrayList<>();
        byExtendee.forEach((extendee, fields) -> out.add(new ExtendElement(at, extendee, "", fields)));
        return out;
    }

    /** The standard options an options message sets: scalars and enums (features and the like are left out). */
    private List<OptionElement> options(Message options) {
        List<OptionElement> out = new ArrayList<>();
        for (Map.Entry<FieldDescriptor, Object> e : options.getAllFields().entrySet()) {
            FieldDescriptor field = e.getKey();
            if (field.isRepeated() || field.isExtension()) {
                continue;
            }
            Object value = e.getValue();
            switch (field.getJavaType()) {
                case BOOLEAN -> out.add(new OptionElement(field.getName(), OptionElement.Kind.BOOLEAN, value.toString(), false));
                case STRING -> out.add(new OptionElement(field.getName(), OptionElement.Kind.STRING, value, false));
                case ENUM -> out.add(new OptionElement(field.getName(), OptionElement.Kind.ENUM,
                        ((EnumValueDescriptor) value).getName(), false));
                case INT, LONG, FLOAT, DOUBLE -> out.add(new OptionElement(field.getName(), OptionElement.Kind.NUMBER,
                        value.toString(), false));
                default -> { } // message-valued options (features): not carried
            }
        }
        return out;
    }

    private ReservedElement reserved(Object value) {
        return new ReservedElement(at, "", List.of(value));
    }

    private Object range(int first, int last) {
        return first == last ? (Object) first : new IntRange(first, last);
    }
}
