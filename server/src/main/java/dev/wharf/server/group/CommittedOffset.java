package dev.wharf.server.group;

/**
 * A group's committed position in one partition, as OffsetFetch returns it.
 * {@code expireTimestamp} is -1 unless the commit (OffsetCommit v2-v4) asked for its own retention.
 * Immutable; any thread.
 */
public record CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestamp, long expireTimestamp) {}
