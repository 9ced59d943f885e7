package dev.wharf.server.network;

/**
 * One listener as configured: its name ({@code PLAINTEXT}, {@code INTERNAL}, ...), the security
 * protocol {@code listener.security.protocol.map} gives it, and where it binds (an empty host:
 * every interface; port 0: any free port).
 */
public record Endpoint(String listenerName, String securityProtocol, String host, int port) {}
