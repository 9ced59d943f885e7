package dev.wharf.wire.records;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * One record of a batch, with absolute offset and timestamp. Key and value are slices of the
 * batch (or of its decompressed contents) and are null when the record has none.
 */
public record Record(long offset, long timestamp, ByteBuf key, ByteBuf value, List<Header> headers) {

    /** The key's bytes, copied; null when there is no key. */
    public byte[] keyBytes() {
        return copy(key);
    }

    /** The value's bytes, copied; null when there is no value (a tombstone). */
    public byte[] valueBytes() {
        return copy(value);
    }

    private static byte[] copy(ByteBuf b) {
        if (b == null) {
            return null;
        }
        byte[] out = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), out);
        return out;
    }
}
