package dev.wharf.server.replica;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a leader knows of its followers: each one's log end offset, as its last fetch said, and
 * when it was last caught up, Kafka's way: a fetch from at least the leader's log end catches it up
 * now; a fetch from at least the log end the leader had at its previous fetch catches it up as of
 * that previous fetch. A follower not caught up for {@code replica.lag.time.max.ms} is out of sync.
 *
 * <p>It also holds the ISR change the leader is writing, if any: one at a time, and until it is
 * written the high watermark counts both ISRs ({@link #highWatermarkBound}).
 *
 * <p>Threads: follower fetches update their own replica (under its monitor) on event loops; the
 * set of replicas is replaced whole (volatile) when leadership starts or ends; the pending ISR
 * change is guarded by this object's monitor.
 */
final class FollowerReplicas {
    /** One follower as the leader sees it. */
    static final class Replica {
        private final int id;
        private long logEndOffset = -1;
        private long lastCaughtUpMs;
        private long lastFetchLeaderLogEndOffset = -1;
        private long lastFetchMs;

        Replica(int id, long nowMs) {
            this.id = id;
            this.lastCaughtUpMs = nowMs; // a new leader gives every follower a full lag period
        }

        int id() {
            return id;
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

    private volatile Map<Integer, Replica> replicas = Map.of();
    /** The ISR being written to ZooKeeper, or null. Guarded by this. */
    private List<Integer> pendingIsr;

    /** Leadership starts: every other replica is tracked afresh, and no ISR change is pending. */
    void reset(List<Integer> allReplicas, int self, long nowMs) {
        endIsrChange();
        Map<Integer, Replica> fresh = new HashMap<>();
        for (int id : allReplicas) {
            if (id != self) {
                fresh.put(id, new Replica(id, nowMs));
            }
        }
        replicas = Map.copyOf(fresh);
    }

    void clear() {
        replicas = Map.of();
        endIsrChange();
    }

    /** Starts writing an ISR change unless one is being written; true if this call started it. */
    synchronized boolean beginIsrChange(List<Integer> isr) {
        if (pendingIsr != null) {
            return false;
        }
        pendingIsr = List.copyOf(isr);
        return true;
    }

    synchronized void endIsrChange() {
        pendingIsr = null;
    }

    /**
     * How far the high watermark may go: {@code leaderLogEnd}, or less, the smallest log end of
     * the followers in {@code isr} and in the change being written; -1 while one of them has not
     * fetched from this leader yet.
     */
    long highWatermarkBound(List<Integer> isr, int self, long leaderLogEnd) {
        List<Integer> pending;
        synchronized (this) {
            pending = pendingIsr;
        }
        long bound = leaderLogEnd;
        for (List<Integer> members : pending == null ? List.of(isr) : List.of(isr, pending)) {
            for (int id : members) {
                if (id == self) {
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

    /** The follower, or null when it is not a replica of this partition. */
    Replica get(int id) {
        return replicas.get(id);
    }

    /** The members of {@code isr}, other than the leader, that have lagged too long. */
    List<Integer> lagging(List<Integer> isr, long nowMs, long maxLagMs) {
        List<Integer> out = new ArrayList<>();
        for (int id : isr) {
            Replica r = replicas.get(id);
            if (r != null && r.laggingAt(nowMs, maxLagMs)) {
                out.add(id);
            }
        }
        return out;
    }
}
