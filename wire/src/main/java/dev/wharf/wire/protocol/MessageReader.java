package dev.wharf.wire.protocol;

import dev.wharf.wire.records.BufferRecords;
import dev.wharf.wire.records.Records;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reads protocol primitives from a {@link ByteBuf}, between its reader and writer index. Every read
 * checks the bytes that remain first, and every length or count read off the wire is checked
 * against them before anything is allocated: what a decode allocates is proportional to the bytes
 * it was given, whatever the lengths claim. Errors are {@link MalformedMessageException}s naming
 * the field and the byte offset.
 *
 * <p>Records are returned as slices of the underlying buffer (no copy): they stay valid as long as
 * that buffer does. Not thread-safe.
 */
public final class MessageReader {
    /** Longest string the protocol allows: lengths are int16 in classic versions. */
    public static final int MAX_STRING_LENGTH = Short.MAX_VALUE;

    private final ByteBuf buf;
    private final int start;

    public MessageReader(ByteBuf buf) {
        this.buf = buf;
        this.start = buf.readerIndex();
    }

    /** Absolute reader index in the buffer. */
    public int position() {
        return buf.readerIndex();
    }

    public int remaining() {
        return buf.readableBytes();
    }

    public ByteBuf buffer() {
        return buf;
    }

    private int offset() {
        return buf.readerIndex() - start;
    }

    public MalformedMessageException error(String problem) {
        return new MalformedMessageException(problem, offset());
    }

    private void require(int n, String what) {
        if (buf.readableBytes() < n) {
            throw error("truncated input: " + what + " needs " + n + " bytes, " + buf.readableBytes() + " remain");
        }
    }

    public byte readByte() {
        require(1, "int8");
        return buf.readByte();
    }

    public boolean readBoolean() {
        require(1, "bool");
        return buf.readByte() != 0;
    }

    public short readShort() {
        require(2, "int16");
        return buf.readShort();
    }

    public int readUnsignedShort() {
        require(2, "uint16");
        return buf.readUnsignedShort();
    }

    public int readInt() {
        require(4, "int32");
        return buf.readInt();
    }

    public long readUnsignedInt() {
        require(4, "uint32");
        return buf.readUnsignedInt();
    }

    public long readLong() {
        require(8, "int64");
        return buf.readLong();
    }

    public double readDouble() {
        require(8, "float64");
        return buf.readDouble();
    }

    public UUID readUuid() {
        require(16, "uuid");
        return new UUID(buf.readLong(), buf.readLong());
    }

    /** Unsigned LEB128, at most 5 bytes; values above 2^31-1 come back negative. */
    public int readUnsignedVarint() {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            require(1, "varint");
            byte b = buf.readByte();
            if (shift == 28 && (b & 0xF0) != 0) {
                throw error("varint does not fit in 32 bits");
            }
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw error("varint is longer than 5 bytes");
    }

    /** Zig-zag signed varint (record fields). */
    public int readVarint() {
        int raw = readUnsignedVarint();
        return (raw >>> 1) ^ -(raw & 1);
    }

    /** Zig-zag signed varlong, at most 10 bytes. */
    public long readVarlong() {
        long value = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            require(1, "varlong");
            byte b = buf.readByte();
            if (shift == 63 && (b & 0x7E) != 0) {
                throw error("varlong does not fit in 64 bits");
            }
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (value >>> 1) ^ -(value & 1);
            }
        }
        throw error("varlong is longer than 10 bytes");
    }

    /**
     * Reads a length prefix: int16/int32 in classic encodings, unsigned varint of length + 1 in
     * compact ones. Returns -1 for null (only when {@code nullable}); any other length is checked
     * against the remaining bytes.
     */
    private int readLength(boolean compact, boolean wide, boolean nullable, String field) {
        int len;
        if (compact) {
            len = readUnsignedVarint() - 1;
        } else {
            len = wide ? readInt() : readShort();
        }
        if (len == -1) {
            if (!nullable) {
                throw error("non-nullable field " + field + " was serialized as null");
            }
            return -1;
        }
        if (len < 0) {
            throw error("field " + field + " has negative length " + len);
        }
        if (len > buf.readableBytes()) {
            throw error("field " + field + " has length " + len + " but only " + buf.readableBytes()
                    + " bytes remain");
        }
        return len;
    }

    public String readString(boolean compact, boolean nullable, String field) {
        int len = readLength(compact, false, nullable, field);
        if (len < 0) {
            return null;
        }
        if (len > MAX_STRING_LENGTH) {
            throw error("string field " + field + " had invalid length " + len);
        }
        String s = buf.toString(buf.readerIndex(), len, StandardCharsets.UTF_8);
        // malformed UTF-8 decodes to U+FFFD (3 bytes each): a string echoed in a response must
        // still fit the limit when written back, so one that would not is refused here
        if (len > MAX_STRING_LENGTH / 3 && ByteBufUtil.utf8Bytes(s) > MAX_STRING_LENGTH) {
            throw error("string field " + field + " is not valid UTF-8 and too long once decoded");
        }
        buf.skipBytes(len);
        return s;
    }

    public byte[] readBytes(boolean compact, boolean nullable, String field) {
        int len = readLength(compact, true, nullable, field);
        if (len < 0) {
            return null;
        }
        byte[] out = new byte[len];
        buf.readBytes(out);
        return out;
    }

    /** Record data as a slice of the input buffer; nothing is copied. */
    public Records readRecords(boolean compact, boolean nullable, String field) {
        int len = readLength(compact, true, nullable, field);
        if (len < 0) {
            return null;
        }
        return new BufferRecords(buf.readSlice(len));
    }

    /**
     * An array's element count, or -1 for null. Every element takes at least {@code minElementSize}
     * bytes, so a count the remaining bytes cannot hold is rejected before a list is allocated.
     */
    public int readArrayLength(boolean compact, boolean nullable, String field, int minElementSize) {
        int n = compact ? readUnsignedVarint() - 1 : readInt();
        if (n == -1) {
            if (!nullable) {
                throw error("non-nullable field " + field + " was serialized as null");
            }
            return -1;
        }
        if (n < 0) {
            throw error("array " + field + " has negative length " + n);
        }
        if ((long) n * minElementSize > buf.readableBytes()) {
            throw error("array " + field + " claims " + n + " elements but only " + buf.readableBytes()
                    + " bytes remain");
        }
        return n;
    }

    /** The number of fields in a tagged-field section; each takes at least two bytes. */
    public int readTaggedFieldCount() {
        int n = readUnsignedVarint();
        if (n < 0 || n > buf.readableBytes() / 2) {
            throw error("tagged field count " + (n & 0xFFFFFFFFL) + " with " + buf.readableBytes() + " bytes left");
        }
        return n;
    }

    /** A tag number; tags are non-negative 31-bit values. */
    public int readTag() {
        int tag = readUnsignedVarint();
        if (tag < 0) {
            throw error("tag " + (tag & 0xFFFFFFFFL) + " is out of range");
        }
        return tag;
    }

    /** For a nullable struct: reads the marker byte and returns true when the struct is null. */
    public boolean readNullMarker(boolean nullable) {
        return nullable && readByte() < 0;
    }

    public int readTaggedFieldSize(int tag) {
        int size = readUnsignedVarint();
        if (size < 0 || size > buf.readableBytes()) {
            throw error("tagged field " + tag + " has size " + (size & 0xFFFFFFFFL) + " but only "
                    + buf.readableBytes() + " bytes remain");
        }
        return size;
    }

    public List<RawTaggedField> readUnknownTaggedField(List<RawTaggedField> fields, int tag, int size) {
        byte[] data = new byte[size];
        buf.readBytes(data);
        List<RawTaggedField> out = fields == null ? new ArrayList<>(1) : fields;
        out.add(new RawTaggedField(tag, data));
        return out;
    }

    public void checkTaggedFieldEnd(int tag, int startPosition, int size) {
        int consumed = buf.readerIndex() - startPosition;
        if (consumed != size) {
            throw error("tagged field " + tag + " declared " + size + " bytes but its value took " + consumed);
        }
    }

    public MalformedMessageException invalidTag(int tag, short version) {
        return error("tag " + tag + " is not valid for version " + version);
    }
}
