package dev.wharf.wire.protocol;

/**
 * Bytes that do not decode: truncated input, a negative or oversized length, a bad varint, a
 * tagged field whose size does not match. The message says what was wrong and at which byte
 * (relative to the start of what was being decoded).
 */
public class MalformedMessageException extends WireException {
    private final int position;

    public MalformedMessageException(String problem, int position) {
        super(problem + " (at byte " + position + ")");
        this.position = position;
    }

    public MalformedMessageException(String problem, int position, Throwable cause) {
        super(problem + " (at byte " + position + ")", cause);
        this.position = position;
    }

    /** Offset of the problem from the start of the decoded buffer. */
    public int position() {
        return position;
    }
}
