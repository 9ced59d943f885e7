package dev.wharf.logstore;

/** What {@link PartitionLog#appendAsLeader} did with a producer's batch. */
public sealed interface LeaderAppendResult {
    /** Checked and appended at the offsets given. */
    record Appended(AppendResult result) implements LeaderAppendResult {}

    /** A retry of one of the producer's last batches: not appended again; it went to {@code firstOffset}. */
    record Duplicate(long firstOffset) implements LeaderAppendResult {}

    /** Refused by the producer state; nothing was appended. */
    record Rejected(ProducerRejection reason) implements LeaderAppendResult {}
}
