package dev.wharf.server.security.sasl;

/**
 * One server-side SASL exchange (one per authentication, re-authentication gets a new one).
 * Not thread-safe: the connection that owns it calls it one token at a time.
 *
 * <p>A completing {@link #evaluate} may still return a challenge the client needs (SCRAM's
 * server signature): send it in the SaslAuthenticate response. An OAUTHBEARER refusal is a
 * challenge too (RFC 7628's error JSON) with the exchange not complete; the client's next token
 * (%x01) then fails it.
 */
public interface SaslServerMechanism {
    /**
     * The challenge to send for the client's token (empty when there is nothing to say).
     *
     * @throws SaslAuthenticationException when authentication fails; the message is safe to send
     *     to the client (it never reveals whether the user exists)
     */
    byte[] evaluate(byte[] clientToken) throws SaslAuthenticationException;

    boolean isComplete();

    /** After completion: the authenticated name, e.g. "alice" (the principal is "User:alice"). */
    String authorizedId();

    /**
     * After completion: when the credential stops being valid (epoch ms), e.g. an OAUTHBEARER
     * token's exp; {@link Long#MAX_VALUE} if never.
     */
    default long credentialExpiryMs() {
        return Long.MAX_VALUE;
    }
}
