package dev.wharf.server.api;

import dev.wharf.server.security.sasl.SaslServerMechanism;
import java.util.List;
import java.util.function.Function;

/**
 * How one SASL listener authenticates: the mechanisms it serves ({@code sasl.enabled.mechanisms}),
 * a new server-side exchange for each authentication, how long a failed client waits before its
 * connection closes ({@code connection.failed.authentication.delay.ms}: a client guessing
 * passwords gets one guess per delay per connection) and how long a session lasts before the
 * client must re-authenticate ({@code connections.max.reauth.ms}, KIP-368; 0: for ever).
 */
public record SaslListener(List<String> enabledMechanisms, Function<String, SaslServerMechanism> exchanges,
        long failedAuthenticationDelayMs, long maxReauthMs) {
    public SaslListener {
        enabledMechanisms = List.copyOf(enabledMechanisms);
    }
}
