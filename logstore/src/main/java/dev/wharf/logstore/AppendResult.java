package dev.wharf.logstore;

/**
 * The offsets an append assigned: {@code firstOffset} to {@code lastOffset} inclusive, with the
 * largest timestamp among the appended batches.
 */
public record AppendResult(long firstOffset, long lastOffset, long maxTimestamp, int batches) {}
