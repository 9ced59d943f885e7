package dev.wharf.server.security.sasl;

/**
 * The client side of one SASL exchange, for this broker authenticating to another broker's SASL
 * listener. One per authentication; not thread-safe.
 *
 * <p>Use: send {@link #initialResponse()} in the first SaslAuthenticate; while
 * {@link #isComplete()} is false, evaluate the server's answer and send what {@link #evaluate}
 * returns. Once the exchange completes, {@code evaluate} returns null: nothing more to send.
 * (SCRAM completes only on the server's last answer, whose signature it checks.)
 */
public interface SaslClientMechanism {
    String mechanismName();

    byte[] initialResponse() throws SaslAuthenticationException;

    /** The response to the server's challenge, or null when the exchange has completed. */
    byte[] evaluate(byte[] serverChallenge) throws SaslAuthenticationException;

    boolean isComplete();
}
