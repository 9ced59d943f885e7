package dev.wharf.server.network;

/**
 * One listener as configured: its name ({@code PLAINTEXT}, {@code INTERNAL}, ...), how it secures
 * connections (the protocol {@code listener.security.protocol.map} gives it, with its TLS and SASL
 * set-up), and where it binds (an empty host: every interface; port 0: any free port).
 */
public record Endpoint(String listenerName, ListenerSecurity security, String host, int port) {
    public String securityProtocol() {
        return security.protocol();
    }
}
