package dev.wharf.server.replica;

import dev.wharf.server.ErrorCode;

/** What became of a batch offered as the leader ({@link LeaderAppends}). */
public sealed interface AppendOutcome {
    /** Appended in {@code leaderEpoch}; acks=all waits for the high watermark to pass {@code lastOffset}. */
    record Appended(long firstOffset, long lastOffset, int leaderEpoch, long logStartOffset, long logAppendTimeMs)
            implements AppendOutcome {}

    /** The producer sent this batch before; it is answered with where it landed then. */
    record Duplicate(long firstOffset, long lastOffset, int leaderEpoch, long logStartOffset) implements AppendOutcome {}

    record Rejected(ErrorCode error, String message) implements AppendOutcome {}
}
