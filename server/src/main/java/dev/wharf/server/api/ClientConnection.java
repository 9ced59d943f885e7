package dev.wharf.server.api;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * What the broker knows of one client connection: the listener it came in on, its security
 * protocol and principal, its address, and the software it said it is (ApiVersions v3+). Created
 * when the connection opens; the software fields are written by the ApiVersions handler and read by
 * later requests of the same connection, which the dispatcher runs one after another.
 */
public final class ClientConnection {
    /** The principal of a client that has not authenticated (Kafka's {@code User:ANONYMOUS}). */
    public static final String ANONYMOUS = "User:ANONYMOUS";

    private final String listenerName;
    private final String securityProtocol;
    private final String principal;
    private final SocketAddress clientAddress;
    private volatile String clientSoftwareName = "unknown";
    private volatile String clientSoftwareVersion = "unknown";

    public ClientConnection(String listenerName, String securityProtocol, String principal, SocketAddress clientAddress) {
        this.listenerName = listenerName;
        this.securityProtocol = securityProtocol;
        this.principal = principal;
        this.clientAddress = clientAddress;
    }

    public String listenerName() {
        return listenerName;
    }

    public String securityProtocol() {
        return securityProtocol;
    }

    public String principal() {
        return principal;
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
