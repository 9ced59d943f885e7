package dev.wharf.junit;

import dev.wharf.wire.frame.RequestFrames;
import dev.wharf.wire.frame.ResponseFrames;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.RequestHeader;
import dev.wharf.wire.protocol.ApiMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * One blocking request and its response over a plain socket, in Wharf's own codecs: how the
 * extension creates topics and reads a broker's view of them without needing kafka-clients on the
 * user's class path. Talks to a PLAINTEXT listener only. Not thread-safe: one caller at a time.
 */
final class BrokerCalls implements AutoCloseable {
    private static final int TIMEOUT_MS = 10_000;

    private final Socket socket = new Socket();
    private final DataInputStream in;
    private final OutputStream out;
    private int correlationId;

    BrokerCalls(String host, int port) throws IOException {
        socket.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
        socket.setSoTimeout(TIMEOUT_MS);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    @SuppressWarnings("unchecked")
    <R extends ApiMessage> R call(ApiKey api, short version, ApiMessage body) throws IOException {
        RequestHeader header = new RequestHeader().setRequestApiKey(api.id).setRequestApiVersion(version)
                .setCorrelationId(++correlationId).setClientId("wharf-junit");
        ByteBuf frame = RequestFrames.encode(UnpooledByteBufAllocator.DEFAULT, header, body);
        try {
            byte[] bytes = new byte[frame.readableBytes()];
            frame.readBytes(bytes);
            out.write(bytes);
            out.flush();
        } finally {
            frame.release();
        }
        byte[] response = new byte[in.readInt()];
        in.readFully(response);
        ResponseFrames.Response r = ResponseFrames.decode(Unpooled.wrappedBuffer(response), api, version);
        if (r.header().correlationId() != correlationId) {
            throw new IOException(api.displayName + ": response to correlation id " + r.header().correlationId()
                    + ", expected " + correlationId);
        }
        return (R) r.body();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
