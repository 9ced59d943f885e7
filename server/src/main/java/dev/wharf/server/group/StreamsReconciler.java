package dev.wharf.server.group;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Moves one member of a streams group towards its target assignment, as KIP-848 and KIP-1071 do
 * it: tasks it must give up are revoked first, and it stays at its epoch until it reports them
 * released; only then does it move to the target epoch and get its new tasks, each new active
 * task only once no other member owns it or is still giving it up (a task runs in one place at a
 * time), and no task where its process already holds it in another role.
 *
 * <p>Threads: called holding the group's monitor. Stateless.
 */
final class StreamsReconciler {
    private StreamsReconciler() {}

    /**
     * Reconciles {@code m}; {@code owned} is what the member reported owning in this heartbeat, null
     * when it did not say. Returns whether the member changed.
     */
    static boolean reconcile(StreamsGroup g, StreamsMember m, StreamsTasks owned, long nowMs) {
        switch (m.state) {
            case STABLE -> {
                if (m.memberEpoch == g.targetAssignmentEpoch) {
                    return false;
                }
            }
            case UNREVOKED_TASKS -> {
                if (owned == null || owned.containsAny(m.pendingRevocation)) {
                    return false;
                }
            }
            case UNRELEASED_TASKS -> {
                // looks again for tasks released since
            }
        }
        return next(g, m, owned, nowMs);
    }

    private static boolean next(StreamsGroup g, StreamsMember m, StreamsTasks owned, long nowMs) {
        StreamsTasks target = g.targetAssignment.getOrDefault(m.memberId, StreamsTasks.EMPTY);
        StreamsTasks current = m.assigned;
        Diff active = diff(current.active(), target.active(), (s, p) ->
                g.activeOwnerProcess(s, p, m.memberId) != null || g.standbyProcesses(s, p, m.memberId).contains(m.processId));
        Unreleased otherRole = (s, p) -> m.processId != null && (m.processId.equals(g.activeOwnerProcess(s, p, m.memberId))
                || g.standbyProcesses(s, p, m.memberId).contains(m.processId));
        Diff standby = diff(current.standby(), target.standby(), otherRole);
        Diff warmup = diff(current.warmup(), target.warmup(), otherRole);

        StreamsTasks kept = new StreamsTasks(active.kept, standby.kept, warmup.kept);
        StreamsTasks revoke = new StreamsTasks(active.revoke, standby.revoke, warmup.revoke);
        StreamsTasks add = new StreamsTasks(active.add, standby.add, warmup.add);
        boolean unreleased = active.unreleased || standby.unreleased || warmup.unreleased;

        StreamsMember.State state;
        int epoch;
        StreamsTasks assigned;
        StreamsTasks pending = StreamsTasks.EMPTY;
        if (!revoke.isEmpty() && (owned == null || owned.containsAny(revoke))) {
            state = StreamsMember.State.UNREVOKED_TASKS;
            epoch = m.memberEpoch;
            assigned = kept;
            pending = revoke;
        } else {
            state = unreleased ? StreamsMember.State.UNRELEASED_TASKS : StreamsMember.State.STABLE;
            epoch = g.targetAssignmentEpoch;
            assigned = kept.plus(add);
        }
        boolean changed = state != m.state || epoch != m.memberEpoch || !assigned.equals(m.assigned)
                || !pending.equals(m.pendingRevocation);
        if (state == StreamsMember.State.UNREVOKED_TASKS && m.state != StreamsMember.State.UNREVOKED_TASKS) {
            m.revocationDeadlineMs = nowMs + Math.max(0, m.rebalanceTimeoutMs);
        } else if (state != StreamsMember.State.UNREVOKED_TASKS) {
            m.revocationDeadlineMs = 0;
        }
        if (epoch != m.memberEpoch) {
            m.previousMemberEpoch = m.memberEpoch;
        }
        m.state = state;
        m.memberEpoch = epoch;
        m.assigned = assigned;
        m.pendingRevocation = pending;
        return changed;
    }

    /** Whether a task is still held where this member may not take it yet. */
    private interface Unreleased {
        boolean test(String subtopology, int partition);
    }

    private record Diff(Map<String, Set<Integer>> kept, Map<String, Set<Integer>> revoke, Map<String, Set<Integer>> add,
            boolean unreleased) {}

    private static Diff diff(Map<String, Set<Integer>> current, Map<String, Set<Integer>> target, Unreleased held) {
        Map<String, Set<Integer>> kept = new TreeMap<>();
        Map<String, Set<Integer>> revoke = new TreeMap<>();
        Map<String, Set<Integer>> add = new TreeMap<>();
        boolean unreleased = false;
        Set<String> subtopologies = new HashSet<>(current.keySet());
        subtopologies.addAll(target.keySet());
        for (String s : subtopologies) {
            Set<Integer> now = current.getOrDefault(s, Set.of());
            Set<Integer> want = target.getOrDefault(s, Set.of());
            for (int p : now) {
                (want.contains(p) ? kept : revoke).computeIfAbsent(s, k -> new TreeSet<>()).add(p);
            }
            for (int p : want) {
                if (now.contains(p)) {
                    continue;
                }
                if (held.test(s, p)) {
                    unreleased = true;
                } else {
                    add.computeIfAbsent(s, k -> new TreeSet<>()).add(p);
                }
            }
        }
        return new Diff(kept, revoke, add, unreleased);
    }
}
