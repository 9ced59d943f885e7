package dev.wharf.server.network;

import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Splits the byte stream into request frames: a 4-byte length, then that many bytes. A length
 * above {@code socket.request.max.bytes} (or negative) fails the connection before anything is
 * allocated for it; the frame passed on excludes the length prefix.
 */
final class RequestFrameDecoder extends LengthFieldBasedFrameDecoder {
    RequestFrameDecoder(int maxRequestBytes) {
        super(maxRequestBytes, 0, 4, 0, 4, true);
    }
}
