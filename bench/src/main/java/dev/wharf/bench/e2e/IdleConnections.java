package dev.wharf.bench.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain sockets that each complete one ApiVersions v0 exchange, so the broker has accepted and
 * served them, and then stay open and silent until closed. Not thread-safe.
 * <pre>
 * request:  int32 size | int16 api_key=18 | int16 api_version=0 | int32 correlation_id | int16 len + client_id
 * response: int32 size | size bytes (read and discarded)
 * </pre>
 */
final class IdleConnections implements AutoCloseable {
    private static final byte[] CLIENT_ID = "wharf-bench-idle".getBytes(StandardCharsets.US_ASCII);

    private final List<SocketChannel> open = new ArrayList<>();

    /** Opens {@code count} connections one after another; fails if any exchange fails. */
    void open(String host, int port, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            SocketChannel channel = SocketChannel.open(new InetSocketAddress(host, port));
            open.add(channel);
            ByteBuffer request = ByteBuffer.allocate(4 + 2 + 2 + 4 + 2 + CLIENT_ID.length);
            request.putInt(request.capacity() - 4).putShort((short) 18).putShort((short) 0).putInt(i)
                    .putShort((short) CLIENT_ID.length).put(CLIENT_ID).flip();
            while (request.hasRemaining()) {
                channel.write(request);
            }
            ByteBuffer size = ByteBuffer.allocate(4);
            readFully(channel, size);
            readFully(channel, ByteBuffer.allocate(size.flip().getInt()));
        }
    }

    int size() {
        return open.size();
    }

    private static void readFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new IOException("broker closed an idle connection during ApiVersions");
            }
        }
    }

    @Override
    public void close() {
        for (SocketChannel channel : open) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        open.clear();
    }
}
