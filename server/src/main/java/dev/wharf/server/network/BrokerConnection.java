package dev.wharf.server.network;

import dev.wharf.controller.BrokerInfo;
import dev.wharf.wire.frame.RequestFrames;
import dev.wharf.wire.frame.ResponseFrames;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.RequestHeader;
import dev.wharf.wire.protocol.ApiMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A blocking connection from this broker to another (replica fetches, transaction markers): one
 * request at a time, answered before the next. Connects on the first call and after a failure;
 * any I/O error closes it, and the caller decides whether to retry. A response larger than
 * {@code largestFrame} is refused before anything is allocated for it.
 *
 * <p>Threads: used by one thread at a time.
 */
public final class BrokerConnection implements AutoCloseable {
    private final String clientId;
    private final int socketTimeoutMs;
    private final int largestFrame;
    private Socket socket;
    private DataInputStream in;
    private OutputStream out;
    private int correlationId;
    private byte[] frame = new byte[64 * 1024];

    public BrokerConnection(String clientId, int socketTimeoutMs, int largestFrame) {
        this.clientId = clientId;
        this.socketTimeoutMs = socketTimeoutMs;
        this.largestFrame = largestFrame;
    }

    public boolean connected() {
        return socket != null;
    }

    /** Connects to {@code endpoint} unless connected already. */
    public void connect(BrokerInfo.Endpoint endpoint) throws IOException {
        if (socket != null) {
            return;
        }
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), socketTimeoutMs);
            s.setSoTimeout(socketTimeoutMs);
            in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 64 * 1024));
            out = s.getOutputStream();
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
    }

    /** Sends {@code request} as {@code api} version {@code version} and returns the response body. */
    public ApiMessage call(ApiKey api, short version, ApiMessage request) throws IOException {
        if (socket == null) {
            throw new IOException("not connected");
        }
        try {
            int id = ++correlationId;
            RequestHeader header = new RequestHeader().setRequestApiKey(api.id).setRequestApiVersion(version)
                    .setCorrelationId(id).setClientId(clientId);
            ByteBuf encoded = RequestFrames.encode(UnpooledByteBufAllocator.DEFAULT, header, request);
            try {
                encoded.readBytes(out, encoded.readableBytes());
                out.flush();
            } finally {
                encoded.release();
            }
            int length = in.readInt();
            if (length < 0 || length > largestFrame) {
                throw new IOException("response of " + length + " bytes exceeds " + largestFrame);
            }
            if (frame.length < length) {
                frame = new byte[Math.max(length, Math.min(largestFrame, frame.length * 2))];
            }
            in.readFully(frame, 0, length);
            ResponseFrames.Response r = ResponseFrames.decode(Unpooled.wrappedBuffer(frame, 0, length), api, version);
            if (r.header().correlationId() != id) {
                throw new IOException("response to correlation id " + r.header().correlationId() + ", expected " + id);
            }
            return r.body();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        Socket s = socket;
        socket = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
