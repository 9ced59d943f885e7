package dev.wharf.server.security.ssl;

import java.security.Principal;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;

/**
 * The Kafka principal of a TLS connection, as Kafka's default principal builder makes it: {@code
 * User:} and the client certificate's distinguished name mapped by {@code
 * ssl.principal.mapping.rules}, or {@code User:ANONYMOUS} when the client sent no certificate.
 *
 * <p>Stateless; any thread.
 */
public final class SslPrincipals {
    /** The principal of a client that presented no certificate. */
    public static final String ANONYMOUS = "User:ANONYMOUS";

    private SslPrincipals() {}

    /** The principal for the peer of {@code session}, whose handshake has completed. */
    public static String principalOf(SSLSession session, SslPrincipalMapper mapper) {
        Principal peer;
        try {
            peer = session.getPeerPrincipal();
        } catch (SSLPeerUnverifiedException noCertificate) {
            return ANONYMOUS;
        }
        // X500Principal.getName() is the RFC 2253 form the mapping rules are written against.
        String name = peer instanceof X500Principal x500 ? x500.getName() : peer.getName();
        return "User:" + mapper.nameOf(name);
    }
}
