package dev.wharf.registry.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.registry.CompatibilityLevel;
import dev.wharf.registry.ParsedSchema;
import dev.wharf.registry.RegistryException;
import dev.wharf.registry.SchemaType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * JSON Schema changes at each level, by Confluent's rules: a change is backward compatible when
 * every document the old schema accepts, the new one accepts too; an object's content model
 * (open, closed, partially open) decides what adding or removing a property does.
 */
class JsonSchemaCompatibilityTest {
    private final JsonSchemaFormat json = new JsonSchemaFormat();

    private ParsedSchema schema(String text) {
        return json.parse(text, List.of(), true);
    }

    private boolean backward(String old, String now) {
        return CompatibilityLevel.BACKWARD.check(schema(now), List.of(schema(old))).isEmpty();
    }

    private boolean forward(String old, String now) {
        return CompatibilityLevel.FORWARD.check(schema(now), List.of(schema(old))).isEmpty();
    }

    private static String object(String properties, String extra) {
        return "{\"type\":\"object\",\"properties\":{" + properties + "}" + extra + "}";
    }

    private static final String A = "\"a\":{\"type\":\"string\"}";
    private static final String B = "\"b\":{\"type\":\"integer\"}";
    private static final String CLOSED = ",\"additionalProperties\":false";

    // Open content model: a new typed property may clash with what old writers put there (not backward), removing one is fine.
    @Test
    void openContentModel() {
        assertEquals(false, backward(object(A, ""), object(A + "," + B, "")));
        assertEquals(true, forward(object(A, ""), object(A + "," + B, "")));
        assertEquals(true, backward(object(A, ""), object(A + ",\"b\":{}", "")), "a property that accepts anything");
        assertEquals(true, backward(object(A + "," + B, ""), object(A, "")));
        assertTrue(CompatibilityLevel.BACKWARD.check(schema(object(A + "," + B, "")), List.of(schema(object(A, ""))))
                .get(0).contains("PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"));
    }

    // Closed content model: optional or defaulted properties may come, required ones may not; none may go.
    @Test
    void closedContentModel() {
        assertEquals(true, backward(object(A, CLOSED), object(A + "," + B, CLOSED)));
        assertEquals(false, backward(object(A, CLOSED), object(A + "," + B, CLOSED + ",\"required\":[\"b\"]")));
        assertEquals(true, backward(object(A, CLOSED), object(A + ",\"b\":{\"type\":\"integer\",\"default\":0}",
                CLOSED + ",\"required\":[\"b\"]")));
        assertEquals(false, backward(object(A + "," + B, CLOSED), object(A, CLOSED)));
        assertEquals(false, backward(object(A, ""), object(A, CLOSED)), "closing an open model");
        assertEquals(true, backward(object(A, CLOSED), object(A, "")), "opening a closed one");
    }

    // Partially open: a property added or removed must fit what patternProperties / additionalProperties allow.
    @Test
    void partiallyOpenContentModel() {
        String strings = ",\"additionalProperties\":{\"type\":\"string\"}";
        assertEquals(true, backward(object(A, strings), object(A + ",\"c\":{\"type\":\"string\"}", strings)));
        assertEquals(false, backward(object(A, strings), object(A + "," + B, strings)));
        String digits = ",\"patternProperties\":{\"^n_\":{\"type\":\"integer\"}}";
        assertEquals(true, backward(object(A + ",\"n_1\":{\"type\":\"integer\"}", digits), object(A, digits)));
        assertEquals(false, backward(object(A + ",\"n_1\":{\"type\":\"string\"}", digits), object(A, digits)));
    }

    // Types may widen (backward) but not narrow; integer is a kind of number.
    @Test
    void typesWidenButDoNotNarrow() {
        assertEquals(true, backward("{\"type\":\"string\"}", "{\"type\":[\"string\",\"null\"]}"));
        assertEquals(false, forward("{\"type\":\"string\"}", "{\"type\":[\"string\",\"null\"]}"));
        assertEquals(true, backward("{\"type\":\"integer\"}", "{\"type\":\"number\"}"));
        assertEquals(false, backward("{\"type\":\"number\"}", "{\"type\":\"integer\"}"));
        assertEquals(false, backward("{\"type\":\"string\"}", "{\"type\":\"boolean\"}"));
        assertEquals(true, backward("{\"type\":\"string\"}", "{}"), "any schema takes everything");
    }

    // Limits may loosen, not tighten; a new limit or pattern tightens.
    @Test
    void limitsMayLoosenOnly() {
        assertEquals(true, backward("{\"type\":\"string\",\"maxLength\":5}", "{\"type\":\"string\",\"maxLength\":10}"));
        assertEquals(false, backward("{\"type\":\"string\",\"maxLength\":10}", "{\"type\":\"string\",\"maxLength\":5}"));
        assertEquals(false, backward("{\"type\":\"string\"}", "{\"type\":\"string\",\"pattern\":\"^a\"}"));
        assertEquals(true, backward("{\"type\":\"string\",\"pattern\":\"^a\"}", "{\"type\":\"string\"}"));
        assertEquals(true, backward("{\"type\":\"number\",\"minimum\":5}", "{\"type\":\"number\",\"minimum\":0}"));
        assertEquals(false, backward("{\"type\":\"number\",\"minimum\":0}", "{\"type\":\"number\",\"minimum\":5}"));
        assertEquals(true, backward("{\"type\":\"number\",\"multipleOf\":4}", "{\"type\":\"number\",\"multipleOf\":2}"));
        assertEquals(false, backward("{\"type\":\"number\",\"multipleOf\":2}", "{\"type\":\"number\",\"multipleOf\":4}"));
        assertEquals(false, backward("{\"type\":\"array\",\"items\":{\"type\":\"string\"}}",
                "{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"maxItems\":3}"));
        assertEquals(false, backward("{\"type\":\"array\",\"items\":{\"type\":\"string\"}}",
                "{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}"));
    }

    // Enums may gain values, not lose them; required may be dropped, not added without a default.
    @Test
    void enumsAndRequired() {
        assertEquals(true, backward("{\"enum\":[\"a\",\"b\"]}", "{\"enum\":[\"a\",\"b\",\"c\"]}"));
        assertEquals(false, backward("{\"enum\":[\"a\",\"b\"]}", "{\"enum\":[\"a\"]}"));
        assertEquals(true, backward(object(A, ",\"required\":[\"a\"]"), object(A, "")));
        assertEquals(false, backward(object(A, ""), object(A, ",\"required\":[\"a\"]")));
    }

    // 'not' may narrow (exclude less) or go, not widen or appear; dependencies may be dropped or ask less, not appear or ask more.
    @Test
    void notAndDependencies() {
        String notShort = "{\"type\":\"string\",\"not\":{\"maxLength\":3}}";
        String notShorter = "{\"type\":\"string\",\"not\":{\"maxLength\":2}}";
        assertEquals(true, backward(notShort, notShorter), "excluding fewer strings accepts more");
        assertEquals(false, backward(notShorter, notShort));
        assertEquals(true, backward(notShort, "{\"type\":\"string\"}"));
        assertEquals(false, backward("{\"type\":\"string\"}", notShort));
        String deps = ",\"dependencies\":{\"a\":[%s]}";
        String ab = object(A + "," + B, deps.formatted("\"b\""));
        String none = object(A + "," + B, "");
        assertEquals(true, backward(ab, none));
        assertEquals(false, backward(none, ab));
        String abc = object(A + "," + B, deps.formatted("\"b\",\"c\""));
        assertEquals(false, backward(ab, abc), "asking more");
        assertEquals(true, backward(abc, ab), "asking less");
        String schemaDep = object(A + "," + B, ",\"dependentSchemas\":{\"a\":{\"properties\":{\"b\":{\"minimum\":%d}}}}");
        assertEquals(true, backward(schemaDep.formatted(5), schemaDep.formatted(1)));
        assertEquals(false, backward(schemaDep.formatted(1), schemaDep.formatted(5)));
    }

    // A choice may gain branches, not lose them; a schema may become one branch of a choice.
    @Test
    void choicesMayGrow() {
        String s = "{\"type\":\"string\"}";
        String i = "{\"type\":\"integer\"}";
        String b = "{\"type\":\"boolean\"}";
        assertEquals(true, backward("{\"oneOf\":[" + s + "," + i + "]}", "{\"oneOf\":[" + s + "," + i + "," + b + "]}"));
        assertEquals(false, backward("{\"oneOf\":[" + s + "," + i + "]}", "{\"oneOf\":[" + s + "]}"));
        assertEquals(true, backward(s, "{\"anyOf\":[" + s + "," + i + "]}"));
        assertEquals(false, backward("{\"oneOf\":[" + s + "," + i + "]}", "{\"anyOf\":[" + s + "," + i + "]}"));
    }

    // $refs are followed, within the schema and into a referenced one.
    @Test
    void referencesAreFollowed() {
        String defs = "\"$defs\":{\"name\":{\"type\":\"string\",\"maxLength\":%d}}";
        String old = "{\"type\":\"object\",\"properties\":{\"n\":{\"$ref\":\"#/$defs/name\"}}," + defs.formatted(10) + "}";
        String wider = "{\"type\":\"object\",\"properties\":{\"n\":{\"$ref\":\"#/$defs/name\"}}," + defs.formatted(20) + "}";
        String narrower = "{\"type\":\"object\",\"properties\":{\"n\":{\"$ref\":\"#/$defs/name\"}}," + defs.formatted(5) + "}";
        assertEquals(true, backward(old, wider));
        assertEquals(false, backward(old, narrower));
        SchemaType.Resolved address = new SchemaType.Resolved("address.json", SchemaType.JSON,
                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}");
        ParsedSchema customer = json.parse("{\"type\":\"object\",\"properties\":{\"home\":{\"$ref\":\"address.json\"}}}",
                List.of(address), true);
        ParsedSchema inline = schema("{\"type\":\"object\",\"properties\":{\"home\":{\"type\":\"object\",\"properties\":"
                + "{\"city\":{\"type\":\"string\"}}}}}");
        assertTrue(CompatibilityLevel.FULL.check(customer, List.of(inline)).isEmpty(),
                CompatibilityLevel.FULL.check(customer, List.of(inline)).toString());
    }

    // Not JSON, not an object or boolean, or against its draft's meta-schema: 42201.
    @Test
    void invalidSchemasAre42201() {
        for (String bad : List.of("{not json", "[1,2]", "\"string\"", "{\"type\":5}", "{\"minLength\":-1}",
                "{\"properties\":{\"a\":7}}")) {
            RegistryException e = assertThrows(RegistryException.class, () -> schema(bad), bad);
            assertEquals(42201, e.errorCode(), bad);
        }
    }

    // The stored text is compact JSON; normalize sorts keys at every level.
    @Test
    void canonicalAndNormalForms() {
        ParsedSchema s = schema("{ \"type\" : \"object\",\n \"properties\" : { \"b\" : {\"type\":\"string\"}, \"a\": {} } }");
        assertEquals("{\"type\":\"object\",\"properties\":{\"b\":{\"type\":\"string\"},\"a\":{}}}", s.canonical());
        assertEquals("{\"properties\":{\"a\":{},\"b\":{\"type\":\"string\"}},\"type\":\"object\"}", s.normalized().canonical());
    }
}
