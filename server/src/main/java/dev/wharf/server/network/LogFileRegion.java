package dev.wharf.server.network;

import io.netty.channel.DefaultFileRegion;
import java.nio.channels.FileChannel;

/**
 * Records in a log segment file, sent as a {@link DefaultFileRegion} so that the epoll transport
 * uses {@code sendfile(2)} on the file's descriptor: the bytes go from the page cache to the socket
 * without entering the JVM. (A custom {@code FileRegion} would be handed a wrapper channel, and
 * {@code FileChannel.transferTo} to a channel it does not know copies through a small buffer.)
 * The file belongs to its segment, so releasing the region leaves it open.
 */
final class LogFileRegion extends DefaultFileRegion {
    LogFileRegion(FileChannel segment, long position, long count) {
        super(segment, position, count);
    }

    @Override
    protected void deallocate() {
        // the segment owns the channel and closes it when the segment goes
    }
}
