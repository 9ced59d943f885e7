package dev.wharf.server.group;

import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import io.netty.util.Timeout;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A consumer group of the classic protocol: its members, generation, chosen protocol and
 * committed offsets. Every field is guarded by the group's own lock (synchronized on it).
 */
final class ClassicGroup {
    final String groupId;
    GroupState state = GroupState.EMPTY;
    long stateTimestampMs;
    int generation;
    String protocolType;
    String protocolName;
    String leaderId;
    final Map<String, GroupMember> members = new LinkedHashMap<>();
    /** Member ids handed out with MEMBER_ID_REQUIRED, not yet used to join. */
    final Set<String> pendingMembers = new HashSet<>();
    /** group.instance.id → the member id that currently holds it. */
    final Map<String, String> staticMembers = new HashMap<>();
    final Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();

    /** The timer of the current rebalance phase (join or sync), and whether it is the first-join delay. */
    Timeout phaseTimer;
    boolean initialDelay;
    boolean newMemberDuringDelay;
    long rebalanceDeadlineMs;

    ClassicGroup(String groupId, long nowMs) {
        this.groupId = groupId;
        this.stateTimestampMs = nowMs;
    }

    void transition(GroupState next, long nowMs) {
        state = next;
        stateTimestampMs = nowMs;
    }

    boolean is(GroupState s) {
        return state == s;
    }

    /** The protocols every member supports. */
    Set<String> candidateProtocols() {
        Set<String> common = null;
        for (GroupMember m : members.values()) {
            if (common == null) {
                common = new HashSet<>(m.protocols.keySet());
            } else {
                common.retainAll(m.protocols.keySet());
            }
        }
        return common == null ? Set.of() : common;
    }

    /** Whether a member with this protocol type and these protocols may join. */
    boolean supports(String memberProtocolType, Collection<String> protocols) {
        if (members.isEmpty()) {
            return !memberProtocolType.isEmpty() && !protocols.isEmpty();
        }
        return memberProtocolType.equals(protocolType) && protocols.stream().anyMatch(candidateProtocols()::contains);
    }

    /** Each member votes for its most preferred protocol that all members support; most votes wins. */
    String selectProtocol() {
        Set<String> candidates = candidateProtocols();
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (GroupMember m : members.values()) {
            m.protocols.keySet().stream().filter(candidates::contains).findFirst()
                    .ifPresent(p -> votes.merge(p, 1, Integer::sum));
        }
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }

    boolean allMembersJoined() {
        return pendingMembers.isEmpty() && members.values().stream().allMatch(m -> m.awaitingJoin != null);
    }

    int maxRebalanceTimeoutMs() {
        return members.values().stream().mapToInt(m -> m.rebalanceTimeoutMs).max().orElse(0);
    }

    /** The member currently holding a static instance id, or null. */
    String staticMemberId(String groupInstanceId) {
        return groupInstanceId == null ? null : staticMembers.get(groupInstanceId);
    }

    boolean isStaticMemberFenced(String memberId, String groupInstanceId) {
        String holder = staticMemberId(groupInstanceId);
        return holder != null && !holder.equals(memberId);
    }

    /** Kafka's checks for a request from a member of the current generation. */
    ErrorCode validateMember(String memberId, String groupInstanceId, int generation) {
        if (is(GroupState.DEAD)) {
            return ErrorCode.COORDINATOR_NOT_AVAILABLE;
        }
        if (isStaticMemberFenced(memberId, groupInstanceId)) {
            return ErrorCode.FENCED_INSTANCE_ID;
        }
        if (!members.containsKey(memberId) || (groupInstanceId != null && staticMemberId(groupInstanceId) == null)) {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        if (generation != this.generation) {
            return ErrorCode.ILLEGAL_GENERATION;
        }
        return ErrorCode.NONE;
    }

}
