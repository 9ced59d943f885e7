package dev.wharf.server;

import dev.wharf.wire.frame.RequestFrames;
import dev.wharf.wire.message.RequestHeader;
import dev.wharf.wire.protocol.ApiMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/** A plain socket speaking raw frames, for tests that must send what no client library would. */
final class RawClient implements AutoCloseable {
    private final Socket socket = new Socket();
    private final DataInputStream in;
    private final OutputStream out;

    RawClient(int port) throws IOException {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void send(short apiKey, short version, int correlationId, ApiMessage body) throws IOException {
        RequestHeader header = new RequestHeader().setRequestApiKey(apiKey).setRequestApiVersion(version)
                .setCorrelationId(correlationId).setClientId("raw-test");
        ByteBuf frame = RequestFrames.encode(UnpooledByteBufAllocator.DEFAULT, header, body);
        byte[] bytes = new byte[frame.readableBytes()];
        frame.readBytes(bytes);
        frame.release();
        sendRaw(bytes);
    }

    /** The next response frame without its length prefix. */
    ByteBuffer receive() throws IOException {
        int length = in.readInt();
        byte[] frame = new byte[length];
        in.readFully(frame);
        return ByteBuffer.wrap(frame);
    }

    /** True when the broker closed the connection (reads end) rather than answering. */
    boolean closedByBroker() throws IOException {
        try {
            return in.read() < 0;
        } catch (EOFException | java.net.SocketException e) {
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
