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
import java.io.BufferedOutputStream;
import dev.wharf.server.security.sasl.SaslAuthenticationException;
import dev.wharf.server.security.sasl.SaslClientMechanism;
import dev.wharf.wire.message.SaslAuthenticateRequest;
import dev.wharf.wire.message.SaslAuthenticateResponse;
import dev.wharf.wire.message.SaslHandshakeRequest;
import dev.wharf.wire.message.SaslHandshakeResponse;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A blocking connection from this broker to another (replica fetches, transaction markers): one
 * request at a time, answered before the next. Connects on the first call and after a failure,
 * secured as the inter-broker listener says (TLS, then SASL: SaslHandshake and SaslAuthenticate
 * before any other request); any I/O error closes it, and the caller decides whether to retry. A
 * response larger than {@code largestFrame} is refused before anything is allocated for it.
 *
 * <p>Threads: used by one thread at a time.
 */
public final class BrokerConnection implements AutoCloseable {
    private final String clientId;
    private final InterBrokerListener listener;
    private final int socketTimeoutMs;
    private final int largestFrame;
    private Socket socket;
    private DataInputStream in;
    private OutputStream out;
    /** No mechanism Kafka has takes more than a few round trips; a peer that keeps asking is broken. */
    private static final int MAX_SASL_ROUNDS = 10;
    private int correlationId;
    private byte[] frame = new byte[64 * 1024];

    public BrokerConnection(String clientId, InterBrokerListener listener, int socketTimeoutMs, int largestFrame) {
        this.clientId = clientId;
        this.listener = listener;
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
            if (listener.tls() != null) {
                s = secure(s, endpoint);
            }
            in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 64 * 1024));
            out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        if (listener.sasl() != null) {
            authenticate(listener.sasl().get()); // closes the connection when it fails
        }
    }

    /** TLS over the connected socket, checking the peer's certificate (and host name) now. */
    private SSLSocket secure(Socket plain, BrokerInfo.Endpoint endpoint) throws IOException {
        SSLSocket tls = (SSLSocket) listener.tls().createSocket(plain, endpoint.host(), endpoint.port(), true);
        if (listener.verifyHostname()) {
            SSLParameters params = tls.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(params);
        }
        tls.startHandshake();
        return tls;
    }

    /** SaslHandshake v1, then SaslAuthenticate until the mechanism completes (KIP-152). */
    private void authenticate(SaslClientMechanism sasl) throws IOException {
        try {
            SaslHandshakeResponse handshake = (SaslHandshakeResponse) call(ApiKey.SASL_HANDSHAKE, (short) 1,
                    new SaslHandshakeRequest().setMechanism(sasl.mechanismName()));
            if (handshake.errorCode() != 0) {
                throw new IOException("broker refused SASL mechanism " + sasl.mechanismName() + " (error "
                        + handshake.errorCode() + "; it has " + handshake.mechanisms() + ")");
            }
            byte[] token = sasl.initialResponse();
            for (int round = 0; round < MAX_SASL_ROUNDS; round++) {
                SaslAuthenticateResponse r = (SaslAuthenticateResponse) call(ApiKey.SASL_AUTHENTICATE, (short) 2,
                        new SaslAuthenticateRequest().setAuthBytes(token == null ? new byte[0] : token));
                if (r.errorCode() != 0) {
                    throw new IOException("SASL authentication failed: " + r.errorMessage());
                }
                if (sasl.isComplete()) {
                    return;
                }
                token = sasl.evaluate(r.authBytes());
                if (sasl.isComplete() && token == null) {
                    return;
                }
            }
            throw new IOException("SASL " + sasl.mechanismName() + " did not complete in " + MAX_SASL_ROUNDS + " rounds");
        } catch (SaslAuthenticationException e) {
            close();
            throw new IOException("SASL authentication failed: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
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
