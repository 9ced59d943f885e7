package dev.wharf.logstore;

import io.netty.util.AbstractReferenceCounted;
import io.netty.util.IllegalReferenceCountException;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * The open file of a segment, reference-counted: the file closes when the last holder lets go.
 * Holders: the segment while it is active (its write channel), then the {@link FileHandles}
 * cache while the file stays open for reads, and every {@link Slice} read from it until released
 * (so a send in flight keeps the file open however long it takes). Thread-safe.
 */
public final class SegmentChannel extends AbstractReferenceCounted {
    private final FileChannel channel;

    /** Wraps an open channel; the caller holds the one reference. */
    SegmentChannel(FileChannel channel) {
        this.channel = channel;
    }

    public FileChannel channel() {
        return channel;
    }

    /** Takes a reference unless the file is already closed (then false: open it again). */
    boolean tryRetain() {
        try {
            retain();
            return true;
        } catch (IllegalReferenceCountException e) {
            return false;
        }
    }

    @Override
    protected void deallocate() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing more to do with a file nobody uses
        }
    }

    @Override
    public SegmentChannel touch(Object hint) {
        return this;
    }
}
