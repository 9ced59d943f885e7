package dev.wharf.server.network;

import dev.wharf.server.api.SaslListener;
import io.netty.handler.ssl.SslContext;
import java.util.function.Function;
import javax.net.ssl.SSLSession;

/**
 * How one listener secures its connections, from its security protocol:
 *
 * <ul>
 *   <li>PLAINTEXT: neither; every client is {@code User:ANONYMOUS}.
 *   <li>SSL: TLS ({@link #tls}); a client's principal comes from its certificate ({@link #tlsPrincipal}),
 *       {@code User:ANONYMOUS} without one.
 *   <li>SASL_PLAINTEXT: SASL ({@link #sasl}) in the clear.
 *   <li>SASL_SSL: SASL inside TLS; the principal is the SASL one.
 * </ul>
 *
 * Immutable; shared by the listener's connections.
 */
public record ListenerSecurity(String protocol, SslContext tls, Function<SSLSession, String> tlsPrincipal,
        SaslListener sasl) {
    public static final ListenerSecurity PLAINTEXT = new ListenerSecurity("PLAINTEXT", null, null, null);

    public ListenerSecurity {
        if ((tls != null) != protocol.endsWith("SSL") || (sasl != null) != protocol.startsWith("SASL_")) {
            throw new IllegalArgumentException("security protocol " + protocol + " does not match the listener's TLS/SASL set-up");
        }
    }

    /** Whether the principal comes from the TLS client certificate (SSL; with SASL_SSL it is SASL's). */
    boolean principalFromCertificate() {
        return tls != null && sasl == null;
    }
}
