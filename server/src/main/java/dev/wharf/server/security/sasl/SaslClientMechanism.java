package dev.wharf.server.security.sasl;

/** The client side of one SASL exchange, for this broker authenticating to another. */
public interface SaslClientMechanism {
    String mechanismName();

    byte[] initialResponse() throws SaslAuthenticationException;

    byte[] evaluate(byte[] serverChallenge) throws SaslAuthenticationException;

    boolean isComplete();
}
