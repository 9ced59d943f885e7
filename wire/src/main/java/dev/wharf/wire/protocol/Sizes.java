package dev.wharf.wire.protocol;

import dev.wharf.wire.records.Records;
import io.netty.buffer.ByteBufUtil;
import java.util.List;
import java.util.UUID;

/** Encoded sizes of the protocol's building blocks, and shared constants of generated code. */
public final class Sizes {
    public static final UUID ZERO_UUID = new UUID(0L, 0L);
    public static final byte[] EMPTY_BYTES = new byte[0];

    private Sizes() {}

    /** A struct's total size, which must fit the int32 length prefix of a frame. */
    public static int checked(long total, String struct) {
        if (total > Integer.MAX_VALUE - 4) {
            throw new InvalidMessageException(struct + " would be " + total + " bytes, more than a frame can hold");
        }
        return (int) total;
    }

    /** For size computations: a null where the spec allows none is a clear error, not an NPE. */
    public static <T> T nonNull(T value, String field) {
        if (value == null) {
            throw new InvalidMessageException("non-nullable field " + field + " is null");
        }
        return value;
    }

    public static int unsignedVarint(int value) {
        if ((value & (0xFFFFFFFF << 7)) == 0) {
            return 1;
        }
        if ((value & (0xFFFFFFFF << 14)) == 0) {
            return 2;
        }
        if ((value & (0xFFFFFFFF << 21)) == 0) {
            return 3;
        }
        if ((value & (0xFFFFFFFF << 28)) == 0) {
            return 4;
        }
        return 5;
    }

    /** Zig-zag encoded signed varint. */
    public static int varint(int value) {
        return unsignedVarint((value << 1) ^ (value >> 31));
    }

    /** Zig-zag encoded signed varlong. */
    public static int varlong(long value) {
        long v = (value << 1) ^ (value >> 63);
        int bytes = 1;
        while ((v & 0xFFFFFFFFFFFFFF80L) != 0L) {
            bytes++;
            v >>>= 7;
        }
        return bytes;
    }

    public static int string(String s, boolean compact) {
        if (s == null) {
            return compact ? 1 : 2;
        }
        int len = ByteBufUtil.utf8Bytes(s);
        return compact ? unsignedVarint(len + 1) + len : 2 + len;
    }

    public static int bytes(byte[] b, boolean compact) {
        if (b == null) {
            return compact ? 1 : 4;
        }
        return compact ? unsignedVarint(b.length + 1) + b.length : 4 + b.length;
    }

    public static int records(Records r, boolean compact) {
        if (r == null) {
            return compact ? 1 : 4;
        }
        int len = r.sizeInBytes();
        return compact ? unsignedVarint(len + 1) + len : 4 + len;
    }

    /** Size of an array's length prefix; {@code count} -1 means null. */
    public static int arrayLength(int count, boolean compact) {
        return compact ? unsignedVarint(count + 1) : 4;
    }

    public static int rawTaggedFields(List<RawTaggedField> fields) {
        int total = 0;
        for (RawTaggedField f : fields) {
            total += unsignedVarint(f.tag()) + unsignedVarint(f.data().length) + f.data().length;
        }
        return total;
    }

    /** Null and empty lists of unknown tagged fields are the same. */
    public static boolean sameRawTaggedFields(List<RawTaggedField> a, List<RawTaggedField> b) {
        boolean aEmpty = a == null || a.isEmpty();
        boolean bEmpty = b == null || b.isEmpty();
        if (aEmpty || bEmpty) {
            return aEmpty == bEmpty;
        }
        return a.equals(b);
    }
}
