package dev.wharf.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of the registry's log ({@code _schemas}), keyed and valued as Confluent's registry
 * keys its own topic, in JSON: {@code {"keytype":"SCHEMA","subject":..,"version":..,"magic":1}} for
 * a subject's version, {@code CONFIG} and {@code MODE} for a subject's (or, with a null subject,
 * the registry's) compatibility level and mode. A null value deletes its key, so the log is
 * compacted like any other. One key of Wharf's own, {@code MAX_ID}, keeps the highest id ever
 * given, so that an id is never given twice, even after every version using it was deleted.
 *
 * <p>Keys are written with their fields in one fixed order: compaction matches keys by their bytes.
 */
public final class RegistryRecords {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RegistryRecords() {}

    /** A key and its value; a null value deletes the key. */
    public record Entry(byte[] key, byte[] value) {}

    /** A subject's version as stored: which schema (by id) it is, and whether it was soft-deleted. */
    public record StoredVersion(String subject, int version, int id, SchemaType type, String schema,
            List<SchemaReference> references, boolean deleted) {
        /** The schema this version is, as ids name schemas. */
        public RegistryState.Identity identity() {
            return new RegistryState.Identity(type, schema, references);
        }
    }

    /** What a key is about. */
    public sealed interface Key permits SchemaKey, ConfigKey, ModeKey, MaxIdKey, WriterKey, OtherKey {}

    public record SchemaKey(String subject, int version) implements Key {}

    /** A compatibility level's key; a null subject is the registry's own. */
    public record ConfigKey(String subject) implements Key {}

    public record ModeKey(String subject) implements Key {}

    public record MaxIdKey() implements Key {}

    /** Wharf's: where the broker writing the log now takes changes (the other brokers forward theirs there). */
    public record WriterKey() implements Key {}

    /** A key of a kind Wharf does not use ({@code NOOP}, {@code DELETE_SUBJECT}, ...): skipped. */
    public record OtherKey(String keytype) implements Key {}

    public static Entry version(StoredVersion v) {
        ObjectNode value = JSON.createObjectNode();
        value.put("subject", v.subject()).put("version", v.version()).put("id", v.id());
        if (v.type() != SchemaType.AVRO) {
            value.put("schemaType", v.type().name());
        }
        if (!v.references().isEmpty()) {
            ArrayNode refs = value.putArray("references");
            for (SchemaReference r : v.references()) {
                refs.addObject().put("name", r.name()).put("subject", r.subject()).put("version", r.version());
            }
        }
        value.put("schema", v.schema()).put("deleted", v.deleted());
        return new Entry(schemaKey(v.subject(), v.version()), bytes(value));
    }

    /** Removes a subject's version for good (a permanent delete). */
    public static Entry versionRemoved(String subject, int version) {
        return new Entry(schemaKey(subject, version), null);
    }

    /** A subject's (null: the registry's) compatibility level; a null level removes it. */
    public static Entry config(String subject, CompatibilityLevel level) {
        ObjectNode key = JSON.createObjectNode().put("keytype", "CONFIG").put("subject", subject).put("magic", 0);
        return new Entry(bytes(key), level == null ? null : bytes(JSON.createObjectNode().put("compatibilityLevel", level.name())));
    }

    /** A subject's (null: the registry's) mode; a null mode removes it. */
    public static Entry mode(String subject, Mode mode) {
        ObjectNode key = JSON.createObjectNode().put("keytype", "MODE").put("subject", subject).put("magic", 0);
        return new Entry(bytes(key), mode == null ? null : bytes(JSON.createObjectNode().put("mode", mode.name())));
    }

    public static Entry maxId(int id) {
        ObjectNode key = JSON.createObjectNode().put("keytype", "MAX_ID").put("magic", 0);
        return new Entry(bytes(key), bytes(JSON.createObjectNode().put("maxId", id)));
    }

    /** Where a broker that writes the log takes changes, as it announces itself. */
    public record Writer(int brokerId, String url) {}

    /** Announces the writer's registry URL, appended by each broker when it becomes the writer. */
    public static Entry writer(Writer writer) {
        ObjectNode key = JSON.createObjectNode().put("keytype", "WHARF_WRITER").put("magic", 0);
        return new Entry(bytes(key), bytes(JSON.createObjectNode().put("brokerId", writer.brokerId()).put("url", writer.url())));
    }

    public static Writer readWriter(byte[] value) {
        JsonNode v = tree(value);
        return new Writer(v.path("brokerId").asInt(-1), v.path("url").asText(""));
    }

    private static byte[] schemaKey(String subject, int version) {
        return bytes(JSON.createObjectNode().put("keytype", "SCHEMA").put("subject", subject).put("version", version)
                .put("magic", 1));
    }

    public static Key readKey(byte[] key) {
        JsonNode k = tree(key);
        String type = k.path("keytype").asText("");
        String subject = k.path("subject").isTextual() ? k.get("subject").asText() : null;
        return switch (type) {
            case "SCHEMA" -> new SchemaKey(subject, k.path("version").asInt());
            case "CONFIG" -> new ConfigKey(subject);
            case "MODE" -> new ModeKey(subject);
            case "MAX_ID" -> new MaxIdKey();
            case "WHARF_WRITER" -> new WriterKey();
            default -> new OtherKey(type);
        };
    }

    public static StoredVersion readVersion(byte[] value) {
        JsonNode v = tree(value);
        List<SchemaReference> refs = new ArrayList<>();
        for (JsonNode r : v.path("references")) {
            refs.add(new SchemaReference(r.path("name").asText(), r.path("subject").asText(), r.path("version").asInt()));
        }
        return new StoredVersion(v.path("subject").asText(), v.path("version").asInt(), v.path("id").asInt(),
                SchemaType.parse(v.path("schemaType").asText(null)), v.path("schema").asText(), List.copyOf(refs),
                v.path("deleted").asBoolean(false));
    }

    public static CompatibilityLevel readConfig(byte[] value) {
        return CompatibilityLevel.parse(tree(value).path("compatibilityLevel").asText());
    }

    public static Mode readMode(byte[] value) {
        return Mode.parse(tree(value).path("mode").asText());
    }

    public static int readMaxId(byte[] value) {
        return tree(value).path("maxId").asInt();
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode tree(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("not a schema registry record: " + e.getMessage(), e);
        }
    }
}
