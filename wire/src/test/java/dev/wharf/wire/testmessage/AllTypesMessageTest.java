package dev.wharf.wire.testmessage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wharf.wire.protocol.InvalidMessageException;
import dev.wharf.wire.protocol.MalformedMessageException;
import dev.wharf.wire.protocol.MessageReader;
import dev.wharf.wire.protocol.MessageWriter;
import dev.wharf.wire.protocol.UnsupportedVersionException;
import dev.wharf.wire.testmessage.AllTypesMessage.Element;
import dev.wharf.wire.testmessage.AllTypesMessage.Point;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The generator on a spec that uses every type and rule (src/test/specs/AllTypesMessage.json),
 * checked against bytes written out by hand from the protocol's encoding rules.
 */
class AllTypesMessageTest {

    /** Expected bytes, spelled out field by field. */
    private static final class Bytes {
        final ByteBuf buf = Unpooled.buffer();

        Bytes i8(int v) { buf.writeByte(v); return this; }
        Bytes i16(int v) { buf.writeShort(v); return this; }
        Bytes i32(int v) { buf.writeInt(v); return this; }
        Bytes i64(long v) { buf.writeLong(v); return this; }
        Bytes f64(double v) { buf.writeDouble(v); return this; }
        Bytes uvarint(int v) { new MessageWriter(buf).writeUnsignedVarint(v); return this; }
        Bytes raw(String s) { buf.writeBytes(s.getBytes(StandardCharsets.UTF_8)); return this; }
        Bytes raw(byte... b) { buf.writeBytes(b); return this; }

        String hex() { return ByteBufUtil.hexDump(buf); }
    }

    private static String write(AllTypesMessage m, short version) {
        ByteBuf b = Unpooled.buffer();
        m.write(new MessageWriter(b), version);
        assertEquals(m.size(version), b.readableBytes(), "size() must match what write() writes");
        return ByteBufUtil.hexDump(b);
    }

    private static AllTypesMessage read(String hex, short version) {
        return new AllTypesMessage(new MessageReader(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex))), version);
    }

    private static AllTypesMessage sample() {
        return new AllTypesMessage()
                .setInt8Field((byte) 5)
                .setInt16Field((short) -3)
                .setUint16Field(40_000)
                .setInt32Field(1)
                .setUint32Field(3_000_000_000L)
                .setInt64Field(9L)
                .setFloat64Field(2.25)
                .setBoolField(false)
                .setStringField("ab")
                .setBytesField(new byte[] {1, 2})
                .setUuidField(new UUID(1L, 2L))
                .setInt32Array(List.of(7, 8))
                .setElements(List.of(new Element().setA(3)))
                .setNullablePoint(new Point().setX(1).setY(2))
                .setPlainPoint(new Point().setX(3).setY(4))
                .setClassicString("c");
    }

    /** The fields every version shares, up to and including the uuid, in classic or compact form. */
    private static Bytes common(boolean compact) {
        Bytes b = new Bytes().i8(5).i16(-3).i16(40_000).i32(1).i32((int) 3_000_000_000L).i64(9).f64(2.25).i8(0);
        if (compact) {
            b.uvarint(3).raw("ab").uvarint(0).uvarint(3).raw((byte) 1, (byte) 2).uvarint(0);
        } else {
            b.i16(2).raw("ab").i16(-1).i32(2).raw((byte) 1, (byte) 2).i32(-1);
        }
        return b.i64(1).i64(2);
    }

    // Spec defaults, including hex, unsigned, float and null ones, are what a new message holds.
    @Test
    void defaultsComeFromTheSpec() {
        AllTypesMessage m = new AllTypesMessage();
        assertEquals(-1, m.int8Field());
        assertEquals(16, m.int16Field());
        assertEquals(65_535, m.uint16Field());
        assertEquals(Integer.MAX_VALUE, m.int32Field());
        assertEquals(4_294_967_295L, m.uint32Field());
        assertEquals(-2L, m.int64Field());
        assertEquals(1.5, m.float64Field());
        assertEquals(true, m.boolField());
        assertEquals("hello", m.stringField());
        assertNull(m.nullableString());
        assertEquals(0, m.bytesField().length);
        assertNull(m.nullableBytes());
        assertEquals(new UUID(0, 0), m.uuidField());
        assertNull(m.recordsField());
        assertEquals(List.of(), m.int32Array());
        assertNull(m.nullablePoint());
        assertEquals(new Point().setX(0).setY(7), m.plainPoint());
        assertEquals(-1, m.taggedInt());
        assertNull(m.taggedPoint());
        assertEquals("", m.taggedString());
    }

    // v0: classic lengths (-1 for null), a marker byte before a nullable struct, no tagged fields.
    @Test
    void classicVersionBytes() {
        String expected = common(false)
                .i32(-1) // records: null
                .i32(2).i32(7).i32(8) // []int32
                .i32(1).i32(3) // []Element, B absent in v0
                .i8(1).i32(1).i32(2) // nullable struct: present marker, then the struct
                .i32(3).i32(4) // plain struct
                .i16(1).raw("c") // classic string
                .hex();
        AllTypesMessage m = sample();
        assertEquals(expected, write(m, (short) 0));
        assertEquals(m, read(expected, (short) 0));
    }

    // v1: compact lengths, per-field "flexibleVersions": "none", tagged fields in tag order with their sizes.
    @Test
    void flexibleVersionBytes() {
        AllTypesMessage m = sample().setStringArray(List.of("x")).setTaggedInt(42).setTaggedPoint(new Point().setX(5).setY(6));
        String expected = common(true)
                .uvarint(0) // records: null
                .uvarint(3).i32(7).i32(8)
                .uvarint(2).uvarint(2).raw("x") // []string
                .uvarint(2).i32(3).uvarint(0) // []Element with its empty tagged section
                .i8(1).i32(1).i32(2).uvarint(0) // nullable struct keeps its int8 marker in flexible versions
                .i32(3).i32(4).uvarint(0)
                .i16(1).raw("c") // still a classic string
                .uvarint(2) // two tagged fields
                .uvarint(0).uvarint(4).i32(42)
                .uvarint(1).uvarint(10).uvarint(1).i32(5).i32(6).uvarint(0) // tagged nullable struct: varint marker
                .hex();
        assertEquals(expected, write(m, (short) 1));
        assertEquals(m, read(expected, (short) 1));
    }

    // v2: a null array where it became nullable, ignorable and tagged fields of v2.
    @Test
    void latestVersionBytes() {
        AllTypesMessage m = sample().setElements(null).setNullablePoint(null).setIgnorableInt(11).setTaggedString("t");
        String expected = common(true)
                .uvarint(0)
                .uvarint(3).i32(7).i32(8)
                .uvarint(1) // empty []string
                .uvarint(0) // null []Element
                .i8(-1) // null struct
                .i32(3).i32(4).uvarint(0)
                .i32(11) // ignorable int
                .i16(1).raw("c")
                .uvarint(1).uvarint(5).uvarint(2).uvarint(2).raw("t")
                .hex();
        assertEquals(expected, write(m, (short) 2));
        assertEquals(m, read(expected, (short) 2));
    }

    // Values a version cannot carry: an error unless the field is ignorable.
    @Test
    void versionRulesOnWrite() {
        assertThrows(UnsupportedVersionException.class, () -> write(sample().setStringArray(List.of("x")), (short) 0));
        assertThrows(UnsupportedVersionException.class, () -> write(sample().setTaggedInt(3), (short) 0));
        assertThrows(UnsupportedVersionException.class, () -> write(sample().setTaggedString("t"), (short) 1));
        // null is only representable where the spec says the field is nullable
        assertThrows(InvalidMessageException.class, () -> write(sample().setElements(null), (short) 1));
        assertEquals(write(sample(), (short) 0), write(sample().setIgnorableInt(99), (short) 0));
        assertEquals(write(sample(), (short) 1),
                write(sample().setElements(List.of(new Element().setA(3).setB("dropped"))), (short) 1));
    }

    // Read errors name the field: null where not nullable, a tagged field whose size lies.
    @Test
    void readErrorsNameTheField() {
        String nullString = new Bytes().i8(5).i16(-3).i16(1).i32(1).i32(1).i64(9).f64(2.25).i8(0).i16(-1).hex();
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> read(nullString, (short) 0));
        assertEquals("non-nullable field stringField was serialized as null (at byte 32)", e.getMessage());

        String good = write(sample().setTaggedInt(42), (short) 1);
        // the tagged int's size byte is the 6th byte from the end: claim 3 bytes instead of 4
        byte[] bytes = ByteBufUtil.decodeHexDump(good);
        assertEquals(4, bytes[bytes.length - 5]);
        bytes[bytes.length - 5] = 3;
        assertThrows(MalformedMessageException.class, () -> read(ByteBufUtil.hexDump(bytes), (short) 1));
    }
}
