package dev.wharf.logstore;

/** Log data that does not hold together; recovery truncates it, reads report it. */
public class CorruptLogException extends RuntimeException {
    public CorruptLogException(String message) {
        super(message);
    }
}
