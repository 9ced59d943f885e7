package dev.wharf.registry.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a JSON Schema changed from {@code original} to {@code update}, as the kinds of change
 * Confluent's registry names (TYPE_NARROWED, PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL, ...), each
 * compatible or not: a change is compatible when every document the original accepts, the update
 * accepts too. So {@code update} can read what {@code original} wrote when no change is incompatible.
 *
 * <p>An object's content model decides added and removed properties: open (any other property
 * allowed), closed ({@code additionalProperties: false}) or partially open
 * ({@code patternProperties}, or {@code additionalProperties} a schema).
 */
final class JsonSchemaDiff {
    /** One change: its kind, where (a JSON pointer into the update), and whether it keeps the original's documents valid. */
    record Difference(String type, String path, boolean compatible) {
        String message() {
            return "{errorType:'" + type + "', description:'The schema at path '" + (path.isEmpty() ? "#/" : "#" + path)
                    + "' changed incompatibly: " + type.toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + "'}";
        }
    }

    /** Draft-07's one keyword and draft 2019's two for what a present property demands. */
    private static final List<String> DEPENDENCY_KEYS = List.of("dependencies", "dependentRequired", "dependentSchemas");
    private static final Set<String> NUMBER_KEYS = Set.of("maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum",
            "multipleOf");
    private static final List<String> COMBINATORS = List.of("oneOf", "anyOf", "allOf");

    private final List<Difference> out = new ArrayList<>();
    /** Pairs compared already on this path: recursive schemas end here. */
    private final Map<JsonNode, Set<JsonNode>> seen = new IdentityHashMap<>();

    private JsonSchemaDiff() {}

    /** Every change from {@code original} to {@code update}. */
    static List<Difference> compare(JsonNode original, JsonRefs originalRefs, JsonNode update, JsonRefs updateRefs) {
        JsonSchemaDiff diff = new JsonSchemaDiff();
        diff.schema("", original, originalRefs, update, updateRefs);
        return diff.out;
    }

    /** Only the incompatible changes. */
    static List<Difference> incompatible(JsonNode original, JsonRefs originalRefs, JsonNode update, JsonRefs updateRefs) {
        return compare(original, originalRefs, update, updateRefs).stream().filter(d -> !d.compatible()).toList();
    }

    private void add(String type, String path, boolean compatible) {
        out.add(new Difference(type, path, compatible));
    }

    private static boolean acceptsAll(JsonNode s) {
        return s == null || s.isMissingNode() || (s.isBoolean() && s.asBoolean()) || (s.isObject() && s.isEmpty());
    }

    private static boolean acceptsNone(JsonNode s) {
        return s != null && s.isBoolean() && !s.asBoolean();
    }

    private void schema(String path, JsonNode original, JsonRefs oRefs, JsonNode update, JsonRefs uRefs) {
        JsonRefs.Located o = oRefs.resolve(original);
        JsonRefs.Located u = uRefs.resolve(update);
        if (o == null || u == null) {
            add("REFERENCE_UNRESOLVED", path, false);
            return;
        }
        if (!seen.computeIfAbsent(o.schema(), k -> java.util.Collections.newSetFromMap(new IdentityHashMap<>())).add(u.schema())) {
            return;
        }
        original = o.schema();
        update = u.schema();
        oRefs = o.refs();
        uRefs = u.refs();
        if (acceptsNone(original) || acceptsAll(update)) {
            if (!original.equals(update)) {
                add(acceptsAll(update) && !acceptsAll(original) ? "SCHEMA_REMOVED" : "SCHEMA_ADDED", path, true);
            }
            return;
        }
        if (acceptsAll(original) || acceptsNone(update)) {
            add("SCHEMA_ADDED", path, false);
            return;
        }
        if (combined(path, original, oRefs, update, uRefs)) {
            return;
        }
        types(path, original, update);
        enums(path, original, update);
        bounds(path, original, update, "maxLength", "minLength");
        pattern(path, original, update);
        for (String key : NUMBER_KEYS) {
            number(path, key, original.get(key), update.get(key));
        }
        bounds(path, original, update, "maxItems", "minItems");
        flagAdded(path, original, update, "uniqueItems");
        items(path, original, oRefs, update, uRefs);
        bounds(path, original, update, "maxProperties", "minProperties");
        new ObjectDiff(this, path, original, oRefs, update, uRefs).compare();
        for (String key : DEPENDENCY_KEYS) {
            dependencies(path + "/" + key, original.path(key), oRefs, update.path(key), uRefs);
        }
        not(path + "/not", original.get("not"), oRefs, update.get("not"), uRefs);
    }

    /**
     * {@code not}: the update accepts more when it excludes less, so its {@code not} may only
     * narrow (every instance it excludes the original excluded too) or go.
     */
    private void not(String path, JsonNode original, JsonRefs oRefs, JsonNode update, JsonRefs uRefs) {
        if (update == null) {
            if (original != null) {
                add("NOT_TYPE_REMOVED", path, true);
            }
        } else if (original == null) {
            add("NOT_TYPE_ADDED", path, false);
        } else if (!original.equals(update)) {
            boolean narrowed = covers(update, uRefs, original, oRefs);
            add(narrowed ? "NOT_TYPE_NARROWED" : "NOT_TYPE_EXTENDED", path, narrowed);
        }
    }

    /**
     * {@code dependencies} (and draft 2019's {@code dependentRequired}/{@code dependentSchemas}):
     * a dependency removed, or one asking fewer properties, accepts more; one added or asking
     * more does not; a schema dependency kept is compared as a schema.
     */
    private void dependencies(String path, JsonNode original, JsonRefs oRefs, JsonNode update, JsonRefs uRefs) {
        Set<String> names = new TreeSet<>();
        original.fieldNames().forEachRemaining(names::add);
        update.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            JsonNode o = original.get(name);
            JsonNode u = update.get(name);
            String at = path + "/" + name;
            String kind = (u != null ? u : o).isArray() ? "DEPENDENCY_ARRAY" : "DEPENDENCY_SCHEMA";
            if (o == null || u == null) {
                add(kind + (o == null ? "_ADDED" : "_REMOVED"), at, o != null);
            } else if (o.isArray() && u.isArray()) {
                Set<JsonNode> was = new HashSet<>();
                o.forEach(was::add);
                Set<JsonNode> is = new HashSet<>();
                u.forEach(is::add);
                if (!was.equals(is)) {
                    add(was.containsAll(is) ? "DEPENDENCY_ARRAY_NARROWED" : is.containsAll(was) ? "DEPENDENCY_ARRAY_EXTENDED"
                            : "DEPENDENCY_ARRAY_CHANGED", at, was.containsAll(is));
                }
            } else if (!o.isArray() && !u.isArray()) {
                schema(at, o, oRefs, u, uRefs);
            } else {
                add("DEPENDENCY_ARRAY_CHANGED", at, false);
            }
        }
    }

    /** Called back by {@link ObjectDiff} for property schemas. */
    void nested(String path, JsonNode original, JsonRefs oRefs, JsonNode update, JsonRefs uRefs) {
        schema(path, original, oRefs, update, uRefs);
    }

    void record(String type, String path, boolean compatible) {
        add(type, path, compatible);
    }

    /** Whether {@code update} accepts everything {@code original} does, without recording anything. */
    boolean covers(JsonNode original, JsonRefs oRefs, JsonNode update, JsonRefs uRefs) {
        return incompatible(original, oRefs, update, uRefs).isEmpty();
    }

    /** anyOf / oneOf / allOf on either side; true when it decided the comparison. */
    private boolean combined(String path, JsonNode original, JsonRefs oRefs, JsonNode update, JsonRefs uRefs) {
        String oKind = combinator(original);
        String uKind = combinator(update);
        if (oKind == null && uKind == null) {
            return false;
        }
        if (oKind == null) { // a single schema becoming a choice: fine if one branch takes it whole
            for (JsonNode branch : update.get(uKind)) {
                if (!uKind.equals("allOf") && covers(original, oRefs, branch, uRefs)) {
                    add("SUM_TYPE_EXTENDED", path, true);
                    return true;
                }
            }
            if (uKind.equals("allOf") && update.get(uKind).size() == 1) {
                schema(path + "/allOf/0", original, oRefs, update.get(uKind).get(0), uRefs);
                return true;
            }
            add("COMBINED_TYPE_CHANGED", path, false);
            return true;
        }
        if (uKind == null) {
            if (original.get(oKind).size() == 1) {
                schema(path, original.get(oKind).get(0), oRefs, update, uRefs);
            } else {
                add("COMBINED_TYPE_CHANGED", path, false);
            }
            return true;
        }
        if (!oKind.equals(uKind)) {
            add("COMBINED_TYPE_CHANGED", path, false);
            return true;
        }
        JsonNode oBranches = original.get(oKind);
        JsonNode uBranches = update.get(uKind);
        if (oKind.equals("allOf")) { // every constraint of the update must come from one of the original
            for (int i = 0; i < uBranches.size(); i++) {
                if (!anyCovered(oBranches, oRefs, uBranches.get(i), uRefs)) {
                    add("PRODUCT_TYPE_EXTENDED", path + "/allOf/" + i, false);
                    return true;
                }
            }
            if (uBranches.size() < oBranches.size()) {
                add("PRODUCT_TYPE_NARROWED", path, true);
            }
            return true;
        }
        for (JsonNode branch : oBranches) { // every choice of the original must still be taken
            boolean taken = false;
            for (JsonNode candidate : uBranches) {
                taken |= covers(branch, oRefs, candidate, uRefs);
            }
            if (!taken) {
                add("SUM_TYPE_NARROWED", path + "/" + uKind, false);
                return true;
            }
        }
        if (uBranches.size() > oBranches.size()) {
            add("SUM_TYPE_EXTENDED", path, true);
        }
        return true;
    }

    private boolean anyCovered(JsonNode originals, JsonRefs oRefs, JsonNode update, JsonRefs uRefs) {
        for (JsonNode o : originals) {
            if (covers(o, oRefs, update, uRefs)) {
                return true;
            }
        }
        return false;
    }

    private static String combinator(JsonNode s) {
        for (String kind : COMBINATORS) {
            if (s.path(kind).isArray() && !s.get(kind).isEmpty()) {
                return kind;
            }
        }
        return null;
    }

    /** The types a schema allows; empty for any. {@code integer} counts as part of {@code number}. */
    private static Set<String> types(JsonNode s) {
        Set<String> out = new LinkedHashSet<>();
        JsonNode type = s.get("type");
        if (type == null) {
            return out;
        }
        if (type.isArray()) {
            type.forEach(t -> out.add(t.asText()));
        } else {
            out.add(type.asText());
        }
        return out;
    }

    private void types(String path, JsonNode original, JsonNode update) {
        Set<String> o = types(original);
        Set<String> u = types(update);
        if (o.equals(u)) {
            return;
        }
        if (u.isEmpty()) {
            add("TYPE_EXTENDED", path + "/type", true);
            return;
        }
        if (o.isEmpty()) {
            add("TYPE_NARROWED", path + "/type", false);
            return;
        }
        boolean narrowed = false;
        for (String t : o) {
            narrowed |= !(u.contains(t) || (t.equals("integer") && u.contains("number")));
        }
        boolean changed = u.stream().noneMatch(t -> o.contains(t) || (t.equals("number") && o.contains("integer")));
        add(narrowed ? (changed ? "TYPE_CHANGED" : "TYPE_NARROWED") : "TYPE_EXTENDED", path + "/type", !narrowed);
    }

    private void enums(String path, JsonNode original, JsonNode update) {
        JsonNode o = original.has("const") ? wrap(original.get("const")) : original.get("enum");
        JsonNode u = update.has("const") ? wrap(update.get("const")) : update.get("enum");
        if (u == null) {
            if (o != null) {
                add("ENUM_ARRAY_REMOVED", path + "/enum", true);
            }
            return;
        }
        if (o == null) {
            add("ENUM_ARRAY_ADDED", path + "/enum", false);
            return;
        }
        Set<JsonNode> uValues = new HashSet<>();
        u.forEach(uValues::add);
        Set<JsonNode> oValues = new HashSet<>();
        o.forEach(oValues::add);
        if (uValues.equals(oValues)) {
            return;
        }
        boolean kept = uValues.containsAll(oValues);
        add(kept ? "ENUM_ARRAY_EXTENDED" : oValues.containsAll(uValues) ? "ENUM_ARRAY_NARROWED" : "ENUM_ARRAY_CHANGED",
                path + "/enum", kept);
    }

    private static JsonNode wrap(JsonNode value) {
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode().add(value);
    }

    /** An upper bound ({@code max}) may rise or go, a lower one ({@code min}) may fall or go; anything new is narrower. */
    private void bounds(String path, JsonNode original, JsonNode update, String max, String min) {
        number(path, max, original.get(max), update.get(max));
        number(path, min, original.get(min), update.get(min));
    }

    private void number(String path, String key, JsonNode o, JsonNode u) {
        String name = key.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
        if (o == null && u == null) {
            return;
        }
        if (u == null) {
            add(name + "_REMOVED", path + "/" + key, true);
        } else if (o == null) {
            add(name + "_ADDED", path + "/" + key, false);
        } else if (o.isNumber() && u.isNumber() && o.decimalValue().compareTo(u.decimalValue()) != 0) {
            boolean up = u.decimalValue().compareTo(o.decimalValue()) > 0;
            if (key.equals("multipleOf")) {
                boolean divides = o.decimalValue().remainder(u.decimalValue()).signum() == 0;
                add(divides ? "MULTIPLE_OF_REDUCED" : up ? "MULTIPLE_OF_EXPANDED" : "MULTIPLE_OF_CHANGED", path + "/" + key, divides);
            } else {
                boolean upper = key.startsWith("max") || key.equals("exclusiveMaximum");
                add(name + (up ? "_INCREASED" : "_DECREASED"), path + "/" + key, upper == up);
            }
        } else if (!o.equals(u)) {
            add(name + "_CHANGED", path + "/" + key, false);
        }
    }

    private void pattern(String path, JsonNode original, JsonNode update) {
        JsonNode o = original.get("pattern");
        JsonNode u = update.get("pattern");
        if (u == null && o != null) {
            add("PATTERN_REMOVED", path + "/pattern", true);
        } else if (u != null && o == null) {
            add("PATTERN_ADDED", path + "/pattern", false);
        } else if (u != null && !u.equals(o)) {
            add("PATTERN_CHANGED", path + "/pattern", false);
        }
    }

    private void flagAdded(String path, JsonNode original, JsonNode update, String key) {
        boolean o = original.path(key).asBoolean(false);
        boolean u = update.path(key).asBoolean(false);
        if (o != u) {
            String name = key.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
            add(name + (u ? "_ADDED" : "_REMOVED"), path + "/" + key, !u);
        }
    }

    /** {@code items}: one schema for every item, or a tuple whose extra items {@code additionalItems} governs. */
    private void items(String path, JsonNode original, JsonRefs oRefs, JsonNode update, JsonRefs uRefs) {
        JsonNode o = original.get("items");
        JsonNode u = update.get("items");
        if (o == null && u == null) {
            return;
        }
        if (o != null && o.isArray() || u != null && u.isArray()) {
            JsonNode oItems = o != null && o.isArray() ? o : null;
            JsonNode uItems = u != null && u.isArray() ? u : null;
            if (oItems == null || uItems == null) {
                add("ITEMS_CHANGED", path + "/items", false);
                return;
            }
            int shared = Math.min(oItems.size(), uItems.size());
            for (int i = 0; i < shared; i++) {
                schema(path + "/items/" + i, oItems.get(i), oRefs, uItems.get(i), uRefs);
            }
            for (int i = shared; i < uItems.size(); i++) { // an item the original left to additionalItems
                JsonNode extra = original.get("additionalItems");
                boolean ok = extra == null ? acceptsAll(uItems.get(i)) : covers(extra, oRefs, uItems.get(i), uRefs);
                add(ok ? "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" : "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
                        path + "/items/" + i, ok);
            }
            for (int i = shared; i < oItems.size(); i++) { // an item the update leaves to additionalItems
                JsonNode extra = update.get("additionalItems");
                boolean ok = extra == null || covers(oItems.get(i), oRefs, extra, uRefs);
                add(ok ? "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                        : "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", path + "/items/" + i, ok);
            }
            JsonNode oExtra = original.get("additionalItems");
            JsonNode uExtra = update.get("additionalItems");
            if (uExtra != null && !acceptsAll(uExtra) && (oExtra == null || !covers(oExtra, oRefs, uExtra, uRefs))) {
                add("ADDITIONAL_ITEMS_NARROWED", path + "/additionalItems", false);
            }
            return;
        }
        schema(path + "/items", o == null ? com.fasterxml.jackson.databind.node.BooleanNode.TRUE : o, oRefs,
                u == null ? com.fasterxml.jackson.databind.node.BooleanNode.TRUE : u, uRefs);
    }

    static Iterator<String> names(JsonNode properties) {
        return properties == null ? java.util.Collections.emptyIterator() : properties.fieldNames();
    }
}
