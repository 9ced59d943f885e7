package dev.wharf.server.group;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.coordinator.CoordinatorLog;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A streams group (KIP-1071): the topology its members registered, its members, the group epoch
 * (bumped by every change that calls for a new assignment), and the target assignment computed at
 * the target assignment epoch, which each member reaches on its own through its heartbeats.
 * Committed offsets are in the {@link OffsetTable}.
 *
 * <p>Threads: io threads (requests and timer work) and the writer of its {@code __consumer_offsets}
 * partition. Every field is guarded by the group's own monitor; nothing holding it waits for a log
 * write.
 */
final class StreamsGroup extends BrokerAssignedGroup {
    /** The group states as Kafka names them. */
    enum State {
        EMPTY("Empty"),
        NOT_READY("NotReady"),
        ASSIGNING("Assigning"),
        RECONCILING("Reconciling"),
        STABLE("Stable"),
        DEAD("Dead");

        final String displayName;

        State(String displayName) {
            this.displayName = displayName;
        }
    }

    int groupEpoch;
    int targetAssignmentEpoch;
    StreamsTopology topology;
    final Map<String, StreamsMember> members = new LinkedHashMap<>();
    final Map<String, StreamsTasks> targetAssignment = new LinkedHashMap<>();

    /** Not stored: recomputed from the cluster's topics on the next heartbeat. */
    StreamsConfiguredTopology configured;
    /** No target assignment before this (group.streams.initial.rebalance.delay.ms after the first member joined). */
    long assignNotBeforeMs;
    /**
     * Bumped when the members' endpoints or tasks change, so members learn the new partitions-by-endpoint;
     * not stored (a member holding another epoch is told again).
     */
    int endpointEpoch;
    /** A member asked the whole application to shut down; told to every member until the group empties. */
    boolean shutdownRequested;

    private State lastState = State.EMPTY;
    /** Changes not yet written: the group record, and members to write or delete. */
    boolean groupDirty;
    final Set<String> dirtyMembers = new LinkedHashSet<>();
    final Set<String> removedMembers = new LinkedHashSet<>();

    StreamsGroup(String groupId, long nowMs) {
        super(groupId, nowMs);
    }

    State state() {
        if (dead) {
            return State.DEAD;
        }
        if (members.isEmpty()) {
            return State.EMPTY;
        }
        // a group just loaded has no configured topology until its next heartbeat: it is as ready as it was
        if (topology == null || (configured != null && !configured.ready())) {
            return State.NOT_READY;
        }
        if (groupEpoch > targetAssignmentEpoch) {
            return State.ASSIGNING;
        }
        for (StreamsMember m : members.values()) {
            if (!m.reconciledTo(targetAssignmentEpoch)) {
                return State.RECONCILING;
            }
        }
        return State.STABLE;
    }

    /** Notes when the state changed (the start of offset retention for an emptied group). */
    void stateMayHaveChanged(long nowMs) {
        State now = state();
        if (now != lastState) {
            lastState = now;
            stateTimestampMs = nowMs;
        }
    }

    void bumpGroupEpoch() {
        groupEpoch++;
        groupDirty = true;
    }

    void removeMember(String memberId) {
        if (members.remove(memberId) != null) {
            targetAssignment.remove(memberId);
            dirtyMembers.remove(memberId);
            removedMembers.add(memberId);
            endpointEpoch++;
        }
    }

    /** The member of another process (or the same one) that owns this active task now, or is still giving it up. */
    String activeOwnerProcess(String subtopology, int partition, String exceptMember) {
        for (StreamsMember m : members.values()) {
            if (m.memberId.equals(exceptMember)) {
                continue;
            }
            if (has(m.assigned.active(), subtopology, partition) || has(m.pendingRevocation.active(), subtopology, partition)) {
                return m.processId;
            }
        }
        return null;
    }

    /** The processes holding this task as a standby or warm-up, or giving it up. */
    Set<String> standbyProcesses(String subtopology, int partition, String exceptMember) {
        Set<String> out = new HashSet<>();
        for (StreamsMember m : members.values()) {
            if (m.memberId.equals(exceptMember)) {
                continue;
            }
            if (has(m.assigned.standby(), subtopology, partition) || has(m.pendingRevocation.standby(), subtopology, partition)
                    || has(m.assigned.warmup(), subtopology, partition)
                    || has(m.pendingRevocation.warmup(), subtopology, partition)) {
                out.add(m.processId);
            }
        }
        return out;
    }

    private static boolean has(Map<String, Set<Integer>> tasks, String subtopology, int partition) {
        Set<Integer> p = tasks.get(subtopology);
        return p != null && p.contains(partition);
    }

    // ---- Group -------------------------------------------------------------------------------

    @Override
    public GroupType type() {
        return GroupType.STREAMS;
    }

    @Override
    public String protocolType() {
        return "streams";
    }

    @Override
    public String stateName() {
        return state().displayName;
    }

    @Override
    public boolean isEmpty() {
        return !dead && members.isEmpty();
    }

    @Override
    public boolean hadMembers() {
        return true;
    }

    @Override
    public void unload(long nowMs) {
        markDead(nowMs);
        members.clear(); // their session timers find them gone
    }

    @Override
    public ErrorCode validateOffsetCommit(String memberId, String groupInstanceId, int generation,
            boolean transactional, short apiVersion, long nowMs) {
        if (dead) {
            return ErrorCode.COORDINATOR_NOT_AVAILABLE;
        }
        if (generation < 0 && members.isEmpty()) {
            return ErrorCode.NONE; // the admin client, or a consumer outside the group
        }
        if (transactional && generation < 0 && memberId.isEmpty() && groupInstanceId == null) {
            return ErrorCode.NONE; // TxnOffsetCommit need not name the member
        }
        StreamsMember member = memberId == null ? null : members.get(memberId);
        if (member == null) {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        if (!transactional && apiVersion < 9) {
            return ErrorCode.UNSUPPORTED_VERSION; // as Kafka: a streams member commits with v9+
        }
        return generation == member.memberEpoch || lagsByOneStep(member, generation) ? ErrorCode.NONE
                : ErrorCode.STALE_MEMBER_EPOCH;
    }

    /**
     * A commit made at the member's previous epoch, sent before it heard of the current one. Kafka
     * (KIP-1251) accepts such a commit for the tasks the member still holds; here a member only
     * leaves an epoch after releasing the tasks it lost (and Streams commits a task before
     * releasing it), so what it commits at its previous epoch it still holds.
     */
    private static boolean lagsByOneStep(StreamsMember member, int epoch) {
        return epoch >= 0 && epoch == member.previousMemberEpoch && epoch < member.memberEpoch;
    }

    @Override
    public ErrorCode validateOffsetFetch(String memberId, int memberEpoch) {
        if (memberId == null && memberEpoch < 0) {
            return ErrorCode.NONE;
        }
        StreamsMember member = memberId == null ? null : members.get(memberId);
        if (member == null) {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        return memberEpoch == member.memberEpoch ? ErrorCode.NONE : ErrorCode.STALE_MEMBER_EPOCH;
    }

    @Override
    public List<CoordinatorLog.Entry> tombstones() {
        List<CoordinatorLog.Entry> out = new ArrayList<>();
        for (String memberId : members.keySet()) {
            out.add(new CoordinatorLog.Entry(StreamsRecords.memberKey(groupId, memberId), null));
        }
        out.add(new CoordinatorLog.Entry(StreamsRecords.groupKey(groupId), null));
        return out;
    }

    @Override
    public Subscriptions subscriptions() {
        State s = state();
        if (s == State.EMPTY || s == State.DEAD || topology == null) {
            return new Subscriptions.None();
        }
        Set<String> topics = new HashSet<>();
        if (configured != null) {
            configured.inputTopics().values().forEach(topics::addAll);
        }
        for (StreamsTopology.Subtopology sub : topology.subtopologies()) {
            topics.addAll(sub.sourceTopics());
            sub.repartitionSourceTopics().forEach(r -> topics.add(r.name()));
        }
        return new Subscriptions.Topics(topics, s == State.STABLE);
    }

    @Override
    public GroupCoordinator.GroupSummary summary(boolean withMembers) {
        List<GroupCoordinator.MemberSummary> out = new ArrayList<>();
        if (withMembers) {
            for (StreamsMember m : members.values()) {
                out.add(new GroupCoordinator.MemberSummary(m.memberId, m.instanceId, m.clientId, m.clientHost,
                        new byte[0], new byte[0]));
            }
        }
        return new GroupCoordinator.GroupSummary(groupId, type(), stateName(), protocolType(), "", out);
    }
}
