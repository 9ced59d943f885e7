package dev.wharf.server.network;

import dev.wharf.wire.records.FileRecords;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Records of a log file read into a buffer, for connections whose bytes must pass through the JVM
 * (TLS encrypts buffers; sendfile cannot be used). Reads from the page cache with positional reads,
 * so the segment's file position is untouched and concurrent readers do not interfere.
 */
final class FileParts {
    private FileParts() {}

    /** The records' bytes in a new buffer; takes over (and releases) the reference of {@code records}. */
    static ByteBuf read(ByteBufAllocator alloc, FileRecords records) {
        ByteBuf buf = alloc.directBuffer(records.length());
        try {
            long position = records.position();
            int left = records.length();
            while (left > 0) {
                int n = buf.writeBytes(records.channel(), position, left);
                if (n < 0) {
                    throw new IOException("log file ended " + left + " bytes before the records sent");
                }
                position += n;
                left -= n;
            }
            return buf;
        } catch (IOException e) {
            buf.release();
            throw new UncheckedIOException(e);
        } finally {
            records.release();
        }
    }
}
