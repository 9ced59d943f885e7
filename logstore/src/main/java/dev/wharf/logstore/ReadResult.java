package dev.wharf.logstore;

/** What a read of a partition log found. */
public sealed interface ReadResult {
    /**
     * Whole batches starting with the one that holds the requested offset. The reader owns the
     * slice's file reference: release it, or hand it on (see {@link Slice}).
     */
    record Batches(Slice slice) implements ReadResult {}

    /** The offset is valid but nothing is readable there yet (at the end, or at the upper bound). */
    record NoData(long logEndOffset) implements ReadResult {}

    /** The offset is below the log start or past the log end (Kafka's OFFSET_OUT_OF_RANGE). */
    record OutOfRange(long logStartOffset, long logEndOffset) implements ReadResult {}
}
