package dev.wharf.registry.protobuf;

import com.squareup.wire.schema.EnumType;
import com.squareup.wire.schema.Field;
import com.squareup.wire.schema.MessageType;
import com.squareup.wire.schema.OneOf;
import com.squareup.wire.schema.ProtoFile;
import com.squareup.wire.schema.ProtoType;
import com.squareup.wire.schema.Schema;
import com.squareup.wire.schema.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Confluent's Protobuf compatibility: the differences from an original schema (data written with
 * it) to an update (reading it) that break reading. Messages are matched by name, fields by tag.
 * Compatible: messages, enums, constants, fields and oneofs added or removed, fields renamed,
 * strings and bytes swapped. Incompatible: the package changed, a message removed, a field's kind
 * (scalar, message, map), scalar encoding or message type changed, a required field added or
 * removed, a field removed from a oneof, fields moved into a oneof beside others.
 */
final class ProtobufDiff {
    private final Schema original;
    private final Schema update;
    private final List<String> out = new ArrayList<>();
    private final String originalName;
    private final String updateName;

    private ProtobufDiff(Schema original, Schema update, String originalName, String updateName) {
        this.original = original;
        this.update = update;
        this.originalName = originalName;
        this.updateName = updateName;
    }

    static List<String> incompatible(ProtobufSchema original, ProtobufSchema update, String originalName, String updateName) {
        ProtobufDiff diff = new ProtobufDiff(original.linked(), update.linked(), originalName, updateName);
        ProtoFile before = original.linked().protoFile(ProtobufFormat.ROOT);
        ProtoFile after = update.linked().protoFile(ProtobufFormat.ROOT);
        if (!Objects.equals(before.getPackageName(), after.getPackageName())) {
            diff.add("PACKAGE_CHANGED", "#/", "The package of the " + originalName + " schema does not match the " + updateName + " schema");
        }
        Map<String, MessageType> updated = messages(after);
        messages(before).forEach((name, message) -> {
            MessageType now = updated.get(name);
            if (now == null) {
                diff.add("MESSAGE_REMOVED", "#/" + name, "The " + updateName + " schema is missing a MESSAGE type that the "
                        + originalName + " schema has");
            } else {
                diff.message("#/" + name, message, now);
            }
        });
        return diff.out;
    }

    /** Every message of the file, nested ones too, by its name within the package; map entries are not messages of their own. */
    private static Map<String, MessageType> messages(ProtoFile file) {
        Map<String, MessageType> out = new LinkedHashMap<>();
        String prefix = file.getPackageName() == null ? "" : file.getPackageName() + ".";
        for (Type type : file.typesAndNestedTypes()) {
            if (type instanceof MessageType m && !isMapEntry(m)) {
                out.put(type.getType().toString().substring(prefix.length()), m);
            }
        }
        return out;
    }

    private static boolean isMapEntry(MessageType m) {
        return m.getOptions().getElements().stream().anyMatch(o -> o.getName().equals("map_entry") && "true".equals(String.valueOf(o.getValue())));
    }

    private void message(String path, MessageType before, MessageType after) {
        Map<Integer, Field> fields = byTag(after);
        byTag(before).forEach((tag, field) -> {
            Field now = fields.get(tag);
            String at = path + "/" + tag;
            if (now == null) {
                if (field.isRequired()) {
                    add("REQUIRED_FIELD_REMOVED", at, "The " + updateName + " schema is missing a required FIELD of the " + originalName + " schema");
                }
            } else {
                field(at, field, now);
            }
        });
        Map<Integer, Field> old = byTag(before);
        fields.forEach((tag, field) -> {
            if (!old.containsKey(tag) && field.isRequired()) {
                add("REQUIRED_FIELD_ADDED", path + "/" + tag, "The " + updateName + " schema has a required FIELD the "
                        + originalName + " schema does not have");
            }
        });
        oneOfs(path, before, after);
    }

    private void field(String path, Field before, Field after) {
        ProtoType was = before.getType();
        ProtoType is = after.getType();
        String kindWas = kind(original, was);
        if (!kindWas.equals(kind(update, is))) {
            add("FIELD_KIND_CHANGED", path, "The kind of a FIELD in the " + updateName + " schema does not match its kind in the "
                    + originalName + " schema");
        } else if (kindWas.equals("map")) {
            compareTypes(path, entryType(original, was, 1), entryType(update, is, 1));
            compareTypes(path, entryType(original, was, 2), entryType(update, is, 2));
        } else {
            compareTypes(path, was, is);
        }
    }

    private void compareTypes(String path, ProtoType was, ProtoType is) {
        String kind = kind(original, was);
        if (!kind.equals(kind(update, is))) {
            add("FIELD_KIND_CHANGED", path, "The kind of a FIELD in the " + updateName + " schema does not match its kind in the "
                    + originalName + " schema");
        } else if (kind.equals("scalar")) {
            if (!encoding(original, was).equals(encoding(update, is))) {
                add("FIELD_SCALAR_KIND_CHANGED", path, "The scalar kind of a FIELD in the " + updateName
                        + " schema does not match its scalar kind in the " + originalName + " schema");
            }
        } else if (!relativeName(original, was).equals(relativeName(update, is))) {
            add("FIELD_NAMED_TYPE_CHANGED", path, "The type of a MESSAGE field in the " + updateName
                    + " schema does not match its type in the " + originalName + " schema");
        }
    }

    /** Moving fields into oneofs: one field into a new oneof is fine, more than one, or into an existing one, is not. */
    private void oneOfs(String path, MessageType before, MessageType after) {
        Map<String, OneOf> oldOneOfs = new HashMap<>();
        before.getOneOfs().forEach(o -> oldOneOfs.put(o.getName(), o));
        List<Integer> plainBefore = before.getDeclaredFields().stream().map(Field::getTag).toList();
        for (OneOf now : after.getOneOfs()) {
            OneOf was = oldOneOfs.get(now.getName());
            List<Integer> tags = now.getFields().stream().map(Field::getTag).toList();
            long moved = tags.stream().filter(plainBefore::contains).count();
            if (was == null) {
                if (moved > 1) {
                    add("MULTIPLE_FIELDS_MOVED_TO_ONEOF", path + "/" + now.getName(), "Multiple FIELDs of the " + originalName
                            + " schema moved into a new ONEOF of the " + updateName + " schema");
                }
                continue;
            }
            if (moved > 0) {
                add("FIELD_MOVED_TO_EXISTING_ONEOF", path + "/" + now.getName(), "A FIELD of the " + originalName
                        + " schema moved into an existing ONEOF of the " + updateName + " schema");
            }
            for (Field f : was.getFields()) {
                if (!tags.contains(f.getTag())) {
                    add("ONEOF_FIELD_REMOVED", path + "/" + now.getName() + "/" + f.getTag(), "The " + updateName
                            + " schema is missing a ONEOF FIELD of the " + originalName + " schema");
                }
            }
        }
    }

    private static Map<Integer, Field> byTag(MessageType message) {
        Map<Integer, Field> out = new LinkedHashMap<>();
        message.getFieldsAndOneOfFields().forEach(f -> out.put(f.getTag(), f));
        return out;
    }

    /**
     * A field's kind: a map whether written {@code map<K, V>} (text) or as the repeated entry message
     * a descriptor has, so that the same schema registered both ways compares equal.
     */
    private static String kind(Schema schema, ProtoType type) {
        if (type.isMap()) {
            return "map";
        }
        if (type.isScalar()) {
            return "scalar";
        }
        Type named = schema.getType(type);
        return named instanceof EnumType ? "scalar" : named instanceof MessageType m && isMapEntry(m) ? "map" : "message";
    }

    /** A map's key ({@code tag} 1) or value (2) type, from either form of map. */
    private static ProtoType entryType(Schema schema, ProtoType map, int tag) {
        if (map.isMap()) {
            return tag == 1 ? map.getKeyType() : map.getValueType();
        }
        return ((MessageType) schema.getType(map)).field(tag).getType();
    }

    /** Scalars that share a wire encoding read each other's values; enums are varints like the general numbers. */
    private static String encoding(Schema schema, ProtoType type) {
        if (!type.isScalar()) {
            return "varint";
        }
        switch (type.toString()) {
            case "int32": case "int64": case "uint32": case "uint64": case "bool":
                return "varint";
            case "sint32": case "sint64":
                return "zigzag";
            case "string": case "bytes":
                return "length-delimited";
            case "fixed32": case "sfixed32":
                return "fixed32";
            case "fixed64": case "sfixed64":
                return "fixed64";
            default:
                return type.toString(); // float, double: only themselves
        }
    }

    /** A message type's name within its file's package, or its full name when it comes from another package. */
    private static String relativeName(Schema schema, ProtoType type) {
        String pkg = schema.protoFile(ProtobufFormat.ROOT).getPackageName();
        String name = type.toString();
        return pkg != null && name.startsWith(pkg + ".") ? name.substring(pkg.length() + 1) : name;
    }

    private void add(String type, String path, String description) {
        out.add("{errorType:'" + type + "', description:'" + description + " at path '" + path + "''}");
    }
}
