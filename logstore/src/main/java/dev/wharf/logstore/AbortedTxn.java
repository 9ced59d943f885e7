package dev.wharf.logstore;

/**
 * An aborted transaction (KIP-98) as a read_committed fetch reports it: producer {@code producerId}
 * wrote records from {@code firstOffset} that its abort marker at {@code lastOffset} voids;
 * {@code lastStableOffset} was the last stable offset once the marker was written.
 */
public record AbortedTxn(long producerId, long firstOffset, long lastOffset, long lastStableOffset) {}
