package dev.wharf.wire.records;

import java.nio.channels.FileChannel;

/**
 * A view of record data in a log file: {@code length} bytes at {@code position}. Encoders pass it
 * through untouched so the server can send it with {@code FileChannel.transferTo}.
 */
public record FileRecords(FileChannel channel, long position, int length) implements Records {
    public FileRecords {
        if (position < 0 || length < 0) {
            throw new IllegalArgumentException("bad file region: position " + position + ", length " + length);
        }
    }

    @Override
    public int sizeInBytes() {
        return length;
    }
}
