package dev.wharf.generator;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads Kafka's JSON message specs (JSON with {@code //} comments). Unknown keys are rejected so
 * that a spec feature we do not understand fails the build instead of producing wrong code.
 */
public final class SpecParser {
    private static final Set<String> MESSAGE_KEYS = Set.of(
            "apiKey", "type", "name", "validVersions", "deprecatedVersions", "flexibleVersions", "fields",
            "commonStructs", "listeners", "latestVersionUnstable");
    private static final Set<String> FIELD_KEYS = Set.of(
            "name", "type", "versions", "nullableVersions", "taggedVersions", "tag", "ignorable", "default",
            "mapKey", "zeroCopy", "flexibleVersions", "fields", "about", "entityType");
    private static final Set<String> STRUCT_KEYS = Set.of("name", "versions", "fields");

    private final JsonMapper mapper = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    public MessageSpec parse(InputStream in, String sourceName) {
        try {
            return parse(mapper.readTree(in), sourceName);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read spec " + sourceName, e);
        }
    }

    public MessageSpec parse(String json, String sourceName) {
        try {
            return parse(mapper.readTree(json), sourceName);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read spec " + sourceName, e);
        }
    }

    private MessageSpec parse(JsonNode root, String source) {
        checkKeys(root, MESSAGE_KEYS, source);
        String name = text(root, "name", source);
        MessageSpec.Kind kind = MessageSpec.Kind.valueOf(text(root, "type", source).toUpperCase(Locale.ROOT));
        Optional<Short> apiKey = root.has("apiKey") ? Optional.of((short) root.get("apiKey").asInt()) : Optional.empty();
        if ((kind == MessageSpec.Kind.REQUEST || kind == MessageSpec.Kind.RESPONSE) && apiKey.isEmpty()) {
            throw new SpecException(source + ": a " + kind + " needs an apiKey");
        }
        Versions valid = Versions.parse(text(root, "validVersions", source));
        Versions flexible = root.has("flexibleVersions")
                ? Versions.parse(root.get("flexibleVersions").asText())
                : Versions.NONE;
        List<String> listeners = new ArrayList<>();
        if (root.has("listeners")) {
            root.get("listeners").forEach(l -> listeners.add(l.asText()));
        }
        String context = source + ":" + name;
        List<FieldSpec> fields = fields(root.get("fields"), context);
        List<StructSpec> common = new ArrayList<>();
        if (root.has("commonStructs")) {
            for (JsonNode s : root.get("commonStructs")) {
                checkKeys(s, STRUCT_KEYS, context);
                String structName = text(s, "name", context);
                common.add(new StructSpec(
                        structName,
                        Versions.parse(text(s, "versions", context)),
                        fields(s.get("fields"), context + "." + structName)));
            }
        }
        return new MessageSpec(
                name,
                kind,
                apiKey,
                valid,
                flexible,
                root.path("latestVersionUnstable").asBoolean(false),
                List.copyOf(listeners),
                new StructSpec(name, valid, fields),
                List.copyOf(common));
    }

    private List<FieldSpec> fields(JsonNode array, String context) {
        List<FieldSpec> out = new ArrayList<>();
        if (array == null) {
            return out;
        }
        if (!array.isArray()) {
            throw new SpecException(context + ": 'fields' must be an array");
        }
        for (JsonNode f : array) {
            out.add(field(f, context));
        }
        return List.copyOf(out);
    }

    private FieldSpec field(JsonNode f, String context) {
        checkKeys(f, FIELD_KEYS, context);
        String name = text(f, "name", context);
        String where = context + "." + name;
        FieldType type = FieldType.parse(text(f, "type", where));
        Versions versions = Versions.parse(text(f, "versions", where));
        Versions nullable = f.has("nullableVersions") ? Versions.parse(f.get("nullableVersions").asText()) : Versions.NONE;
        if (!nullable.isEmpty() && !type.canBeNullable()) {
            throw new SpecException(where + ": type " + f.get("type").asText() + " cannot be nullable");
        }
        Optional<Integer> tag = f.has("tag") ? Optional.of(f.get("tag").asInt()) : Optional.empty();
        Versions tagged = f.has("taggedVersions") ? Versions.parse(f.get("taggedVersions").asText()) : Versions.NONE;
        if (tag.isPresent() != !tagged.isEmpty()) {
            throw new SpecException(where + ": 'tag' and 'taggedVersions' go together");
        }
        Optional<String> def = f.has("default") ? Optional.of(f.get("default").asText()) : Optional.empty();
        Optional<Versions> flexible = f.has("flexibleVersions")
                ? Optional.of(Versions.parse(f.get("flexibleVersions").asText()))
                : Optional.empty();
        List<FieldSpec> nested = fields(f.get("fields"), where);
        return new FieldSpec(
                name,
                type,
                versions,
                nullable,
                tagged,
                tag,
                f.path("ignorable").asBoolean(false),
                def,
                f.path("mapKey").asBoolean(false),
                f.path("zeroCopy").asBoolean(false),
                flexible,
                nested,
                f.path("about").asText(""));
    }

    private static void checkKeys(JsonNode node, Set<String> allowed, String context) {
        if (!node.isObject()) {
            throw new SpecException(context + ": expected an object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new SpecException(context + ": unknown key '" + key + "'");
            }
        }
    }

    private static String text(JsonNode node, String key, String context) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw new SpecException(context + ": missing '" + key + "'");
        }
        return v.asText();
    }
}
