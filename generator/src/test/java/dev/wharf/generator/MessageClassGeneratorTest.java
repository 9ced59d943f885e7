package dev.wharf.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the generator emits for the rules that matter on the wire. (The generated code itself is
 * compiled and checked byte for byte against kafka-clients in the wire module.)
 */
class MessageClassGeneratorTest {
    private final SpecParser parser = new SpecParser();

    private MessageSpec spec(String fields) {
        return parser.parse("{\"type\":\"data\",\"name\":\"Sample\",\"validVersions\":\"0-4\","
                + "\"flexibleVersions\":\"3+\",\"fields\":[" + fields + "]}", "Sample.json");
    }

    // Version conditions are simplified against the message's valid versions.
    @Test
    void versionConditions() {
        MessageClassGenerator gen = new MessageClassGenerator(spec(""), "p");
        assertEquals("true", gen.cond(Versions.parse("0+")));
        assertEquals("false", gen.cond(Versions.parse("5+")));
        assertEquals("false", gen.cond(Versions.NONE));
        assertEquals("version >= 3", gen.cond(Versions.parse("3+")));
        assertEquals("version <= 2", gen.cond(Versions.parse("0-2")));
        assertEquals("(version >= 1 && version <= 2)", gen.cond(Versions.parse("1-2")));
        assertEquals("version == 2", gen.cond(Versions.parse("2")));
    }

    // Nullable structs get a marker byte; tagged fields are written only when not default.
    @Test
    void emitsMarkersAndTaggedChecks() {
        String code = new MessageClassGenerator(spec(
                "{\"name\":\"P\",\"type\":\"Pt\",\"versions\":\"0+\",\"nullableVersions\":\"1+\",\"fields\":["
                        + "{\"name\":\"X\",\"type\":\"int32\",\"versions\":\"0+\"}]},"
                        + "{\"name\":\"T\",\"type\":\"int64\",\"versions\":\"3+\",\"taggedVersions\":\"3+\",\"tag\":4,"
                        + "\"default\":\"-1\"}"), "p").generate();
        assertTrue(code.contains("reader.readNullMarker(version >= 1) ? null : new Pt(reader, version)"), code);
        assertTrue(code.contains("writer.writeNullMarker(version >= 1, \"p\")"), code);
        assertTrue(code.contains("if ((version >= 3) && this.t != -1L)"), code);
        assertTrue(code.contains("case 4: {"), code);
        assertTrue(code.contains("public static final class Pt implements dev.wharf.wire.protocol.Message"), code);
    }

    // A non-ignorable field absent from a version is checked against its default on write.
    @Test
    void nonDefaultChecks() {
        String code = new MessageClassGenerator(spec(
                "{\"name\":\"Late\",\"type\":\"string\",\"versions\":\"2+\",\"default\":\"x\"},"
                        + "{\"name\":\"Loose\",\"type\":\"int32\",\"versions\":\"2+\",\"ignorable\":true}"), "p").generate();
        assertTrue(code.contains("if (!\"x\".equals(this.late))"), code);
        assertTrue(code.contains("nonDefault(\"late\", version)"), code);
        assertTrue(!code.contains("nonDefault(\"loose\", version)"), code);
    }

    // String literals escape what Java source cannot hold verbatim (a unicode escape of a line break would break it).
    @Test
    void stringLiteralsAreSafeJava() {
        assertEquals("\"a\\\"b\\\\c\\015\\012\\u00e9\"", JavaTypes.stringLiteral("a\"b\\c\r\né"));
    }

    // Tagged fields must be open-ended, in flexible versions only, and never records.
    @Test
    void taggedFieldRulesAreEnforced() {
        assertThrows(SpecException.class, () -> new MessageClassGenerator(spec(
                "{\"name\":\"T\",\"type\":\"int32\",\"versions\":\"1+\",\"taggedVersions\":\"1+\",\"tag\":0}"), "p"));
        assertThrows(SpecException.class, () -> new MessageClassGenerator(spec(
                "{\"name\":\"T\",\"type\":\"records\",\"versions\":\"3+\",\"taggedVersions\":\"3+\",\"tag\":0}"), "p"));
        assertThrows(SpecException.class, () -> new MessageClassGenerator(spec(
                "{\"name\":\"T\",\"type\":\"int32\",\"versions\":\"3-4\",\"taggedVersions\":\"3-4\",\"tag\":0}"), "p"));
    }

    // Structs declared inline inside a common struct are generated too.
    @Test
    void inlineStructsInsideCommonStructs() {
        MessageSpec withCommon = parser.parse("{\"type\":\"data\",\"name\":\"S\",\"validVersions\":\"0\","
                + "\"fields\":[{\"name\":\"C\",\"type\":\"Common\",\"versions\":\"0+\"}],"
                + "\"commonStructs\":[{\"name\":\"Common\",\"versions\":\"0+\",\"fields\":["
                + "{\"name\":\"Inner\",\"type\":\"[]InnerItem\",\"versions\":\"0+\",\"fields\":["
                + "{\"name\":\"X\",\"type\":\"int8\",\"versions\":\"0+\"}]}]}]}", "S.json");
        String code = new MessageClassGenerator(withCommon, "p").generate();
        assertTrue(code.contains("public static final class InnerItem"), code);
    }

    // Bad defaults and unknown struct references are spec errors, not broken Java.
    @Test
    void rejectsBadSpecs() {
        assertThrows(SpecException.class, () -> new MessageClassGenerator(spec(
                "{\"name\":\"B\",\"type\":\"int8\",\"versions\":\"0+\",\"default\":\"300\"}"), "p").generate());
        assertThrows(SpecException.class, () -> new MessageClassGenerator(spec(
                "{\"name\":\"S\",\"type\":\"string\",\"versions\":\"0+\",\"nullableVersions\":\"2+\",\"default\":\"null\"}"),
                "p").generate());
        assertThrows(SpecException.class, () -> new MessageClassGenerator(spec(
                "{\"name\":\"S\",\"type\":\"Missing\",\"versions\":\"0+\"}"), "p").generate());
    }

    // The API table names constants as Kafka does and needs a response for every request.
    @Test
    void apiTable(@TempDir Path dir) throws Exception {
        assertEquals("ADD_PARTITIONS_TO_TXN", ApiTableGenerator.constantName("AddPartitionsToTxn"));
        assertEquals("DESCRIBE_ACLS", ApiTableGenerator.constantName("DescribeAcls"));
        MessageSpec req = parser.parse("{\"apiKey\":18,\"type\":\"request\",\"name\":\"ApiVersionsRequest\","
                + "\"validVersions\":\"0-4\",\"flexibleVersions\":\"3+\",\"fields\":[]}", "a.json");
        assertThrows(SpecException.class, () -> new ApiTableGenerator(java.util.List.of(req), "p"));
        MessageSpec resp = parser.parse("{\"apiKey\":18,\"type\":\"response\",\"name\":\"ApiVersionsResponse\","
                + "\"validVersions\":\"0-4\",\"flexibleVersions\":\"3+\",\"fields\":[]}", "b.json");
        String table = new ApiTableGenerator(java.util.List.of(req, resp), "p").generate();
        assertTrue(table.contains("API_VERSIONS((short) 18, \"ApiVersions\", (short) 0, (short) 4, (short) 3, (short) 3"),
                table);

        Files.writeString(dir.resolve("ApiVersionsRequest.json"), "{\"apiKey\":18,\"type\":\"request\","
                + "\"name\":\"ApiVersionsRequest\",\"validVersions\":\"0-4\",\"flexibleVersions\":\"3+\",\"fields\":[]}");
        Files.writeString(dir.resolve("ApiVersionsResponse.json"), "{\"apiKey\":18,\"type\":\"response\","
                + "\"name\":\"ApiVersionsResponse\",\"validVersions\":\"0-4\",\"flexibleVersions\":\"3+\",\"fields\":[]}");
        assertEquals(2, Main.generate(dir, dir.resolve("out"), "p.q"));
        assertTrue(Files.exists(dir.resolve("out/p/q/ApiKey.java")));
        assertTrue(Files.exists(dir.resolve("out/p/q/ApiVersionsRequest.java")));
    }
}
