package dev.wharf.server.replica;

import dev.wharf.logstore.PartitionLog;
import dev.wharf.server.ErrorCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A partition's replicas as its leader sees them: how far each follower got, which are in sync,
 * and the high watermark they allow. The leader learns each follower's log end from its fetches and
 * when it was last caught up, Kafka's way: a fetch from at least the leader's log end catches it up
 * now; a fetch from at least the log end the leader had at its previous fetch catches it up as of
 * that previous fetch. A follower caught up to the high watermark (and to the start of the leader's
 * epoch) is proposed for the ISR; one not caught up for {@code replica.lag.time.max.ms} is proposed
 * out. ISR changes are written to ZooKeeper first, by the {@link IsrChanger}, conditional on the
 * partition epoch, one at a time; until one is written the high watermark counts both ISRs, so it
 * never passes a replica that may be in sync. The high watermark is the smallest log end in the
 * ISR; acks=all writes wait for it to pass them ({@link ReplicationWait}).
 *
 * <p>The ISR itself is part of the partition's role, which the {@link Partition} changes. Threads:
 * follower fetches update their own replica (under its monitor) on event loops; the set of replicas
 * is replaced whole (volatile) when leadership starts or ends, on {@code wharf-zk-events} under the
 * write side of the partition's role lock; ISR checks and written ISR changes arrive on the I/O
 * pool; the pending ISR change is guarded by this object's monitor. The high watermark moves on any
 * of these threads and on those that append (the log keeps it monotonic).
 */
final class ReplicaSet {
    /** One follower as the leader sees it. */
    private static final class Replica {
        private long logEndOffset = -1;
        private long lastCaughtUpMs;
        private long lastFetchLeaderLogEndOffset = -1;
        private long lastFetchMs;

        Replica(long nowMs) {
            this.lastCaughtUpMs = nowMs; // a new leader gives every follower a full lag period
        }

        synchronized void fetched(long fetchOffset, long leaderLogEndOffset, long nowMs) {
            if (fetchOffset >= leaderLogEndOffset) {
                lastCaughtUpMs = Math.max(lastCaughtUpMs, nowMs);
            } else if (fetchOffset >= lastFetchLeaderLogEndOffset && lastFetchLeaderLogEndOffset >= 0) {
                lastCaughtUpMs = Math.max(lastCaughtUpMs, lastFetchMs);
            }
            logEndOffset = fetchOffset;
            lastFetchLeaderLogEndOffset = leaderLogEndOffset;
            lastFetchMs = nowMs;
        }

        /** The follower's log end as of its last fetch; -1 before its first fetch from this leader. */
        synchronized long logEndOffset() {
            return logEndOffset;
        }

        synchronized boolean laggingAt(long nowMs, long maxLagMs) {
            return nowMs - lastCaughtUpMs > maxLagMs;
        }
    }

    private final Partition partition;
    private final int localBrokerId;
    private final PartitionWaiters waiters;
    private final IsrChanger isrChanger;
    private volatile Map<Integer, Replica> replicas = Map.of();
    /** The ISR being written to ZooKeeper, or null. Guarded by this. */
    private List<Integer> pendingIsr;

    ReplicaSet(Partition partition, int localBrokerId, PartitionWaiters waiters, IsrChanger isrChanger) {
        this.partition = partition;
        this.localBrokerId = localBrokerId;
        this.waiters = waiters;
        this.isrChanger = isrChanger;
    }

    /** Leadership starts: every other replica is tracked afresh, and no ISR change is pending. */
    void reset(List<Integer> allReplicas, long nowMs) {
        endIsrChange();
        Map<Integer, Replica> fresh = new HashMap<>();
        for (int id : allReplicas) {
            if (id != localBrokerId) {
                fresh.put(id, new Replica(nowMs));
            }
        }
        replicas = Map.copyOf(fresh);
    }

    void clear() {
        replicas = Map.of();
        endIsrChange();
    }

    /**
     * A follower fetched from {@code fetchOffset}, its log end: records it, lets it join the ISR
     * once caught up, and moves the high watermark. False when the broker is not a replica of
     * this partition led here.
     */
    boolean followerFetched(int replicaId, long fetchOffset, long nowMs) {
        ReplicaRole r = partition.role();
        Replica follower = r.isLeader() ? replicas.get(replicaId) : null;
        if (follower == null) {
            return false;
        }
        follower.fetched(fetchOffset, log().logEndOffset(), nowMs);
        if (!r.isr().contains(replicaId) && fetchOffset >= log().highWatermark()
                && fetchOffset >= r.leaderEpochStartOffset()) {
            List<Integer> grown = new ArrayList<>(r.isr());
            grown.add(replicaId);
            proposeIsr(r, grown);
        }
        maybeIncrementHighWatermark();
        return true;
    }

    /** Proposes to drop the followers that lagged for longer than {@code maxLagMs} (run on a schedule). */
    void maybeShrinkIsr(long nowMs, long maxLagMs) {
        ReplicaRole r = partition.role();
        if (!r.isLeader()) {
            return;
        }
        List<Integer> lagging = lagging(r.isr(), nowMs, maxLagMs);
        if (!lagging.isEmpty()) {
            List<Integer> shrunk = new ArrayList<>(r.isr());
            shrunk.removeAll(lagging);
            proposeIsr(r, shrunk);
        }
    }

    /** The members of {@code isr}, other than the leader, that have lagged too long. */
    private List<Integer> lagging(List<Integer> isr, long nowMs, long maxLagMs) {
        List<Integer> out = new ArrayList<>();
        for (int id : isr) {
            Replica r = replicas.get(id);
            if (r != null && r.laggingAt(nowMs, maxLagMs)) {
                out.add(id);
            }
        }
        return out;
    }

    private void proposeIsr(ReplicaRole r, List<Integer> isr) {
        // one change at a time, and only on the state it was based on
        if (partition.role() == r && beginIsrChange(isr)) {
            isrChanger.alterIsr(partition, r.leaderEpoch(), r.partitionEpoch(), isr);
        }
    }

    /** Starts writing an ISR change unless one is being written; true if this call started it. */
    private synchronized boolean beginIsrChange(List<Integer> isr) {
        if (pendingIsr != null) {
            return false;
        }
        pendingIsr = List.copyOf(isr);
        return true;
    }

    /** The ISR change being written is over, written or not (the partition took the new ISR if it was). */
    synchronized void endIsrChange() {
        pendingIsr = null;
    }

    /** The ISR or the leadership changed: the high watermark may move, and acks=all writes may be answered. */
    void isrChanged() {
        maybeIncrementHighWatermark();
        waiters.replication().checkAndComplete(partition.topicPartition());
    }

    /**
     * Moves the high watermark to the smallest log end among the in-sync replicas (the committed
     * ISR and a pending change together), then wakes the fetches and acks=all writes waiting on it.
     * A follower whose log end is not known yet (none of its fetches reached this leader) holds it.
     */
    void maybeIncrementHighWatermark() {
        ReplicaRole r = partition.role();
        if (!r.isLeader()) {
            return;
        }
        long hw = highWatermarkBound(r.isr(), log().logEndOffset());
        if (hw < 0) {
            return;
        }
        long before = log().highWatermark();
        log().updateHighWatermark(hw);
        if (log().highWatermark() > before) {
            waiters.fetches().checkAndComplete(partition.topicPartition());
            waiters.replication().checkAndComplete(partition.topicPartition());
        }
    }

    /**
     * How far the high watermark may go: {@code leaderLogEnd}, or less, the smallest log end of
     * the followers in {@code isr} and in the change being written; -1 while one of them has not
     * fetched from this leader yet.
     */
    private long highWatermarkBound(List<Integer> isr, long leaderLogEnd) {
        List<Integer> pending;
        synchronized (this) {
            pending = pendingIsr;
        }
        long bound = leaderLogEnd;
        for (List<Integer> members : pending == null ? List.of(isr) : List.of(isr, pending)) {
            for (int id : members) {
                if (id == localBrokerId) {
                    continue;
                }
                Replica r = replicas.get(id);
                long end = r == null ? -1 : r.logEndOffset();
                if (end < 0) {
                    return -1;
                }
                bound = Math.min(bound, end);
            }
        }
        return bound;
    }

    /**
     * Completes with NONE once every in-sync replica has the records up to {@code lastOffset}
     * appended in {@code leaderEpoch}, or with the error that ended the wait (see {@link ReplicationWait}).
     */
    CompletableFuture<ErrorCode> whenReplicated(long lastOffset, int leaderEpoch, long timeoutMs) {
        ErrorCode now = replicationStatus(lastOffset + 1, leaderEpoch);
        if (now != null) {
            return CompletableFuture.completedFuture(now); // the usual case with one replica: no wait to set up
        }
        CompletableFuture<ErrorCode> result = new CompletableFuture<>();
        waiters.replication().tryCompleteElseWatch(new ReplicationWait(this, lastOffset + 1, leaderEpoch, timeoutMs, result),
                List.of(partition.topicPartition()));
        return result;
    }

    /** How an acks=all wait for {@code requiredOffset} stands: null while it must go on waiting. */
    ErrorCode replicationStatus(long requiredOffset, int appendedInEpoch) {
        ReplicaRole r = partition.role();
        if (!r.isLeader() || r.leaderEpoch() != appendedInEpoch) {
            return ErrorCode.NOT_LEADER_OR_FOLLOWER;
        }
        if (log().highWatermark() < requiredOffset) {
            return null;
        }
        return r.isr().size() >= partition.produceConfig().minInsyncReplicas() ? ErrorCode.NONE
                : ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND;
    }

    /** The partition's log as it is now (a move between log dirs replaces it). */
    private PartitionLog log() {
        return partition.log();
    }
}
