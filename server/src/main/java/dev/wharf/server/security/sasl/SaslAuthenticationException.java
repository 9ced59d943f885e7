package dev.wharf.server.security.sasl;

/** Authentication failed; the message is safe to send to the client. */
public final class SaslAuthenticationException extends Exception {
    public SaslAuthenticationException(String message) {
        super(message);
    }
}
