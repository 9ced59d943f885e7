package dev.wharf.wire.records;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Record data held in a buffer, between its reader and writer index. When decoded from a request
 * it is a slice of the request's buffer (not retained): valid while that buffer is.
 */
public record BufferRecords(ByteBuf buffer) implements Records {
    public static BufferRecords wrap(byte[] bytes) {
        return new BufferRecords(Unpooled.wrappedBuffer(bytes));
    }

    @Override
    public int sizeInBytes() {
        return buffer.readableBytes();
    }
}
