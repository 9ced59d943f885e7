package dev.wharf.server.share;

import dev.wharf.server.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One share-partition (a share group's view of one topic partition, KIP-932) on the partition's
 * leader: the share-partition start offset (SPSO: every record before it is done with), the end
 * offset (SPEO: the next offset never acquired) and, for every in-flight offset between them, its
 * state and delivery count. Records move AVAILABLE → ACQUIRED (a member holds them under a lock
 * until a deadline) → ACKNOWLEDGED (accepted) or ARCHIVED (rejected, a gap, or past the delivery
 * limit), or back to AVAILABLE (released, or the lock expired). Pure state: no I/O, no clock of
 * its own (callers pass {@code nowMs}), no log reads; {@link ShareFetcher} decides which offsets
 * the log holds.
 *
 * <p>Threads: any thread, always holding this object's monitor; every public method is
 * {@code synchronized}.
 */
final class SharePartition {
    /** Record states, numbered as Kafka's share-group state records number them. */
    enum State {
        AVAILABLE((byte) 0), ACQUIRED((byte) 1), ACKNOWLEDGED((byte) 2), ARCHIVED((byte) 4);

        final byte code;

        State(byte code) {
            this.code = code;
        }

        static State of(byte code) {
            for (State s : values()) {
                if (s.code == code) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown delivery state " + code);
        }
    }

    /** Acknowledgement types as ShareFetch and ShareAcknowledge send them. */
    static final byte GAP = 0;
    static final byte ACCEPT = 1;
    static final byte RELEASE = 2;
    static final byte REJECT = 3;
    static final byte RENEW = 4;

    /** A run of offsets acquired together with the same delivery count (AcquiredRecords). */
    record Acquired(long first, long last, int deliveryCount) {}

    /** A run of offsets in one state with one delivery count, as persisted. */
    record StateBatch(long first, long last, State state, int deliveryCount) {}

    /** What is persisted of a share-partition: enough to rebuild it on another leader. */
    record Snapshot(long startOffset, List<StateBatch> batches) {}

    private static final class InFlight {
        State state = State.AVAILABLE;
        int deliveryCount;
        String member;
        long deadlineMs;
    }

    private long startOffset;
    /**
     * The start offset the next snapshot carries: the one of the snapshot before. As in Kafka, a
     * write of the state carries the start offset from before the change it persists, with that
     * change's done-with records as batches; so the stored start offset trails by one write (Admin's
     * share-group offsets show it), while the lag already counts those records as done.
     */
    private long snapshotStart;
    private long endOffset;
    private final TreeMap<Long, InFlight> inFlight = new TreeMap<>();

    SharePartition(long startOffset) {
        this.startOffset = startOffset;
        this.snapshotStart = startOffset;
        this.endOffset = startOffset;
    }

    /** Rebuilds a share-partition from what was persisted (ACQUIRED records come back AVAILABLE). */
    static SharePartition restore(Snapshot s) {
        SharePartition p = new SharePartition(s.startOffset());
        for (StateBatch b : s.batches()) {
            for (long o = Math.max(b.first(), s.startOffset()); o <= b.last(); o++) {
                InFlight r = new InFlight();
                r.state = b.state() == State.ACQUIRED ? State.AVAILABLE : b.state();
                r.deliveryCount = b.deliveryCount();
                p.inFlight.put(o, r);
                p.endOffset = Math.max(p.endOffset, o + 1);
            }
        }
        // offsets between the start and the highest persisted one that were never written: available
        for (long o = p.startOffset; o < p.endOffset; o++) {
            p.inFlight.computeIfAbsent(o, k -> new InFlight());
        }
        p.advanceStart();
        p.snapshotStart = p.startOffset;
        return p;
    }

    synchronized long startOffset() {
        return startOffset;
    }

    synchronized long endOffset() {
        return endOffset;
    }

    synchronized int inFlightCount() {
        return inFlight.size();
    }

    /** The log lost its early records (retention, DeleteRecords): nothing before {@code logStart} can be delivered. */
    synchronized void logStartMoved(long logStart) {
        if (logStart <= startOffset) {
            return;
        }
        inFlight.headMap(logStart).clear();
        startOffset = logStart;
        snapshotStart = Math.max(snapshotStart, logStart); // records the log lost were not done with
        endOffset = Math.max(endOffset, logStart);
        advanceStart();
    }

    /**
     * Acquires available in-flight records for {@code member} (released or expired earlier),
     * oldest first, at most {@code max}; each one's delivery count goes up.
     */
    synchronized List<Acquired> acquireAvailable(String member, int max, long deadlineMs) {
        List<Acquired> out = new ArrayList<>();
        int taken = 0;
        for (Map.Entry<Long, InFlight> e : inFlight.entrySet()) {
            if (taken >= max) {
                break;
            }
            InFlight r = e.getValue();
            if (r.state == State.AVAILABLE) {
                acquire(r, member, deadlineMs);
                add(out, e.getKey(), r.deliveryCount);
                taken++;
            }
        }
        return out;
    }

    /** Whether some member holds records. */
    synchronized boolean hasAcquired() {
        for (InFlight r : inFlight.values()) {
            if (r.state == State.ACQUIRED) {
                return true;
            }
        }
        return false;
    }

    /** Whether some in-flight record is available to acquire again. */
    synchronized boolean hasAvailable() {
        for (InFlight r : inFlight.values()) {
            if (r.state == State.AVAILABLE) {
                return true;
            }
        }
        return false;
    }

    /**
     * Acquires the not yet acquired offsets {@code from}..{@code last} that the log holds
     * (offsets below the end offset were acquired before and are skipped); returns the run taken.
     */
    synchronized List<Acquired> acquireNew(long from, long last, String member, long deadlineMs) {
        List<Acquired> out = new ArrayList<>();
        long first = Math.max(from, endOffset);
        // offsets between the end and this batch hold no record (compacted away, or an aborted batch's gap)
        for (long o = endOffset; o < first; o++) {
            InFlight gap = new InFlight();
            gap.state = State.ARCHIVED;
            inFlight.put(o, gap);
        }
        for (long o = first; o <= last; o++) {
            InFlight r = new InFlight();
            acquire(r, member, deadlineMs);
            inFlight.put(o, r);
            add(out, o, r.deliveryCount);
        }
        endOffset = Math.max(endOffset, last + 1);
        advanceStart();
        return out;
    }

    /** Offsets the log holds but no member can get (a control batch): done with, never delivered. */
    synchronized void skip(long from, long last) {
        for (long o = Math.max(from, endOffset); o <= last; o++) {
            InFlight r = new InFlight();
            r.state = State.ARCHIVED;
            inFlight.put(o, r);
        }
        endOffset = Math.max(endOffset, last + 1);
        advanceStart();
    }

    /**
     * Applies one acknowledgement batch from {@code member}: {@code types} holds one type for the
     * whole range or one per offset. Every offset must be acquired by that member, or nothing
     * changes and the answer is INVALID_RECORD_STATE.
     */
    synchronized ErrorCode acknowledge(String member, long first, long last, byte[] types, long nowMs, long lockMs,
            int deliveryLimit) {
        if (first > last || first < 0 || (types.length != 1 && types.length != last - first + 1)) {
            return ErrorCode.INVALID_REQUEST;
        }
        for (byte t : types) {
            if (t < GAP || t > RENEW) {
                return ErrorCode.INVALID_REQUEST;
            }
        }
        for (long o = first; o <= last; o++) {
            InFlight r = inFlight.get(o);
            if (r == null || r.state != State.ACQUIRED || !member.equals(r.member)) {
                return ErrorCode.INVALID_RECORD_STATE;
            }
        }
        for (long o = first; o <= last; o++) {
            InFlight r = inFlight.get(o);
            byte type = types.length == 1 ? types[0] : types[(int) (o - first)];
            switch (type) {
                case ACCEPT -> finish(r, State.ACKNOWLEDGED);
                case GAP, REJECT -> finish(r, State.ARCHIVED);
                case RELEASE -> release(r, deliveryLimit);
                case RENEW -> r.deadlineMs = nowMs + lockMs;
                default -> throw new IllegalStateException("checked above");
            }
        }
        advanceStart();
        return ErrorCode.NONE;
    }

    /** Records whose lock ran out by {@code nowMs} go back (or, at the delivery limit, are archived); returns how many. */
    synchronized int expireLocks(long nowMs, int deliveryLimit) {
        int n = 0;
        for (InFlight r : inFlight.values()) {
            if (r.state == State.ACQUIRED && r.deadlineMs <= nowMs) {
                release(r, deliveryLimit);
                n++;
            }
        }
        if (n > 0) {
                advanceStart();
        }
        return n;
    }

    /** The member went (its share session closed): whatever it still holds goes back; returns how many. */
    synchronized int releaseMember(String member, int deliveryLimit) {
        int n = 0;
        for (InFlight r : inFlight.values()) {
            if (r.state == State.ACQUIRED && member.equals(r.member)) {
                release(r, deliveryLimit);
                n++;
            }
        }
        if (n > 0) {
                advanceStart();
        }
        return n;
    }

    /** The earliest lock deadline among acquired records; Long.MAX_VALUE when none. */
    synchronized long nextDeadline() {
        long min = Long.MAX_VALUE;
        for (InFlight r : inFlight.values()) {
            if (r.state == State.ACQUIRED) {
                min = Math.min(min, r.deadlineMs);
            }
        }
        return min;
    }

    /**
     * The state to persist: the previous snapshot's start offset, the records done with since then
     * (one acknowledged run) and every in-flight run (acquired ones as available).
     */
    synchronized Snapshot snapshot() {
        List<StateBatch> out = new ArrayList<>();
        long from = Math.min(snapshotStart, startOffset);
        if (from < startOffset) {
            out.add(new StateBatch(from, startOffset - 1, State.ACKNOWLEDGED, 1));
        }
        snapshotStart = startOffset;
        StateBatch run = null;
        for (Map.Entry<Long, InFlight> e : inFlight.entrySet()) {
            long o = e.getKey();
            InFlight r = e.getValue();
            State s = r.state == State.ACQUIRED ? State.AVAILABLE : r.state;
            if (run != null && run.last() == o - 1 && run.state() == s && run.deliveryCount() == r.deliveryCount) {
                run = new StateBatch(run.first(), o, s, r.deliveryCount);
            } else {
                if (run != null) {
                    out.add(run);
                }
                run = new StateBatch(o, o, s, r.deliveryCount);
            }
        }
        if (run != null) {
            out.add(run);
        }
        return new Snapshot(from, out);
    }

    private static void acquire(InFlight r, String member, long deadlineMs) {
        r.state = State.ACQUIRED;
        r.member = member;
        r.deadlineMs = deadlineMs;
        r.deliveryCount++;
    }

    private static void release(InFlight r, int deliveryLimit) {
        finish(r, r.deliveryCount >= deliveryLimit ? State.ARCHIVED : State.AVAILABLE);
    }

    private static void finish(InFlight r, State state) {
        r.state = state;
        r.member = null;
        r.deadlineMs = 0;
    }

    private static void add(List<Acquired> out, long offset, int deliveryCount) {
        if (!out.isEmpty()) {
            Acquired lastRun = out.get(out.size() - 1);
            if (lastRun.last() == offset - 1 && lastRun.deliveryCount() == deliveryCount) {
                out.set(out.size() - 1, new Acquired(lastRun.first(), offset, deliveryCount));
                return;
            }
        }
        out.add(new Acquired(offset, offset, deliveryCount));
    }

    /** Drops the done-with records at the front: the start offset moves past them. */
    private void advanceStart() {
        while (!inFlight.isEmpty()) {
            Map.Entry<Long, InFlight> first = inFlight.firstEntry();
            State s = first.getValue().state;
            if (s != State.ACKNOWLEDGED && s != State.ARCHIVED) {
                break;
            }
            inFlight.pollFirstEntry();
            startOffset = first.getKey() + 1;
        }
        if (inFlight.isEmpty()) {
            startOffset = endOffset;
        }
    }
}
