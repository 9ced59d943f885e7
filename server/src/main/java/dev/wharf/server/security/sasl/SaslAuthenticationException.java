package dev.wharf.server.security.sasl;

/**
 * A SASL exchange failed. The message is safe to send to the client (SaslAuthenticate's
 * ErrorMessage): it never says whether the user exists.
 */
public final class SaslAuthenticationException extends Exception {
    private static final long serialVersionUID = 1L;

    public SaslAuthenticationException(String message) {
        super(message);
    }

    public SaslAuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
