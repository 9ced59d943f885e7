package dev.wharf.server.security.sasl;

/**
 * The client side of one SASL exchange, for this broker authenticating to another broker's SASL
 * listener. One per authentication; not thread-safe.
 *
 * <p>Use: send {@link #initialResponse()} in the first SaslAuthenticate; while the server answers
 * with a challenge and {@link #isComplete()} is false, send {@link #evaluate(byte[])} of it.
 * Evaluate the server's last challenge too (SCRAM checks the server's signature in it).
 */
public interface SaslClientMechanism {
    String mechanismName();

    byte[] initialResponse() throws SaslAuthenticationException;

    /** The response to the server's challenge. */
    byte[] evaluate(byte[] serverChallenge) throws SaslAuthenticationException;

    boolean isComplete();
}
