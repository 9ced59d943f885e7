package dev.wharf.wire.protocol;

/** Base of every error the wire layer raises for bad input or unrepresentable messages. */
public class WireException extends RuntimeException {
    public WireException(String message) {
        super(message);
    }

    public WireException(String message, Throwable cause) {
        super(message, cause);
    }
}
