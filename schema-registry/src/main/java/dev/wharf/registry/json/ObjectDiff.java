package dev.wharf.registry.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The object part of a JSON Schema change: properties added and removed (judged by the content
 * model that governed them before), properties compared, {@code required} and
 * {@code additionalProperties}.
 */
final class ObjectDiff {
    private final JsonSchemaDiff diff;
    private final String path;
    private final JsonNode original;
    private final JsonRefs oRefs;
    private final JsonNode update;
    private final JsonRefs uRefs;

    ObjectDiff(JsonSchemaDiff diff, String path, JsonNode original, JsonRefs oRefs, JsonNode update, JsonRefs uRefs) {
        this.diff = diff;
        this.path = path;
        this.original = original;
        this.oRefs = oRefs;
        this.update = update;
        this.uRefs = uRefs;
    }

    private enum Model { OPEN, PARTIAL, CLOSED }

    private static Model model(JsonNode s) {
        JsonNode extra = s.get("additionalProperties");
        if (s.has("patternProperties") || extra != null && extra.isObject() && !extra.isEmpty()) {
            return Model.PARTIAL;
        }
        return extra != null && extra.isBoolean() && !extra.asBoolean() ? Model.CLOSED : Model.OPEN;
    }

    private static Set<String> required(JsonNode s) {
        Set<String> out = new HashSet<>();
        s.path("required").forEach(r -> out.add(r.asText()));
        return out;
    }

    void compare() {
        JsonNode oProps = original.get("properties");
        JsonNode uProps = update.get("properties");
        Set<String> oRequired = required(original);
        Set<String> uRequired = required(update);
        for (Iterator<String> it = JsonSchemaDiff.names(oProps); it.hasNext();) {
            String name = it.next();
            String at = path + "/properties/" + name;
            if (uProps != null && uProps.has(name)) {
                diff.nested(at, oProps.get(name), oRefs, uProps.get(name), uRefs);
                if (oRequired.contains(name) && !uRequired.contains(name)) {
                    diff.record("REQUIRED_ATTRIBUTE_REMOVED", at, true);
                } else if (!oRequired.contains(name) && uRequired.contains(name)) {
                    boolean withDefault = uProps.get(name).has("default");
                    diff.record(withDefault ? "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED" : "REQUIRED_ATTRIBUTE_ADDED", at, withDefault);
                }
            } else {
                removed(name, at, oProps.get(name));
            }
        }
        for (Iterator<String> it = JsonSchemaDiff.names(uProps); it.hasNext();) {
            String name = it.next();
            if (oProps == null || !oProps.has(name)) {
                added(name, path + "/properties/" + name, uProps.get(name), uRequired.contains(name));
            }
        }
        additional();
    }

    /** A property the update no longer names: what the update lets other properties be must still take it. */
    private void removed(String name, String at, JsonNode was) {
        switch (model(update)) {
            case OPEN -> diff.record("PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", at, true);
            case CLOSED -> {
                boolean wasNothing = was.isBoolean() && !was.asBoolean();
                diff.record(wasNothing ? "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL"
                        : "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", at, wasNothing);
            }
            case PARTIAL -> {
                boolean covered = diff.covers(was, oRefs, governing(update, name), uRefs);
                diff.record(covered ? "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                        : "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", at, covered);
            }
        }
    }

    /** A property the original did not name: whatever the original let it be must fit its new schema. */
    private void added(String name, String at, JsonNode now, boolean required) {
        Model before = model(original);
        if (before == Model.OPEN) {
            boolean anything = now.isBoolean() ? now.asBoolean() : now.isObject() && now.isEmpty();
            diff.record(anything ? "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL" : "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
                    at, anything);
            return;
        }
        if (before == Model.PARTIAL) {
            boolean covered = diff.covers(governing(original, name), oRefs, now, uRefs);
            diff.record(covered ? "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                    : "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", at, covered);
            if (!covered) {
                return;
            }
        }
        if (!required) {
            diff.record("OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", at, true);
        } else if (now.has("default")) {
            diff.record("REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL", at, true);
        } else {
            diff.record("REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", at, false);
        }
    }

    /** The schema an unnamed property {@code name} must meet: the first matching pattern's, else additionalProperties. */
    private static JsonNode governing(JsonNode s, String name) {
        JsonNode patterns = s.get("patternProperties");
        if (patterns != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = patterns.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> p = it.next();
                try {
                    if (java.util.regex.Pattern.compile(p.getKey()).matcher(name).find()) {
                        return p.getValue();
                    }
                } catch (java.util.regex.PatternSyntaxException e) {
                    // a pattern Java cannot read matches nothing here
                }
            }
        }
        JsonNode extra = s.get("additionalProperties");
        return extra == null ? BooleanNode.TRUE : extra;
    }

    private void additional() {
        JsonNode o = original.get("additionalProperties");
        JsonNode u = update.get("additionalProperties");
        boolean oAny = o == null || o.isBoolean() && o.asBoolean() || o.isObject() && o.isEmpty();
        boolean uAny = u == null || u.isBoolean() && u.asBoolean() || u.isObject() && u.isEmpty();
        boolean oNone = o != null && o.isBoolean() && !o.asBoolean();
        boolean uNone = u != null && u.isBoolean() && !u.asBoolean();
        String at = path + "/additionalProperties";
        if (oAny == uAny && oNone == uNone && (oAny || oNone)) {
            return;
        }
        if (uAny) {
            diff.record(oNone ? "ADDITIONAL_PROPERTIES_ADDED" : "ADDITIONAL_PROPERTIES_EXTENDED", at, true);
        } else if (uNone) {
            diff.record("ADDITIONAL_PROPERTIES_REMOVED", at, false);
        } else if (oAny) {
            diff.record("ADDITIONAL_PROPERTIES_NARROWED", at, false);
        } else if (oNone) {
            diff.record("ADDITIONAL_PROPERTIES_EXTENDED", at, true);
        } else {
            diff.nested(at, o, oRefs, u, uRefs);
        }
    }
}
