package dev.wharf.server.security.sasl;

/**
 * One server-side SASL exchange: one per authentication; a re-authentication gets a new one.
 * Not thread-safe: the connection that owns it calls it one token at a time.
 */
public interface SaslServerMechanism {
    /** The SASL mechanism name, e.g. "SCRAM-SHA-256". */
    String mechanismName();

    /**
     * The challenge to send for the client's token (empty when there is nothing to say).
     *
     * @throws SaslAuthenticationException when authentication fails; the message is safe to send
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
