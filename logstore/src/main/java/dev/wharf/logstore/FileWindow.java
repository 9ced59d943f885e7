package dev.wharf.logstore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Sequential reads of a file through one large buffer, for recovery: hands out views of byte
 * ranges, refilling from the file when a range is not in the buffer. Not thread-safe.
 */
final class FileWindow {
    private final FileChannel channel;
    private final long fileSize;
    private ByteBuffer buf;
    private long start;

    FileWindow(FileChannel channel, long fileSize, int capacity) {
        this.channel = channel;
        this.fileSize = fileSize;
        this.buf = ByteBuffer.allocateDirect(capacity);
        this.buf.limit(0);
    }

    /** {@code n} bytes at file position {@code pos} (valid until the next call), or null past the end. */
    ByteBuffer get(long pos, int n) throws IOException {
        if (n < 0 || pos + n > fileSize) {
            return null;
        }
        if (pos < start || pos + n > start + buf.limit()) {
            if (n > buf.capacity()) {
                buf = ByteBuffer.allocateDirect(n);
            }
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), fileSize - pos));
            start = pos;
            while (buf.hasRemaining()) {
                if (channel.read(buf, start + buf.position()) < 0) {
                    break;
                }
            }
            buf.flip();
            if (buf.limit() < n) {
                return null;
            }
        }
        int at = (int) (pos - start);
        return buf.duplicate().position(at).limit(at + n).slice();
    }
}
