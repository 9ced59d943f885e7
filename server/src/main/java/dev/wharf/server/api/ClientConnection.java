package dev.wharf.server.api;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * What the broker knows of one client connection: the listener it came in on, its security
 * protocol and principal, its address, and the software it said it is (ApiVersions v3+). Created
 * when the connection opens. The principal is {@code User:ANONYMOUS} until the connection
 * authenticates: by its TLS client certificate on an SSL listener, by SASL on a SASL listener
 * ({@link #sasl()}). Written by the TLS handshake and by handlers, read by later requests of the
 * same connection, which the dispatcher runs one after another: volatile fields, no lock.
 */
public final class ClientConnection {
    /** The principal of a client that has not authenticated (Kafka's {@code User:ANONYMOUS}). */
    public static final String ANONYMOUS = "User:ANONYMOUS";

    private final String listenerName;
    private final String securityProtocol;
    private final SocketAddress clientAddress;
    /** Null on listeners without SASL. */
    private final SaslSession sasl;
    private volatile String principal;
    /** Set when the connection must close once the response being written is sent (failed authentication). */
    private volatile boolean closeAfterResponse;
    /** Set by the request being handled, read once it is done: one request at a time per connection. */
    private volatile int unansweredThrottleMs;
    private volatile String clientSoftwareName = "unknown";
    private volatile String clientSoftwareVersion = "unknown";

    public ClientConnection(String listenerName, String securityProtocol, String principal, SocketAddress clientAddress) {
        this(listenerName, securityProtocol, principal, clientAddress, null);
    }

    public ClientConnection(String listenerName, String securityProtocol, String principal, SocketAddress clientAddress,
            SaslSession sasl) {
        this.listenerName = listenerName;
        this.securityProtocol = securityProtocol;
        this.principal = principal;
        this.clientAddress = clientAddress;
        this.sasl = sasl;
    }

    public String listenerName() {
        return listenerName;
    }

    public String securityProtocol() {
        return securityProtocol;
    }

    /** {@code User:<name>}: who this connection authenticated as, or {@code User:ANONYMOUS}. */
    public String principal() {
        return principal;
    }

    /** The connection authenticated as {@code principal} (its TLS certificate, or SASL). */
    public void authenticated(String principal) {
        this.principal = principal;
    }

    /** The SASL state on a SASL listener; null elsewhere. */
    public SaslSession sasl() {
        return sasl;
    }

    /**
     * Whether a request of {@code api} may be handled now: on a SASL listener, only the SASL
     * exchange until it succeeds, and only a re-authentication once the session has expired.
     */
    public boolean permits(dev.wharf.wire.message.ApiKey api) {
        return sasl == null || sasl.permits(api);
    }

    /**
     * A throttle earned by a request that gets no response (Produce with acks=0): the dispatcher
     * stops reading the connection that long once the request is done, as Kafka mutes such a
     * client, since no throttle_time_ms can tell it to hold back (KIP-219).
     */
    public void throttleUnanswered(int ms) {
        unansweredThrottleMs = Math.max(unansweredThrottleMs, ms);
    }

    /** The throttle of the request just done that gets no response (0 if none), cleared. */
    public int takeUnansweredThrottle() {
        int ms = unansweredThrottleMs;
        unansweredThrottleMs = 0;
        return ms;
    }

    /** Whether the connection closes after the response now being written (failed authentication). */
    public boolean closeAfterResponse() {
        return closeAfterResponse;
    }

    void closeAfterResponse(boolean close) {
        this.closeAfterResponse = close;
    }

    public SocketAddress clientAddress() {
        return clientAddress;
    }

    /** The client's host as Kafka shows it ({@code /127.0.0.1}), or empty when unknown. */
    public String clientHost() {
        return clientAddress instanceof InetSocketAddress a && a.getAddress() != null
                ? "/" + a.getAddress().getHostAddress() : "";
    }

    public String clientSoftwareName() {
        return clientSoftwareName;
    }

    public String clientSoftwareVersion() {
        return clientSoftwareVersion;
    }

    void clientSoftware(String name, String version) {
        this.clientSoftwareName = name;
        this.clientSoftwareVersion = version;
    }

    @Override
    public String toString() {
        return listenerName + " " + clientAddress + " " + principal;
    }
}
