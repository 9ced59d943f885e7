package dev.wharf.registry.avro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.registry.CompatibilityLevel;
import dev.wharf.registry.ParsedSchema;
import dev.wharf.registry.RegistryException;
import dev.wharf.registry.SchemaType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each compatibility level with Avro schemas that must pass and must fail, checked by Apache Avro's own rules. */
class AvroCompatibilityTest {
    private final AvroFormat avro = new AvroFormat();

    private ParsedSchema record(String... fields) {
        return avro.parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[" + String.join(",", fields) + "]}", List.of(), true);
    }

    private static final String A_INT = "{\"name\":\"a\",\"type\":\"int\"}";
    private static final String A_LONG = "{\"name\":\"a\",\"type\":\"long\"}";
    private static final String B_DEFAULT = "{\"name\":\"b\",\"type\":\"string\",\"default\":\"x\"}";
    private static final String B_REQUIRED = "{\"name\":\"b\",\"type\":\"string\"}";

    private static boolean ok(CompatibilityLevel level, ParsedSchema candidate, ParsedSchema... earlier) {
        return level.check(candidate, List.of(earlier)).isEmpty();
    }

    // A field added with a default: every level passes.
    @Test
    void aFieldWithADefaultMayBeAddedAtEveryLevel() {
        for (CompatibilityLevel level : CompatibilityLevel.values()) {
            assertTrue(ok(level, record(A_INT, B_DEFAULT), record(A_INT)), level.name());
        }
    }

    // A field added without a default: new readers cannot read old data (BACKWARD and FULL fail), old readers can.
    @Test
    void aFieldWithoutADefaultBreaksBackward() {
        ParsedSchema old = record(A_INT);
        ParsedSchema added = record(A_INT, B_REQUIRED);
        assertEquals(false, ok(CompatibilityLevel.BACKWARD, added, old));
        assertEquals(false, ok(CompatibilityLevel.FULL, added, old));
        assertEquals(true, ok(CompatibilityLevel.FORWARD, added, old));
        assertEquals(true, ok(CompatibilityLevel.NONE, added, old));
        List<String> reasons = CompatibilityLevel.BACKWARD.check(added, List.of(old));
        assertTrue(reasons.get(0).contains("READER_FIELD_MISSING_DEFAULT_VALUE") && reasons.get(0).contains("'b'"), reasons.toString());
        assertTrue(reasons.get(reasons.size() - 1).contains("BACKWARD"), reasons.toString());
    }

    // A field removed that had no default: old readers miss it (FORWARD fails), new readers ignore it.
    @Test
    void removingAFieldWithoutADefaultBreaksForward() {
        ParsedSchema old = record(A_INT, B_REQUIRED);
        ParsedSchema removed = record(A_INT);
        assertEquals(true, ok(CompatibilityLevel.BACKWARD, removed, old));
        assertEquals(false, ok(CompatibilityLevel.FORWARD, removed, old));
        assertEquals(false, ok(CompatibilityLevel.FULL, removed, old));
    }

    // int to long is a promotion readers make: BACKWARD passes, FORWARD (long read as int) fails.
    @Test
    void aWideningIsBackwardOnly() {
        assertEquals(true, ok(CompatibilityLevel.BACKWARD, record(A_LONG), record(A_INT)));
        assertEquals(false, ok(CompatibilityLevel.FORWARD, record(A_LONG), record(A_INT)));
        assertTrue(CompatibilityLevel.FORWARD.check(record(A_LONG), List.of(record(A_INT))).get(0).contains("TYPE_MISMATCH"));
    }

    // Transitive levels compare with every earlier version: v3 reads v2's data but not v1's.
    @Test
    void transitiveLevelsCheckEveryEarlierVersion() {
        ParsedSchema v1 = record(A_INT);
        ParsedSchema v2 = record(A_INT, B_DEFAULT);
        ParsedSchema v3 = record(A_INT, B_REQUIRED);
        assertEquals(true, ok(CompatibilityLevel.BACKWARD, v3, v1, v2));
        assertEquals(false, ok(CompatibilityLevel.BACKWARD_TRANSITIVE, v3, v1, v2));
        assertEquals(false, ok(CompatibilityLevel.FULL_TRANSITIVE, v3, v1, v2));
        assertEquals(true, ok(CompatibilityLevel.FORWARD_TRANSITIVE, v3, v1, v2));
    }

    // Removing an enum symbol breaks readers of the new schema (BACKWARD); a union branch likewise.
    @Test
    void enumSymbolsAndUnionBranchesAreChecked() {
        ParsedSchema abc = avro.parse("{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\",\"C\"]}", List.of(), true);
        ParsedSchema ab = avro.parse("{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"]}", List.of(), true);
        assertTrue(CompatibilityLevel.BACKWARD.check(ab, List.of(abc)).get(0).contains("MISSING_ENUM_SYMBOLS"));
        assertEquals(true, ok(CompatibilityLevel.BACKWARD, abc, ab));
        ParsedSchema both = avro.parse("[\"null\",\"string\"]", List.of(), true);
        ParsedSchema one = avro.parse("[\"null\"]", List.of(), true);
        assertTrue(CompatibilityLevel.BACKWARD.check(one, List.of(both)).get(0).contains("MISSING_UNION_BRANCH"));
    }

    // The stored text is Avro's compact form: layout never makes a new schema; a named type from a reference is named only.
    @Test
    void canonicalTextIgnoresLayoutAndNamesReferencedTypes() {
        String spaced = "{ \"type\" : \"record\", \"name\" : \"R\",\n \"fields\" : [ " + A_INT + " ] }";
        assertEquals(record(A_INT).canonical(), avro.parse(spaced, List.of(), true).canonical());
        String address = "{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"shop\",\"fields\":[{\"name\":\"city\",\"type\":\"string\"}]}";
        ParsedSchema customer = avro.parse("{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"shop\",\"fields\":["
                + "{\"name\":\"home\",\"type\":\"shop.Address\"}]}", List.of(new SchemaType.Resolved("shop.Address", SchemaType.AVRO,
                address)), true);
        assertEquals("{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"shop\",\"fields\":[{\"name\":\"home\","
                + "\"type\":\"Address\"}]}", customer.canonical());
    }

    // The normal form names every type in full, sorts properties and keeps defaults and docs.
    @Test
    void theNormalFormQualifiesNamesAndSortsProperties() {
        ParsedSchema a = avro.parse("{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"n\",\"zeta\":1,\"alpha\":2,\"doc\":\"d\","
                + "\"fields\":[{\"name\":\"x\",\"type\":{\"type\":\"fixed\",\"name\":\"F\",\"size\":4},\"default\":\"abcd\"},"
                + "{\"name\":\"y\",\"type\":\"F\"}]}", List.of(), true);
        assertEquals("{\"name\":\"n.R\",\"type\":\"record\",\"fields\":[{\"name\":\"x\",\"type\":{\"name\":\"n.F\",\"type\":\"fixed\","
                + "\"size\":4},\"default\":\"abcd\"},{\"name\":\"y\",\"type\":\"n.F\"}],\"doc\":\"d\",\"alpha\":2,\"zeta\":1}",
                a.normalized().canonical());
        ParsedSchema b = avro.parse("{\"namespace\":\"n\",\"alpha\":2,\"name\":\"R\",\"type\":\"record\",\"doc\":\"d\",\"zeta\":1,"
                + "\"fields\":[{\"name\":\"x\",\"type\":{\"type\":\"fixed\",\"name\":\"n.F\",\"size\":4},\"default\":\"abcd\"},"
                + "{\"name\":\"y\",\"type\":\"n.F\"}]}", List.of(), true);
        assertEquals(a.normalized().canonical(), b.normalized().canonical());
        assertTrue(a.normalized().readErrors(b, "new", "old").isEmpty());
    }

    // What Avro refuses is 42201: bad JSON, a record without fields, a default of the wrong type.
    @Test
    void invalidSchemasAre42201() {
        List<String> bad = new ArrayList<>(List.of("{not json", "{\"type\":\"record\",\"name\":\"R\"}",
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\",\"default\":\"x\"}]}",
                "{\"type\":\"nosuchtype\"}"));
        for (String schema : bad) {
            RegistryException e = assertThrows(RegistryException.class, () -> avro.parse(schema, List.of(), true), schema);
            assertEquals(42201, e.errorCode(), schema);
        }
    }
}
