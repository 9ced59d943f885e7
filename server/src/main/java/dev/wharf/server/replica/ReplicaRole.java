package dev.wharf.server.replica;

import dev.wharf.server.ErrorCode;
import java.util.List;

/**
 * A replica's role in one leader epoch, and the partition state it comes from: the leader, the
 * replicas and the ISR, the partition epoch (the version of that state) and, for a leader, where
 * its epoch starts in its log. Immutable: a {@link Partition} replaces its role whole.
 */
record ReplicaRole(int leaderEpoch, int leaderId, boolean isLeader, List<Integer> replicas, List<Integer> isr,
        int partitionEpoch, long leaderEpochStartOffset) {
    /** Before the metadata gave the replica a role. */
    static final ReplicaRole NONE = new ReplicaRole(-1, -1, false, List.of(), List.of(), -1, 0);

    ReplicaRole withIsr(List<Integer> newIsr, int newPartitionEpoch) {
        return new ReplicaRole(leaderEpoch, leaderId, isLeader, replicas, newIsr, newPartitionEpoch, leaderEpochStartOffset);
    }

    /**
     * The leader epoch a client believes current (-1: no check) against this one: an older one
     * is fenced, a newer one means this broker is behind; either way the client refreshes.
     */
    ErrorCode checkLeaderEpoch(int currentLeaderEpoch) {
        if (currentLeaderEpoch < 0 || currentLeaderEpoch == leaderEpoch) {
            return ErrorCode.NONE;
        }
        return currentLeaderEpoch < leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH;
    }
}
