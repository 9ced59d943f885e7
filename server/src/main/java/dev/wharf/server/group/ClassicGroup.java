package dev.wharf.server.group;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.coordinator.CoordinatorLog;
import dev.wharf.wire.message.ConsumerProtocolSubscription;
import dev.wharf.wire.protocol.MessageReader;
import io.netty.buffer.Unpooled;
import io.netty.util.Timeout;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A consumer group of the classic protocol: its members, generation and chosen protocol. Its
 * committed offsets are in the {@link OffsetTable}.
 *
 * <p>Threads: io threads (requests), io threads running timer work, and the writer of its
 * {@code __consumer_offsets} partition (completions). Every field is guarded by the group's own
 * monitor; nothing holding it waits for a log write.
 */
final class ClassicGroup implements Group {
    private static final String CONSUMER = "consumer";

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

    /** The timer of the current rebalance phase (join or sync), and whether it is the first-join delay. */
    Timeout phaseTimer;
    boolean initialDelay;
    boolean newMemberDuringDelay;
    long rebalanceDeadlineMs;
    /** The leader's assignment is being written; a repeated SyncGroup from it waits for that write. */
    boolean assignmentPending;

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

    // ---- Group -------------------------------------------------------------------------------

    @Override
    public String groupId() {
        return groupId;
    }

    @Override
    public GroupType type() {
        return GroupType.CLASSIC;
    }

    @Override
    public String protocolType() {
        return protocolType == null ? "" : protocolType;
    }

    @Override
    public String stateName() {
        return state.displayName;
    }

    @Override
    public boolean isDead() {
        return is(GroupState.DEAD);
    }

    @Override
    public boolean isEmpty() {
        return is(GroupState.EMPTY);
    }

    @Override
    public long stateTimestampMs() {
        return stateTimestampMs;
    }

    @Override
    public boolean hadMembers() {
        return protocolType != null;
    }

    @Override
    public void markDead(long nowMs) {
        transition(GroupState.DEAD, nowMs);
    }

    @Override
    public void revive(long stateTimestampMs) {
        transition(GroupState.EMPTY, stateTimestampMs);
    }

    @Override
    public List<CoordinatorLog.Entry> tombstones() {
        return List.of(new CoordinatorLog.Entry(GroupRecords.groupKey(groupId), null));
    }

    @Override
    public void unload(long nowMs) {
        GroupTimers.cancelPhase(this);
        for (GroupMember m : members.values()) {
            if (m.awaitingJoin != null) {
                m.awaitingJoin.complete(GroupCoordinator.JoinResult.error(ErrorCode.NOT_COORDINATOR, m.memberId));
                m.awaitingJoin = null;
            }
            if (m.awaitingSync != null) {
                m.awaitingSync.complete(GroupCoordinator.SyncResult.error(ErrorCode.NOT_COORDINATOR));
                m.awaitingSync = null;
            }
        }
        markDead(nowMs);
        members.clear(); // their session timers find them gone
    }

    @Override
    public ErrorCode validateOffsetCommit(String memberId, String groupInstanceId, int generation,
            boolean transactional, short apiVersion, long nowMs) {
        if (is(GroupState.DEAD)) {
            return ErrorCode.COORDINATOR_NOT_AVAILABLE;
        }
        if (generation < 0 && is(GroupState.EMPTY)) {
            return ErrorCode.NONE; // not using the coordinator for membership
        }
        if (generation < 0 && memberId.isEmpty() && groupInstanceId == null) {
            // the group has members, and this commit comes from none of them; a TxnOffsetCommit
            // before KIP-447 names no member, so Kafka lets it through
            return transactional ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
        }
        ErrorCode e = validateMember(memberId, groupInstanceId, generation);
        if (e != ErrorCode.NONE) {
            return e;
        }
        if (!transactional && is(GroupState.COMPLETING_REBALANCE)) {
            // the member knows the new generation but not its assignment yet (Kafka does not
            // enforce the group's state on transactional commits)
            return ErrorCode.REBALANCE_IN_PROGRESS;
        }
        GroupMember member = members.get(memberId);
        if (member != null && !transactional) {
            member.heartbeatDeadlineMs = nowMs + member.sessionTimeoutMs;
        }
        return ErrorCode.NONE;
    }

    @Override
    public Subscriptions subscriptions() {
        if (is(GroupState.EMPTY) || is(GroupState.DEAD)) {
            return new Subscriptions.None();
        }
        if (!CONSUMER.equals(protocolType)) {
            return new Subscriptions.OtherProtocol();
        }
        Set<String> topics = new HashSet<>();
        for (GroupMember m : members.values()) {
            byte[] metadata = m.metadata(protocolName != null ? protocolName
                    : m.protocols.keySet().stream().findFirst().orElse(null));
            try {
                MessageReader reader = new MessageReader(Unpooled.wrappedBuffer(metadata));
                short version = reader.readShort();
                ConsumerProtocolSubscription s = new ConsumerProtocolSubscription(reader,
                        (short) Math.min(version, ConsumerProtocolSubscription.HIGHEST_SUPPORTED_VERSION));
                topics.addAll(s.topics());
            } catch (RuntimeException e) {
                return new Subscriptions.Unreadable();
            }
        }
        return new Subscriptions.Topics(topics, is(GroupState.STABLE));
    }

    @Override
    public GroupCoordinator.GroupSummary summary(boolean withMembers) {
        boolean stable = is(GroupState.STABLE);
        List<GroupCoordinator.MemberSummary> out = new ArrayList<>();
        if (withMembers) {
            for (GroupMember m : members.values()) {
                // as Kafka: metadata and assignment only once the group is stable
                out.add(new GroupCoordinator.MemberSummary(m.memberId, m.groupInstanceId, m.clientId, m.clientHost,
                        stable ? m.metadata(protocolName) : new byte[0], stable ? m.assignment : new byte[0]));
            }
        }
        // as Kafka: DescribeGroups names the protocol only once the group is stable
        String protocol = withMembers ? (stable ? protocolName : "") : protocolName;
        return new GroupCoordinator.GroupSummary(groupId, type(), stateName(), protocolType(), protocol, out);
    }

    // ---- the classic protocol ----------------------------------------------------------------

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
