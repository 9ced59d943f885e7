package dev.wharf.wire.protocol;

/** A message that cannot be encoded as it is: a null in a non-nullable field, a string too long. */
public class InvalidMessageException extends WireException {
    public InvalidMessageException(String message) {
        super(message);
    }
}
