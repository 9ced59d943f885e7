package dev.wharf.server.group;

import dev.wharf.server.ErrorCode;

/**
 * Static members of a streams group ({@code group.instance.id}, KIP-345 as KIP-1071 keeps it): a
 * member leaving with epoch -2 stays in the group with its tasks, and a member joining later with
 * the same instance id (and a new member id) takes its place, its tasks and its epoch, with no new
 * assignment; while the old member has not left, the instance id is UNRELEASED_INSTANCE_ID. A
 * static member that does not come back within the session timeout is removed like any other.
 *
 * <p>Threads: called holding the group's monitor. Stateless.
 */
final class StreamsStaticMembers {
    /** The member epoch of a static member that left for now. */
    static final int LEFT_FOR_NOW = -2;

    private StreamsStaticMembers() {}

    /** The member holding this instance id, or null. */
    static StreamsMember holder(StreamsGroup g, String instanceId) {
        if (instanceId == null) {
            return null;
        }
        for (StreamsMember m : g.members.values()) {
            if (instanceId.equals(m.instanceId)) {
                return m;
            }
        }
        return null;
    }

    /** The member leaves for now: it keeps its tasks, its epoch remembered for whoever takes its place. */
    static void leaveForNow(StreamsGroup g, StreamsMember m) {
        if (m.memberEpoch != LEFT_FOR_NOW) {
            m.previousMemberEpoch = m.memberEpoch;
            m.memberEpoch = LEFT_FOR_NOW;
            g.dirtyMembers.add(m.memberId);
        }
    }

    /**
     * A new member id joining with the instance id of {@code old}: NONE and {@code replacement}
     * in place of {@code old} (same tasks, target and epoch), or UNRELEASED_INSTANCE_ID while
     * {@code old} has not left.
     */
    static ErrorCode replace(StreamsGroup g, StreamsMember old, StreamsMember replacement) {
        if (old.memberEpoch != LEFT_FOR_NOW) {
            return ErrorCode.UNRELEASED_INSTANCE_ID;
        }
        replacement.instanceId = old.instanceId;
        replacement.rackId = old.rackId;
        replacement.processId = old.processId;
        replacement.userEndpoint = old.userEndpoint;
        replacement.clientTags = old.clientTags;
        replacement.topologyEpoch = old.topologyEpoch;
        replacement.rebalanceTimeoutMs = old.rebalanceTimeoutMs;
        replacement.memberEpoch = old.previousMemberEpoch;
        replacement.previousMemberEpoch = old.previousMemberEpoch;
        replacement.state = old.state;
        replacement.assigned = old.assigned;
        replacement.pendingRevocation = old.pendingRevocation;
        replacement.revocationDeadlineMs = old.revocationDeadlineMs;
        StreamsTasks target = g.targetAssignment.get(old.memberId);
        g.removeMember(old.memberId);
        g.members.put(replacement.memberId, replacement);
        if (target != null) {
            g.targetAssignment.put(replacement.memberId, target);
        }
        g.dirtyMembers.add(replacement.memberId);
        return ErrorCode.NONE;
    }
}
