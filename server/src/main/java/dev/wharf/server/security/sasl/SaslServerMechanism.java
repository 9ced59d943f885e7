package dev.wharf.server.security.sasl;

/** One server-side SASL exchange (one per authentication, re-authentication gets a new one). */
public interface SaslServerMechanism {
    byte[] evaluate(byte[] clientToken) throws SaslAuthenticationException;

    boolean isComplete();

    String authorizedId();

    default long credentialExpiryMs() {
        return Long.MAX_VALUE;
    }
}
