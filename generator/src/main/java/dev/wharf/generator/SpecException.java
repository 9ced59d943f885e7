package dev.wharf.generator;

/** A message spec that cannot be turned into code; the message names the spec and the field. */
public final class SpecException extends RuntimeException {
    public SpecException(String message) {
        super(message);
    }
}
