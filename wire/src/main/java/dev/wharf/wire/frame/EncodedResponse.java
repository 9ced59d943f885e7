package dev.wharf.wire.frame;

import dev.wharf.wire.records.FileRecords;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.util.List;

/**
 * A response frame, length prefix included, as ordered parts: {@link ByteBuf}s (owned by this
 * object until written) and {@link FileRecords} to be sent with {@code transferTo}.
 */
public record EncodedResponse(List<Object> parts, int frameSize) {

    /** Releases the buffer parts (when the response will not be sent). */
    public void release() {
        for (Object part : parts) {
            ReferenceCountUtil.release(part);
        }
    }

    /** Total bytes held by file parts. */
    public long fileBytes() {
        long total = 0;
        for (Object part : parts) {
            if (part instanceof FileRecords f) {
                total += f.length();
            }
        }
        return total;
    }
}
