package dev.wharf.wire.records;

import io.netty.util.ReferenceCounted;
import java.nio.channels.FileChannel;

/**
 * A view of record data in a log file: {@code length} bytes at {@code position}. Encoders pass it
 * through untouched so the server can send it with {@code FileChannel.transferTo}.
 *
 * <p>Ownership: {@code owner}, when not null, holds one reference that keeps {@code channel} open
 * (a log store slice). Whoever holds the FileRecords releases it once: the message it was set on
 * until that is encoded into an {@code EncodedResponse}, which then holds it ({@code release()}
 * releases it; each file part of {@code parts()} holds its own reference, released by whoever
 * sends it, e.g. a file region's {@code deallocate}). A FileRecords never encoded that way (an
 * answer dropped, a copying encoder) is released by whoever drops it.
 */
public record FileRecords(FileChannel channel, long position, int length, ReferenceCounted owner) implements Records {
    public FileRecords {
        if (position < 0 || length < 0) {
            throw new IllegalArgumentException("bad file region: position " + position + ", length " + length);
        }
    }

    /** Records in a file that nothing needs to keep open (tests, tools). */
    public FileRecords(FileChannel channel, long position, int length) {
        this(channel, position, length, null);
    }

    @Override
    public int sizeInBytes() {
        return length;
    }

    /** One more reference for a second holder; returns this. */
    public FileRecords retain() {
        if (owner != null) {
            owner.retain();
        }
        return this;
    }

    /** Gives up the holder's reference. */
    public void release() {
        if (owner != null) {
            owner.release();
        }
    }
}
