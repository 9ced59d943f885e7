package dev.wharf.server.network;

import dev.wharf.wire.frame.EncodedResponse;
import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;

/**
 * One response frame as a Netty {@link FileRegion}: the transport hands it the socket and it sends
 * its buffer ranges with writes and its log-file record sets with {@code FileChannel.transferTo},
 * so record bytes go from the page cache to the socket without a copy into the heap.
 */
final class EncodedResponseRegion extends AbstractReferenceCounted implements FileRegion {
    private final EncodedResponse response;
    private long transferred;

    EncodedResponseRegion(EncodedResponse response) {
        this.response = response;
    }

    @Override
    public long position() {
        return 0;
    }

    @Override
    @Deprecated
    public long transfered() {
        return transferred;
    }

    @Override
    public long transferred() {
        return transferred;
    }

    @Override
    public long count() {
        return response.frameSize();
    }

    @Override
    public long transferTo(WritableByteChannel target, long position) throws IOException {
        long n = response.transferTo(target, position);
        transferred += n;
        return n;
    }

    @Override
    protected void deallocate() {
        response.release();
    }

    @Override
    public FileRegion retain() {
        super.retain();
        return this;
    }

    @Override
    public FileRegion retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public FileRegion touch() {
        return this;
    }

    @Override
    public FileRegion touch(Object hint) {
        return this;
    }
}
