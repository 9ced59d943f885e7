package dev.wharf.server.replica;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.purgatory.DelayedOperation;
import java.util.concurrent.CompletableFuture;

/**
 * Waits until every in-sync replica has a partition's records up to {@code requiredOffset} (the
 * high watermark passed it): an acks=all produce, or a group coordinator's write. Answers NONE, or
 * NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below {@code min.insync.replicas}
 * meanwhile, NOT_LEADER_OR_FOLLOWER when this broker stopped leading the epoch it appended in, and
 * REQUEST_TIMED_OUT at the deadline. Checked when the partition's high watermark or ISR moves.
 */
final class ReplicationWait extends DelayedOperation {
    private final ReplicaSet replicas;
    private final long requiredOffset;
    private final int leaderEpoch;
    private final CompletableFuture<ErrorCode> result;
    private ErrorCode outcome;

    ReplicationWait(ReplicaSet replicas, long requiredOffset, int leaderEpoch, long timeoutMs,
            CompletableFuture<ErrorCode> result) {
        super(timeoutMs);
        this.replicas = replicas;
        this.requiredOffset = requiredOffset;
        this.leaderEpoch = leaderEpoch;
        this.result = result;
    }

    @Override
    protected boolean tryComplete() {
        ErrorCode status = replicas.replicationStatus(requiredOffset, leaderEpoch);
        if (status == null) {
            return false;
        }
        outcome = status;
        return forceComplete();
    }

    /** Completed by a check, or forced (deadline, leadership moved): then it says how things stand now. */
    @Override
    protected void onComplete() {
        ErrorCode status = outcome != null ? outcome : replicas.replicationStatus(requiredOffset, leaderEpoch);
        result.complete(status != null ? status : ErrorCode.REQUEST_TIMED_OUT);
    }
}
