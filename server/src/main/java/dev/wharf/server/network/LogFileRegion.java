package dev.wharf.server.network;

import dev.wharf.wire.records.FileRecords;
import io.netty.channel.DefaultFileRegion;

/**
 * Records in a log segment file, sent as a {@link DefaultFileRegion} so that the epoll transport
 * uses {@code sendfile(2)} on the file's descriptor: the bytes go from the page cache to the socket
 * without entering the JVM. (A custom {@code FileRegion} would be handed a wrapper channel, and
 * {@code FileChannel.transferTo} to a channel it does not know copies through a small buffer.)
 * The region holds one reference of the {@link FileRecords} (which keeps the segment's file open
 * while it is sent) and releases it when Netty releases the region: sent, failed or discarded.
 */
final class LogFileRegion extends DefaultFileRegion {
    private final FileRecords records;

    /** Takes over one reference of {@code records}. */
    LogFileRegion(FileRecords records) {
        super(records.channel(), records.position(), records.length());
        this.records = records;
    }

    @Override
    protected void deallocate() {
        records.release(); // the file itself closes when its segment and every other holder let go
    }
}
