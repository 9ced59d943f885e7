package dev.wharf.registry.protobuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.TimestampProto;
import dev.wharf.registry.CompatibilityLevel;
import dev.wharf.registry.ParsedSchema;
import dev.wharf.registry.RegistryException;
import dev.wharf.registry.SchemaType;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Protobuf schemas parsed and linked by Wire, descriptors read by protobuf-java, and each level with
 * changes that must pass and must fail under Confluent's Protobuf rules.
 */
class ProtobufCompatibilityTest {
    private final ProtobufFormat proto = new ProtobufFormat();

    private ParsedSchema parse(String text, SchemaType.Resolved... dependencies) {
        return proto.parse(text, List.of(dependencies), true);
    }

    private ParsedSchema order(String body) {
        return parse("syntax = \"proto3\";\npackage shop;\nmessage Order {\n" + body + "\n}\n");
    }

    private static boolean ok(CompatibilityLevel level, ParsedSchema candidate, ParsedSchema... earlier) {
        return level.check(candidate, List.of(earlier)).isEmpty();
    }

    private static void allLevels(boolean expected, ParsedSchema candidate, ParsedSchema earlier) {
        for (CompatibilityLevel level : CompatibilityLevel.values()) {
            assertEquals(level == CompatibilityLevel.NONE || expected, ok(level, candidate, earlier), level.name());
        }
    }

    @Test
    void fieldsMayBeAddedRemovedAndRenamed() {
        ParsedSchema v1 = order("string id = 1; int64 cents = 2;");
        allLevels(true, order("string id = 1; int64 cents = 2; string note = 3;"), v1);
        allLevels(true, order("string id = 1;"), v1);
        allLevels(true, order("string order_id = 1; int64 cents = 2;"), v1);
        allLevels(true, order("bytes id = 1; int64 cents = 2;"), v1); // string and bytes share an encoding
        allLevels(true, order("string id = 1; uint64 cents = 2;"), v1); // both varints
    }

    @Test
    void aFieldsEncodingOrKindMayNotChange() {
        ParsedSchema v1 = order("string id = 1; int64 cents = 2; Line line = 3; message Line { string sku = 1; }");
        List<String> reasons = CompatibilityLevel.BACKWARD.check(order("string id = 1; sint64 cents = 2; Line line = 3; "
                + "message Line { string sku = 1; }"), List.of(v1));
        assertTrue(reasons.get(0).contains("FIELD_SCALAR_KIND_CHANGED") && reasons.get(0).contains("#/Order/2"), reasons.toString());
        allLevels(false, order("string id = 1; double cents = 2; Line line = 3; message Line { string sku = 1; }"), v1);
        allLevels(false, order("string id = 1; int64 cents = 2; string line = 3; message Line { string sku = 1; }"), v1);
        allLevels(false, order("string id = 1; int64 cents = 2; Other line = 3; message Line { string sku = 1; } message Other {}"), v1);
        allLevels(false, order("string id = 1; int64 cents = 2; map<string, Line> line = 3; message Line { string sku = 1; }"), v1);
        assertTrue(CompatibilityLevel.BACKWARD.check(order("string id = 1; int64 cents = 2; string line = 3; "
                + "message Line { string sku = 1; }"), List.of(v1)).get(0).contains("FIELD_KIND_CHANGED"));
    }

    @Test
    void messagesMayBeAddedButNotRemovedAndThePackageStays() {
        ParsedSchema v1 = parse("syntax = \"proto3\";\npackage shop;\nmessage Order { string id = 1; }\nmessage Refund { string id = 1; }\n");
        ParsedSchema more = parse("syntax = \"proto3\";\npackage shop;\nmessage Order { string id = 1; }\nmessage Refund { string id = 1; }\n"
                + "message Return { string id = 1; }\n");
        ParsedSchema fewer = parse("syntax = \"proto3\";\npackage shop;\nmessage Order { string id = 1; }\n");
        assertTrue(ok(CompatibilityLevel.BACKWARD, more, v1));
        assertFalse(ok(CompatibilityLevel.FORWARD, more, v1), "an old reader lacks the new message");
        assertFalse(ok(CompatibilityLevel.BACKWARD, fewer, v1));
        assertTrue(CompatibilityLevel.BACKWARD.check(fewer, List.of(v1)).get(0).contains("MESSAGE_REMOVED"));
        ParsedSchema moved = parse("syntax = \"proto3\";\npackage store;\nmessage Order { string id = 1; }\nmessage Refund { string id = 1; }\n");
        assertTrue(CompatibilityLevel.BACKWARD.check(moved, List.of(v1)).get(0).contains("PACKAGE_CHANGED"));
    }

    @Test
    void requiredFieldsAndOneofs() {
        ParsedSchema v1 = parse("syntax = \"proto2\";\nmessage M { required string a = 1; optional string b = 2; optional string c = 3; }");
        allLevels(false, parse("syntax = \"proto2\";\nmessage M { optional string b = 2; optional string c = 3; }"), v1);
        allLevels(false, parse("syntax = \"proto2\";\nmessage M { required string a = 1; optional string b = 2; optional string c = 3; "
                + "required int32 d = 4; }"), v1);
        ParsedSchema oneMoved = order("string a = 1; oneof pay { string card = 2; } string c = 3;");
        ParsedSchema plain = order("string a = 1; string card = 2; string c = 3;");
        allLevels(true, oneMoved, plain);
        ParsedSchema twoMoved = order("string a = 1; oneof pay { string card = 2; string c = 3; }");
        assertTrue(CompatibilityLevel.BACKWARD.check(twoMoved, List.of(plain)).get(0).contains("MULTIPLE_FIELDS_MOVED_TO_ONEOF"));
        assertTrue(ok(CompatibilityLevel.FORWARD, twoMoved, plain), "fields leaving a oneof break nothing");
        ParsedSchema two = order("string a = 1; oneof pay { string card = 2; string iban = 4; }");
        allLevels(false, order("string a = 1; oneof pay { string card = 2; } string iban = 4;"), two);
        ParsedSchema three = order("string a = 1; oneof pay { string card = 2; string iban = 4; string cash = 5; }");
        assertTrue(ok(CompatibilityLevel.BACKWARD, three, two));
        assertTrue(CompatibilityLevel.FORWARD.check(three, List.of(two)).get(0).contains("ONEOF_FIELD_REMOVED"),
                "an old reader's oneof lacks the new member");
    }

    @Test
    void transitiveLevelsCheckEveryEarlierVersion() {
        ParsedSchema v1 = order("string id = 1; int64 cents = 2;");
        ParsedSchema v2 = order("string id = 1;");
        ParsedSchema v3 = order("string id = 1; string cents = 2;");
        assertTrue(ok(CompatibilityLevel.BACKWARD, v3, v1, v2));
        assertFalse(ok(CompatibilityLevel.BACKWARD_TRANSITIVE, v3, v1, v2));
    }

    @Test
    void importsResolveToReferencesAndBuiltIns() {
        SchemaType.Resolved money = new SchemaType.Resolved("shop/money.proto", SchemaType.PROTOBUF,
                "syntax = \"proto3\";\npackage shop;\nmessage Money { int64 cents = 1; string currency = 2; }\n");
        ParsedSchema order = parse("syntax = \"proto3\";\npackage shop;\nimport \"shop/money.proto\";\n"
                + "import \"google/protobuf/timestamp.proto\";\nimport \"google/protobuf/field_mask.proto\";\n"
                + "import \"confluent/meta.proto\";\nimport \"confluent/type/decimal.proto\";\n"
                + "import \"google/type/money.proto\";\nimport \"google/type/date.proto\";\n"
                + "message Order {\n  Money total = 1 [(confluent.field_meta).doc = \"gross\"];\n  google.protobuf.Timestamp at = 2;\n"
                + "  google.protobuf.FieldMask mask = 3;\n  confluent.type.Decimal tax = 4;\n  google.type.Money paid = 5;\n"
                + "  google.type.Date due = 6;\n}\n", money);
        assertTrue(order.canonical().contains("Money total = 1"), order.canonical());
        RegistryException missing = assertThrows(RegistryException.class, () -> parse("syntax = \"proto3\";\n"
                + "import \"shop/money.proto\";\nmessage Order { shop.Money total = 1; }\n"));
        assertEquals(42201, missing.errorCode());
        assertTrue(missing.getMessage().contains("shop/money.proto"), missing.getMessage());
        RegistryException unresolved = assertThrows(RegistryException.class, () -> order("Missing m = 1;"));
        assertTrue(unresolved.getMessage().contains("unable to resolve Missing"), unresolved.getMessage());
    }

    @Test
    void invalidSchemasAre42201() {
        for (String bad : List.of("message {", "syntax = \"proto3\";\nmessage M { required string a = 1; }",
                "syntax = \"proto3\";\nmessage M { string a = 1; string b = 1; }", "not a schema at all")) {
            RegistryException e = assertThrows(RegistryException.class, () -> parse(bad), bad);
            assertEquals(42201, e.errorCode(), bad);
        }
    }

    @Test
    void commentsAndLayoutMakeNoDifferenceAndTheNormalFormQualifiesAndSorts() {
        ParsedSchema a = parse("syntax = \"proto3\";\npackage shop;\n// an order\nmessage Order {\n  string id = 1; // its id\n"
                + "  Line line = 2;\n  message Line { string sku = 1; }\n}\n");
        ParsedSchema b = parse("syntax=\"proto3\"; package shop; message Order { string id = 1;   Line line = 2; "
                + "message Line { string sku = 1; } }");
        assertEquals(a.canonical(), b.canonical());
        assertFalse(a.canonical().contains("//"), a.canonical());
        ParsedSchema reordered = parse("syntax = \"proto3\";\npackage shop;\nmessage Order { Order.Line line = 2; string id = 1; "
                + "message Line { string sku = 1; } }");
        assertEquals(a.normalized().canonical(), reordered.normalized().canonical());
        assertTrue(a.normalized().canonical().contains(".shop.Order.Line line = 2;"), a.normalized().canonical());
    }

    /** What Confluent's Python and JavaScript serializers register: the file's descriptor, base64. */
    @Test
    void aBase64DescriptorIsStoredAsTextAndServedBackAsADescriptor() throws Exception {
        FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("shop/order.proto").setPackage("shop").setSyntax("proto3")
                .addDependency("google/protobuf/timestamp.proto")
                .addMessageType(DescriptorProto.newBuilder().setName("Order")
                        .addField(field("id", 1, FieldDescriptorProto.Type.TYPE_STRING, null))
                        .addField(field("at", 2, FieldDescriptorProto.Type.TYPE_MESSAGE, ".google.protobuf.Timestamp"))
                        .addField(field("card", 3, FieldDescriptorProto.Type.TYPE_STRING, null).setOneofIndex(0))
                        .addField(field("note", 4, FieldDescriptorProto.Type.TYPE_STRING, null).setOneofIndex(1).setProto3Optional(true))
                        .addOneofDecl(OneofDescriptorProto.newBuilder().setName("pay"))
                        .addOneofDecl(OneofDescriptorProto.newBuilder().setName("_note")))
                .build();
        ParsedSchema fromDescriptor = parse(Base64.getEncoder().encodeToString(file.toByteArray()));
        ParsedSchema fromText = parse("syntax = \"proto3\";\npackage shop;\nimport \"google/protobuf/timestamp.proto\";\n"
                + "message Order {\n  string id = 1;\n  .google.protobuf.Timestamp at = 2;\n  optional string note = 4;\n"
                + "  oneof pay { string card = 3; }\n}\n");
        assertEquals(fromText.canonical(), fromDescriptor.canonical());

        FileDescriptorProto served = FileDescriptorProto.parseFrom(Base64.getDecoder().decode(fromDescriptor.formatted("serialized")));
        FileDescriptor built = FileDescriptor.buildFrom(served, new FileDescriptor[] {TimestampProto.getDescriptor()});
        Descriptor order = built.findMessageTypeByName("Order");
        assertEquals("shop.Order", order.getFullName());
        assertEquals(List.of("id", "at", "note", "card"), order.getFields().stream().map(f -> f.getName()).toList());
        assertEquals("pay", order.findFieldByName("card").getRealContainingOneof().getName());
        assertTrue(order.findFieldByName("note").hasPresence());
        DynamicMessage message = DynamicMessage.newBuilder(order).setField(order.findFieldByName("id"), "o-1").build();
        assertEquals("o-1", DynamicMessage.parseFrom(order, message.toByteArray()).getField(order.findFieldByName("id")));
        assertEquals(fromDescriptor.canonical(), fromDescriptor.formatted("anything else"));
    }

    // the Python and JavaScript clients send descriptors, in which a map is a repeated entry message; text has map<K, V>
    @Test
    void aMapIsTheSameWhetherWrittenAsTextOrAsADescriptor() {
        FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("m.proto").setPackage("p").setSyntax("proto3")
                .addMessageType(DescriptorProto.newBuilder().setName("M")
                        .addField(field("counts", 1, FieldDescriptorProto.Type.TYPE_MESSAGE, ".p.M.CountsEntry")
                                .setLabel(FieldDescriptorProto.Label.LABEL_REPEATED).setJsonName("counts"))
                        .addField(field("by_name", 2, FieldDescriptorProto.Type.TYPE_STRING, null).setJsonName("byName"))
                        .addNestedType(DescriptorProto.newBuilder().setName("CountsEntry")
                                .setOptions(com.google.protobuf.DescriptorProtos.MessageOptions.newBuilder().setMapEntry(true))
                                .addField(field("key", 1, FieldDescriptorProto.Type.TYPE_STRING, null))
                                .addField(field("value", 2, FieldDescriptorProto.Type.TYPE_INT32, null))))
                .build();
        ParsedSchema fromDescriptor = parse(Base64.getEncoder().encodeToString(file.toByteArray()));
        ParsedSchema asText = parse("syntax = \"proto3\";\npackage p;\nmessage M {\n  map<string, int32> counts = 1;\n  string by_name = 2;\n}\n");
        assertFalse(fromDescriptor.canonical().contains("json_name"), "protoc's default JSON names are not kept: "
                + fromDescriptor.canonical());
        allLevels(true, asText, fromDescriptor);
        allLevels(true, fromDescriptor, asText);
        ParsedSchema otherValue = parse("syntax = \"proto3\";\npackage p;\nmessage M {\n  map<string, string> counts = 1;\n"
                + "  string by_name = 2;\n}\n");
        assertTrue(CompatibilityLevel.BACKWARD.check(otherValue, List.of(fromDescriptor)).get(0).contains("FIELD_SCALAR_KIND_CHANGED"));
    }

    @Test
    void deeplyNestedOrMalformedInputIsAnInvalidSchema() {
        String deep = "syntax = \"proto3\";\n" + "message a {".repeat(5000) + "}".repeat(5000);
        RegistryException tooDeep = assertThrows(RegistryException.class,
                () -> new dev.wharf.registry.SchemaResolver(new dev.wharf.registry.RegistryState(), List.of(proto))
                        .parseNew(SchemaType.PROTOBUF, deep, List.of()));
        assertEquals(42201, tooDeep.errorCode());
        String spaces = " ".repeat(200_000) + "!";
        long start = System.nanoTime();
        assertEquals(42201, assertThrows(RegistryException.class, () -> parse(spaces)).errorCode());
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "linear in the input, not quadratic");
        FileDescriptorProto badOneof = FileDescriptorProto.newBuilder().setName("b.proto").addMessageType(DescriptorProto.newBuilder()
                .setName("B").addField(field("x", 1, FieldDescriptorProto.Type.TYPE_STRING, null).setOneofIndex(3))).build();
        assertEquals(42201, assertThrows(RegistryException.class,
                () -> parse(Base64.getEncoder().encodeToString(badOneof.toByteArray()))).errorCode());
    }

    private static FieldDescriptorProto.Builder field(String name, int number, FieldDescriptorProto.Type type, String typeName) {
        FieldDescriptorProto.Builder b = FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type)
                .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL);
        return typeName == null ? b : b.setTypeName(typeName);
    }
}
