package dev.wharf.server.group;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;

/**
 * Moves one member of a consumer group towards its target assignment without stopping the
 * world (KIP-848): partitions leave a member first (it keeps its epoch until its heartbeat shows
 * them gone), and reach their new member only once no other member owns or is revoking them.
 * Pure: the caller holds the group's monitor and persists what changed.
 */
final class ConsumerReconciliation {
    private ConsumerReconciliation() {}

    /**
     * @param owned the partitions the member's heartbeat says it owns; null when not sent (unchanged)
     * @param heldByOther whether another member of the group owns or is revoking a partition
     */
    static void reconcile(ConsumerMember m, int targetEpoch, Map<String, Set<Integer>> target,
            Map<String, Set<Integer>> owned, BiPredicate<String, Integer> heldByOther) {
        if (m.state == ConsumerMember.State.UNREVOKED_PARTITIONS) {
            if (owned == null || TopicPartitions.overlap(owned, m.revoking)) {
                return; // still revoking
            }
            m.revoking = TopicPartitions.NONE;
            m.revocationDeadlineMs = 0;
            m.state = ConsumerMember.State.STABLE;
        }
        if (m.state == ConsumerMember.State.STABLE && m.memberEpoch == targetEpoch) {
            return;
        }
        Map<String, Set<Integer>> keep = TopicPartitions.intersect(m.assigned, target);
        Map<String, Set<Integer>> revoke = TopicPartitions.minus(m.assigned, target);
        if (!revoke.isEmpty()) {
            m.assigned = keep;
            m.revoking = revoke;
            m.state = ConsumerMember.State.UNREVOKED_PARTITIONS;
            return;
        }
        Map<String, Set<Integer>> free = new TreeMap<>();
        boolean unreleased = false;
        for (Map.Entry<String, Set<Integer>> e : TopicPartitions.minus(target, m.assigned).entrySet()) {
            for (int p : e.getValue()) {
                if (heldByOther.test(e.getKey(), p)) {
                    unreleased = true;
                } else {
                    free.computeIfAbsent(e.getKey(), t -> new TreeSet<>()).add(p);
                }
            }
        }
        m.assigned = TopicPartitions.union(keep, free);
        if (m.memberEpoch != targetEpoch) {
            m.previousMemberEpoch = m.memberEpoch;
            m.memberEpoch = targetEpoch;
        }
        m.state = unreleased ? ConsumerMember.State.UNRELEASED_PARTITIONS : ConsumerMember.State.STABLE;
    }
}
