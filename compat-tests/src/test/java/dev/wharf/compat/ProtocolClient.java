package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A protocol-level client over a plain socket, for tests that must send what no client library
 * would: requests built with Wharf's own codecs, or raw bytes.
 */
final class ProtocolClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private int correlation;

    ProtocolClient(String bootstrap) throws IOException {
        String[] hostPort = bootstrap.split(":");
        socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]));
        socket.setSoTimeout(30_000);
        in = new DataInputStream(socket.getInputStream());
    }

    ApiMessage call(ApiKey api, short version, ApiMessage body) throws IOException {
        send(api, version, body);
        byte[] response = new byte[in.readInt()];
        in.readFully(response);
        ResponseFrames.Response r = ResponseFrames.decode(Unpooled.wrappedBuffer(response), api, version);
        assertEquals(correlation, r.header().correlationId());
        return r.body();
    }

    /** Sends a request without reading an answer (for requests that get none). */
    void send(ApiKey api, short version, ApiMessage body) throws IOException {
        RequestHeader header = new RequestHeader().setRequestApiKey(api.id).setRequestApiVersion(version)
                .setCorrelationId(++correlation).setClientId("protocol-test");
        ByteBuf frame = RequestFrames.encode(UnpooledByteBufAllocator.DEFAULT, header, body);
        byte[] bytes = new byte[frame.readableBytes()];
        frame.readBytes(bytes);
        frame.release();
        sendRaw(bytes);
    }

    void sendRaw(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** True when the broker closed the connection rather than answering. */
    boolean closedByBroker() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
