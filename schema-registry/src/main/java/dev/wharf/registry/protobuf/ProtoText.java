package dev.wharf.registry.protobuf;

import com.squareup.wire.schema.Field;
import com.squareup.wire.schema.Location;
import com.squareup.wire.schema.MessageType;
import com.squareup.wire.schema.ProtoType;
import com.squareup.wire.schema.Schema;
import com.squareup.wire.schema.Type;
import com.squareup.wire.schema.internal.parser.EnumConstantElement;
import com.squareup.wire.schema.internal.parser.EnumElement;
import com.squareup.wire.schema.internal.parser.ExtendElement;
import com.squareup.wire.schema.internal.parser.FieldElement;
import com.squareup.wire.schema.internal.parser.MessageElement;
import com.squareup.wire.schema.internal.parser.OneOfElement;
import com.squareup.wire.schema.internal.parser.OptionElement;
import com.squareup.wire.schema.internal.parser.ProtoFileElement;
import com.squareup.wire.schema.internal.parser.RpcElement;
import com.squareup.wire.schema.internal.parser.ServiceElement;
import com.squareup.wire.schema.internal.parser.TypeElement;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * The .proto text the registry stores: Wire's rendering of the elements without comments (which
 * never make a new schema), and the normal form of {@code normalize=true} (type names fully
 * qualified, fields by tag, imports and options sorted). The order of messages never changes:
 * serializers frame each record with its message's index.
 */
final class ProtoText {
    private ProtoText() {}

    /** Wire's rendering without the header comment it adds. */
    static String print(ProtoFileElement file) {
        String text = file.toSchema();
        while (text.startsWith("//")) {
            text = text.substring(text.indexOf('\n') + 1);
        }
        return text.stripLeading();
    }

    static ProtoFileElement withoutDocs(ProtoFileElement file) {
        return new Rewrite(null, false).file(file);
    }

    /** The normal form; {@code linked} resolves each field's type to its full name. */
    static ProtoFileElement normalized(ProtoFileElement file, Schema linked) {
        return new Rewrite(linked, true).file(file);
    }

    /** One copy of the tree; what changes depends on whether it normalizes. */
    private record Rewrite(Schema linked, boolean normalize) {
        ProtoFileElement file(ProtoFileElement f) {
            String pkg = f.getPackageName();
            List<TypeElement> types = f.getTypes().stream().map(t -> type(t, pkg == null ? t.getName() : pkg + "." + t.getName())).toList();
            return new ProtoFileElement(f.getLocation(), pkg, f.getSyntax(), sorted(f.getImports()), sorted(f.getPublicImports()),
                    sorted(f.getWeakImports()), types, f.getServices().stream().map(this::service).toList(),
                    f.getExtendDeclarations().stream().map(this::extend).toList(), options(f.getOptions()));
        }

        private TypeElement type(TypeElement type, String fullName) {
            if (type instanceof EnumElement e) {
                List<EnumConstantElement> constants = e.getConstants().stream()
                        .map(c -> new EnumConstantElement(where(c.getLocation()), c.getName(), c.getTag(), "", options(c.getOptions())))
                        .sorted(normalize ? Comparator.comparingInt(EnumConstantElement::getTag).thenComparing(EnumConstantElement::getName)
                                : (a, b) -> 0)
                        .toList();
                return new EnumElement(where(e.getLocation()), e.getName(), "", options(e.getOptions()), constants, e.getReserveds());
            }
            MessageElement m = (MessageElement) type;
            Function<FieldElement, FieldElement> field = f -> field(f, fullName);
            List<OneOfElement> oneOfs = m.getOneOfs().stream()
                    .map(o -> new OneOfElement(o.getName(), "", byTag(o.getFields().stream().map(field).toList()), o.getGroups(),
                            options(o.getOptions()), where(o.getLocation())))
                    .sorted(normalize ? Comparator.comparingInt(o -> o.getFields().isEmpty() ? 0 : o.getFields().get(0).getTag()) : (a, b) -> 0)
                    .toList();
            return new MessageElement(where(m.getLocation()), m.getName(), "",
                    m.getNestedTypes().stream().map(t -> type(t, fullName + "." + t.getName())).toList(), options(m.getOptions()),
                    m.getReserveds(), byTag(m.getFields().stream().map(field).toList()), oneOfs, m.getExtensions(), m.getGroups(),
                    m.getExtendDeclarations().stream().map(this::extend).toList());
        }

        private FieldElement field(FieldElement f, String messageName) {
            String type = normalize ? qualified(f, messageName) : f.getType();
            return new FieldElement(where(f.getLocation()), f.getLabel(), type, f.getName(), f.getDefaultValue(), f.getJsonName(),
                    f.getTag(), "", options(f.getOptions()));
        }

        /** The field's type as its full name ({@code .pkg.Msg}, {@code map<string, .pkg.V>}), found in the linked schema. */
        private String qualified(FieldElement f, String messageName) {
            Type owner = linked.getType(messageName);
            Field linkedField = owner instanceof MessageType m ? m.field(f.getTag()) : null;
            if (linkedField == null || linkedField.getType() == null) {
                return f.getType();
            }
            ProtoType t = linkedField.getType();
            return t.isMap() ? "map<" + name(t.getKeyType()) + ", " + name(t.getValueType()) + ">" : name(t);
        }

        private static String name(ProtoType t) {
            return t.isScalar() ? t.toString() : "." + t;
        }

        private ExtendElement extend(ExtendElement e) {
            return new ExtendElement(where(e.getLocation()), e.getName(), "", e.getFields().stream()
                    .map(f -> new FieldElement(where(f.getLocation()), f.getLabel(), f.getType(), f.getName(), f.getDefaultValue(),
                            f.getJsonName(), f.getTag(), "", options(f.getOptions())))
                    .toList());
        }

        private ServiceElement service(ServiceElement s) {
            List<RpcElement> rpcs = s.getRpcs().stream().map(r -> new RpcElement(where(r.getLocation()), r.getName(), "",
                    r.getRequestType(), r.getResponseType(), r.getRequestStreaming(), r.getResponseStreaming(), options(r.getOptions())))
                    .toList();
            return new ServiceElement(where(s.getLocation()), s.getName(), "", rpcs, options(s.getOptions()));
        }

        private List<FieldElement> byTag(List<FieldElement> fields) {
            return normalize ? fields.stream().sorted(Comparator.comparingInt(FieldElement::getTag)).toList() : fields;
        }

        private List<OptionElement> options(List<OptionElement> options) {
            return normalize ? options.stream().sorted(Comparator.comparing(OptionElement::getName)).toList() : options;
        }

        private List<String> sorted(List<String> paths) {
            return normalize ? paths.stream().distinct().sorted().toList() : paths;
        }

        /** Normal forms drop source positions, which Wire would otherwise order fields and oneofs by. */
        private Location where(Location l) {
            return normalize ? new Location(l.getBase(), l.getPath(), -1, -1) : l;
        }
    }
}
