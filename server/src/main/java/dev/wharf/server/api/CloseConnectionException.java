package dev.wharf.server.api;

/**
 * Completes a handler's future when the protocol's only way to report a failure is to close the
 * connection (a Produce with acks=0 has no response to carry an error code). Not a broker fault:
 * the dispatcher closes the connection with the reason, without a stack trace.
 */
public final class CloseConnectionException extends RuntimeException {
    public CloseConnectionException(String reason) {
        super(reason, null, false, false);
    }
}
