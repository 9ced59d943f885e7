package dev.wharf.testing;

import dev.wharf.wire.frame.RequestFrames;
import dev.wharf.wire.frame.ResponseFrames;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ApiVersionsRequest;
import dev.wharf.wire.message.ApiVersionsResponse;
import dev.wharf.wire.message.RequestHeader;
import dev.wharf.wire.protocol.ApiMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A blocking Kafka protocol client over a plain socket, for tests that must send what no client
 * library would: requests of a chosen version built with Wharf's own codecs, pipelined requests,
 * or raw bytes. Requests get correlation ids 1, 2, 3, ... in the order they are sent; every read
 * gives up after 30 seconds. Not thread-safe: one test thread per client.
 */
public final class KafkaWireClient implements AutoCloseable {
    /** The client id every request carries. */
    public static final String CLIENT_ID = "wharf-wire-test";
    private static final int READ_TIMEOUT_MS = 30_000;

    private final Socket socket = new Socket();
    private final DataInputStream in;
    private final OutputStream out;
    private int lastCorrelationId;

    /** Connects to {@code host:port}, the form brokers advertise and bootstrap lists use. */
    public KafkaWireClient(String bootstrap) throws IOException {
        this(bootstrap.substring(0, bootstrap.lastIndexOf(':')),
                Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1)));
    }

    public KafkaWireClient(String host, int port) throws IOException {
        socket.connect(new InetSocketAddress(host, port), 5_000);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends a request and decodes its response, checking that the correlation id matches. */
    @SuppressWarnings("unchecked")
    public <R extends ApiMessage> R call(ApiKey api, short version, ApiMessage body) throws IOException {
        int correlationId = send(api, version, body);
        return (R) receive(api, version, correlationId);
    }

    /**
     * Sends a request without reading its response (pipelining, or requests that get none, such
     * as Produce with acks=0). Returns its correlation id.
     */
    public int send(ApiKey api, short version, ApiMessage body) throws IOException {
        int correlationId = ++lastCorrelationId;
        RequestHeader header = new RequestHeader().setRequestApiKey(api.id).setRequestApiVersion(version)
                .setCorrelationId(correlationId).setClientId(CLIENT_ID);
        ByteBuf frame = RequestFrames.encode(UnpooledByteBufAllocator.DEFAULT, header, body);
        try {
            byte[] bytes = new byte[frame.readableBytes()];
            frame.readBytes(bytes);
            sendRaw(bytes);
        } finally {
            frame.release();
        }
        return correlationId;
    }

    /**
     * The versions of {@code api} the broker advertises (ApiVersions v3), oldest first, from
     * {@code oldest} on: the versions a client of that age or newer could send.
     */
    public List<Short> advertisedVersions(ApiKey api, int oldest) throws IOException {
        ApiVersionsResponse r = call(ApiKey.API_VERSIONS, (short) 3,
                new ApiVersionsRequest().setClientSoftwareName(CLIENT_ID).setClientSoftwareVersion("1"));
        for (ApiVersionsResponse.ApiVersion v : r.apiKeys()) {
            if (v.apiKey() == api.id) {
                return IntStream.rangeClosed(Math.max(v.minVersion(), oldest), v.maxVersion())
                        .mapToObj(i -> (short) i).toList();
            }
        }
        return List.of();
    }

    /** Writes bytes as they are: a hand-made frame, length prefix included, or garbage. */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads the next response and decodes it as {@code api} at {@code version}. */
    public ApiMessage receive(ApiKey api, short version, int expectedCorrelationId) throws IOException {
        ResponseFrames.Response r = ResponseFrames.decode(Unpooled.wrappedBuffer(receiveFrame()), api, version);
        if (r.header().correlationId() != expectedCorrelationId) {
            throw new IllegalStateException(api.displayName + " v" + version + ": response to correlation id "
                    + r.header().correlationId() + ", expected " + expectedCorrelationId);
        }
        return r.body();
    }

    /** The next response frame without its length prefix, for tests that parse it themselves. */
    public ByteBuffer receiveFrame() throws IOException {
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        return ByteBuffer.wrap(frame);
    }

    /** The underlying socket, for tests that change its timeouts. */
    public Socket socket() {
        return socket;
    }

    /** True when the broker closed the connection rather than answering within the read timeout. */
    public boolean closedByBroker() throws IOException {
        try {
            return in.read() < 0;
        } catch (EOFException | SocketException e) {
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
