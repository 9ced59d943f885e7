package dev.wharf.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The parser reads Kafka's commented JSON and refuses what it does not understand. */
class SpecParserTest {
    private final SpecParser parser = new SpecParser();

    private static final String PRODUCE = """
            // comments are allowed, as in Kafka's specs
            {
              "apiKey": 0, "type": "request", "listeners": ["broker"], "name": "ProduceRequest",
              "validVersions": "3-13", "flexibleVersions": "9+",
              "fields": [
                { "name": "TransactionalId", "type": "string", "versions": "3+", "nullableVersions": "3+",
                  "default": "null", "entityType": "transactionalId", "about": "The id." },
                { "name": "TopicData", "type": "[]TopicProduceData", "versions": "0+", "fields": [
                  { "name": "Name", "type": "string", "versions": "0-12", "mapKey": true, "ignorable": true },
                  { "name": "Records", "type": "records", "versions": "0+", "nullableVersions": "0+" }
                ]},
                { "name": "Leader", "type": "LeaderIdAndEpoch", "versions": "10+", "taggedVersions": "10+", "tag": 0 }
              ],
              "commonStructs": [
                { "name": "LeaderIdAndEpoch", "versions": "0+", "fields": [
                  { "name": "LeaderId", "type": "int32", "versions": "0+", "default": "-1" }
                ]}
              ]
            }
            """;

    // Every attribute of a field lands in the model.
    @Test
    void parsesMessagesFieldsAndStructs() {
        MessageSpec spec = parser.parse(PRODUCE, "ProduceRequest.json");
        assertEquals("ProduceRequest", spec.name());
        assertEquals(MessageSpec.Kind.REQUEST, spec.kind());
        assertEquals((short) 0, spec.apiKey().orElseThrow());
        assertEquals(Versions.parse("3-13"), spec.validVersions());
        assertEquals(Versions.parse("9+"), spec.flexibleVersions());
        FieldSpec txn = spec.struct().fields().get(0);
        assertEquals("transactionalId", txn.camelName());
        assertEquals("null", txn.defaultValue().orElseThrow());
        assertEquals(Versions.parse("3+"), txn.nullableVersions());
        FieldSpec topics = spec.struct().fields().get(1);
        assertEquals(new FieldType.ArrayType(new FieldType.StructType("TopicProduceData")), topics.type());
        assertTrue(topics.fields().get(0).mapKey());
        assertTrue(topics.fields().get(0).ignorable());
        FieldSpec leader = spec.struct().fields().get(2);
        assertEquals(0, leader.tag().orElseThrow());
        assertEquals("LeaderIdAndEpoch", spec.commonStructs().get(0).name());
    }

    // Unknown keys, bad types and inconsistent tags fail the build with the spec and field named.
    @Test
    void rejectsWhatItDoesNotUnderstand() {
        SpecException unknownKey = assertThrows(SpecException.class, () -> parser.parse(
                "{\"type\":\"data\",\"name\":\"X\",\"validVersions\":\"0\",\"surprise\":1,\"fields\":[]}", "X.json"));
        assertTrue(unknownKey.getMessage().contains("surprise"), unknownKey.getMessage());
        assertThrows(SpecException.class, () -> parser.parse(
                "{\"type\":\"data\",\"name\":\"X\",\"validVersions\":\"0\",\"fields\":["
                        + "{\"name\":\"F\",\"type\":\"int33\",\"versions\":\"0+\"}]}", "X.json"));
        SpecException nullableInt = assertThrows(SpecException.class, () -> parser.parse(
                "{\"type\":\"data\",\"name\":\"X\",\"validVersions\":\"0\",\"fields\":["
                        + "{\"name\":\"F\",\"type\":\"int32\",\"versions\":\"0+\",\"nullableVersions\":\"0+\"}]}", "X.json"));
        assertTrue(nullableInt.getMessage().contains("X.json:X.F"), nullableInt.getMessage());
        assertThrows(SpecException.class, () -> parser.parse(
                "{\"type\":\"data\",\"name\":\"X\",\"validVersions\":\"0\",\"fields\":["
                        + "{\"name\":\"F\",\"type\":\"int32\",\"versions\":\"0+\",\"tag\":0}]}", "X.json"));
        assertThrows(SpecException.class, () -> parser.parse(
                "{\"type\":\"request\",\"name\":\"XRequest\",\"validVersions\":\"0\",\"fields\":[]}", "X.json"));
    }
}
