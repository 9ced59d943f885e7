package dev.wharf.server.replica;

import dev.wharf.logstore.AppendResult;
import dev.wharf.logstore.PartitionLog;
import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * What a follower writes to its log: the batches its fetcher copied from the leader, offsets and
 * epochs as they are; truncations where its log diverged from the leader's (or where the leader's
 * log starts after it); and the leader's high watermark, as far as its own log reaches. Each write
 * happens only while the replica still follows in the leader epoch the fetch was made in; a stale
 * fetch's answer is dropped.
 *
 * <p>No state of its own. Threads: the partition's fetcher thread ({@code
 * wharf-replica-fetcher-<leader>}); appends and truncations hold the read side of the partition's
 * role lock ({@link Partition#underRole}), so none lands in a role that has ended.
 */
final class FollowerWrites {
    private final Partition partition;
    private final PartitionWaiters waiters;

    FollowerWrites(Partition partition, PartitionWaiters waiters) {
        this.partition = partition;
        this.waiters = waiters;
    }

    /**
     * Runs {@code step} on the log if this replica still follows in {@code leaderEpoch}; null when
     * it does not (the fetch that asked for it is stale, and dropped).
     */
    private <T> T asFollowerIn(int leaderEpoch, Partition.RoleStep<T> step) throws IOException {
        return partition.underRole((r, l) -> r.isLeader() || r.leaderEpoch() != leaderEpoch ? null : step.apply(r, l));
    }

    /** Appends batches copied from the leader of {@code leaderEpoch}, as they are; null when no longer following in it. */
    AppendResult append(ByteBuf records, int leaderEpoch) throws IOException {
        return asFollowerIn(leaderEpoch, (r, l) -> l.appendAsFollower(records));
    }

    /**
     * Drops the log from {@code offset} on (it diverged from the leader's), unless this replica
     * no longer follows in {@code leaderEpoch}. Returns whether it truncated.
     */
    boolean truncate(long offset, int leaderEpoch) throws IOException {
        return asFollowerIn(leaderEpoch, (r, l) -> {
            if (offset < l.logEndOffset()) {
                l.truncateTo(offset);
                partition.storage().truncated(partition);
            }
            return true;
        }) != null;
    }

    /** The leader's log starts after this whole log: start again, empty, at {@code offset}. */
    boolean restartAt(long offset, int leaderEpoch) throws IOException {
        return asFollowerIn(leaderEpoch, (r, l) -> {
            l.truncateFullyAndStartAt(offset);
            partition.storage().truncated(partition);
            return true;
        }) != null;
    }

    /** The leader's high watermark, as far as this follower's log reaches. */
    void followLeaderHighWatermark(long leaderHighWatermark) {
        long before = log().highWatermark();
        log().updateHighWatermark(Math.min(leaderHighWatermark, log().logEndOffset()));
        if (log().highWatermark() > before) {
            waiters.fetches().checkAndComplete(partition.topicPartition()); // consumers reading from this follower (KIP-392)
        }
    }

    /** The partition's log as it is now (a move between log dirs replaces it). */
    private PartitionLog log() {
        return partition.log();
    }
}
