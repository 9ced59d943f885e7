package dev.wharf.server.group;

import dev.wharf.server.coordinator.CoordinatorLog;
import dev.wharf.server.coordinator.PartitionWriter;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.config.BrokerKeys;
import dev.wharf.server.group.GroupCoordinator.JoinResult;
import dev.wharf.server.group.GroupCoordinator.JoinedMember;
import dev.wharf.server.group.GroupCoordinator.SyncResult;
import io.netty.util.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rebalance state machine of a classic group. JoinGroup moves the group to PreparingRebalance
 * and waits until every known member has joined again (or the rebalance timeout removes those that
 * did not); the generation then moves on, a protocol is chosen and the leader gets every member's
 * metadata (CompletingRebalance). The leader's SyncGroup carries the assignment, which is written
 * with the membership and, once durable, handed to every member (Stable). A member that misses its
 * session timeout, or leaves, starts the next rebalance.
 *
 * <p>Threads: io threads, always holding the group's monitor (every method here expects it held),
 * and the partition writer completing a write (it takes the monitor). Writes are queued on the
 * group's {@link PartitionWriter} while the monitor is held, which fixes their order, and appended
 * after it is released.
 */
final class ClassicRebalance {
    private static final Logger log = LoggerFactory.getLogger(ClassicRebalance.class);

    private final GroupStore store;
    private final LongSupplier clock;
    private final int initialDelayMs;
    private final GroupTimers timers;

    ClassicRebalance(GroupStore store, Executor io, Timer timer, LongSupplier clock) {
        this.store = store;
        this.clock = clock;
        this.initialDelayMs = store.config().get(BrokerKeys.GROUP_INITIAL_REBALANCE_DELAY_MS);
        this.timers = new GroupTimers(timer, io, clock, this);
    }

    GroupTimers timers() {
        return timers;
    }

    void prepareRebalance(ClassicGroup group, String reason) {
        long now = clock.getAsLong();
        if (group.is(GroupState.COMPLETING_REBALANCE)) {
            // the assignment being agreed on is void: everyone joins again
            for (GroupMember m : group.members.values()) {
                m.assignment = new byte[0];
                if (m.awaitingSync != null) {
                    m.awaitingSync.complete(SyncResult.error(ErrorCode.REBALANCE_IN_PROGRESS));
                    m.awaitingSync = null;
                }
            }
        }
        group.assignmentPending = false;
        GroupTimers.cancelPhase(group);
        boolean fromEmpty = group.is(GroupState.EMPTY);
        group.transition(GroupState.PREPARING_REBALANCE, now);
        int rebalanceTimeout = group.maxRebalanceTimeoutMs();
        group.rebalanceDeadlineMs = now + rebalanceTimeout;
        log.info("preparing to rebalance group {} generation {} ({})", group.groupId, group.generation, reason);
        if (fromEmpty && initialDelayMs > 0) {
            // the first members of a group usually start together: wait a little for the others
            group.initialDelay = true;
            group.newMemberDuringDelay = false;
            timers.schedulePhase(group, Math.min(initialDelayMs, rebalanceTimeout));
        } else {
            group.initialDelay = false;
            timers.schedulePhase(group, rebalanceTimeout);
            maybeCompleteJoin(group);
        }
    }

    void maybeCompleteJoin(ClassicGroup group) {
        if (group.is(GroupState.PREPARING_REBALANCE) && !group.initialDelay && group.allMembersJoined()) {
            completeJoin(group);
        }
    }

    /** The join phase's timer fired: the initial delay ends (or extends), or the rebalance timeout passed. */
    void onJoinTimer(ClassicGroup group) {
        long now = clock.getAsLong();
        if (group.initialDelay && group.newMemberDuringDelay && now < group.rebalanceDeadlineMs) {
            group.newMemberDuringDelay = false;
            timers.schedulePhase(group, Math.min(initialDelayMs, group.rebalanceDeadlineMs - now));
            return;
        }
        group.initialDelay = false;
        completeJoin(group);
    }

    private void completeJoin(ClassicGroup group) {
        long now = clock.getAsLong();
        GroupTimers.cancelPhase(group);
        for (GroupMember m : List.copyOf(group.members.values())) {
            // as Kafka: a static member keeps its place while it restarts; only its session timeout removes it
            if (m.awaitingJoin == null && m.groupInstanceId == null) {
                log.info("member {} of group {} did not rejoin in time; removed", m.memberId, group.groupId);
                forget(group, m);
            }
        }
        if (!group.members.isEmpty() && group.members.values().stream().allMatch(m -> m.awaitingJoin == null)) {
            // only absent static members are left: wait for them (or for their sessions to end)
            timers.schedulePhase(group, group.maxRebalanceTimeoutMs());
            return;
        }
        group.generation++;
        if (group.members.isEmpty()) {
            group.protocolName = null;
            group.leaderId = null;
            group.transition(GroupState.EMPTY, now);
            writeGroup(group);
            log.info("group {} is empty at generation {}", group.groupId, group.generation);
            return;
        }
        group.protocolName = group.selectProtocol();
        GroupMember currentLeader = group.leaderId == null ? null : group.members.get(group.leaderId);
        if (currentLeader == null || currentLeader.awaitingJoin == null) {
            group.leaderId = group.members.values().stream().filter(m -> m.awaitingJoin != null).findFirst()
                    .orElseThrow().memberId;
        }
        group.transition(GroupState.COMPLETING_REBALANCE, now);
        log.info("group {} generation {} has {} members, protocol {}, leader {}", group.groupId, group.generation,
                group.members.size(), group.protocolName, group.leaderId);
        List<JoinedMember> all = joinedMembers(group);
        for (GroupMember m : group.members.values()) {
            m.heartbeatDeadlineMs = now + m.sessionTimeoutMs;
            CompletableFuture<JoinResult> waiting = m.awaitingJoin;
            if (waiting == null) {
                continue; // an absent static member: it learns the generation when it comes back
            }
            m.awaitingJoin = null;
            boolean isLeader = m.memberId.equals(group.leaderId);
            waiting.complete(new JoinResult(ErrorCode.NONE, group.generation, group.protocolType, group.protocolName,
                    group.leaderId, m.memberId, false, isLeader ? all : List.of()));
        }
        // if the leader never sends its assignment, the group starts over
        timers.schedulePhase(group, group.maxRebalanceTimeoutMs());
    }

    /** The sync phase's timer fired: the leader's assignment did not come. */
    void onSyncTimer(ClassicGroup group) {
        for (GroupMember m : List.copyOf(group.members.values())) {
            if (m.awaitingSync == null) {
                log.info("member {} of group {} did not sync in time; removed", m.memberId, group.groupId);
                forget(group, m);
            }
        }
        prepareRebalance(group, "the assignment did not arrive in time");
    }

    /**
     * The leader's assignment arrived: it is written with the membership, and handed out once that
     * write is durable, unless the group moved on meanwhile (a new rebalance answered the members).
     */
    void completeSync(ClassicGroup group, Map<String, byte[]> assignments) {
        for (GroupMember m : group.members.values()) {
            m.assignment = assignments.getOrDefault(m.memberId, new byte[0]);
        }
        group.assignmentPending = true;
        int generation = group.generation;
        writeGroup(group).thenAccept(stored -> {
            synchronized (group) {
                if (group.generation != generation || !group.is(GroupState.COMPLETING_REBALANCE)
                        || !group.assignmentPending) {
                    return;
                }
                group.assignmentPending = false;
                if (stored) {
                    becomeStable(group);
                } else {
                    group.members.values().forEach(m -> m.assignment = new byte[0]);
                    prepareRebalance(group, "the assignment could not be stored");
                }
            }
        });
    }

    private void becomeStable(ClassicGroup group) {
        GroupTimers.cancelPhase(group);
        long now = clock.getAsLong();
        group.transition(GroupState.STABLE, now);
        store.counts().rebalanced(GroupType.CLASSIC);
        for (GroupMember m : group.members.values()) {
            // a member that waited long for the assignment gets a whole session to its next heartbeat
            m.heartbeatDeadlineMs = now + m.sessionTimeoutMs;
            if (m.awaitingSync != null) {
                m.awaitingSync.complete(new SyncResult(ErrorCode.NONE, group.protocolType, group.protocolName,
                        m.assignment));
                m.awaitingSync = null;
            }
        }
        log.info("group {} generation {} is stable", group.groupId, group.generation);
    }

    /** Drops a member from the group's books, answering anything it still waits for. */
    static void forget(ClassicGroup group, GroupMember m) {
        group.members.remove(m.memberId);
        if (m.groupInstanceId != null && m.memberId.equals(group.staticMembers.get(m.groupInstanceId))) {
            group.staticMembers.remove(m.groupInstanceId);
        }
        if (m.awaitingJoin != null) {
            m.awaitingJoin.complete(JoinResult.error(ErrorCode.UNKNOWN_MEMBER_ID, m.memberId));
            m.awaitingJoin = null;
        }
        if (m.awaitingSync != null) {
            m.awaitingSync.complete(SyncResult.error(ErrorCode.UNKNOWN_MEMBER_ID));
            m.awaitingSync = null;
        }
        if (m.memberId.equals(group.leaderId)) {
            group.leaderId = group.members.isEmpty() ? null : group.members.keySet().iterator().next();
        }
    }

    void removeMember(ClassicGroup group, GroupMember m) {
        forget(group, m);
        switch (group.state) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(group, "member " + m.memberId + " left");
            case PREPARING_REBALANCE -> maybeCompleteJoin(group);
            default -> {}
        }
    }

    JoinResult currentGeneration(ClassicGroup group, GroupMember member, boolean skipAssignment) {
        boolean isLeader = member.memberId.equals(group.leaderId);
        return new JoinResult(ErrorCode.NONE, group.generation, group.protocolType, group.protocolName, group.leaderId,
                member.memberId, skipAssignment, isLeader ? joinedMembers(group) : List.of());
    }

    private static List<JoinedMember> joinedMembers(ClassicGroup group) {
        List<JoinedMember> out = new ArrayList<>();
        for (GroupMember m : group.members.values()) {
            out.add(new JoinedMember(m.memberId, m.groupInstanceId, m.metadata(group.protocolName)));
        }
        return out;
    }

    /**
     * Queues the group's membership as of now (its order among the partition's writes is fixed
     * here, under the monitor); true once durable, false if it could not be written.
     */
    CompletableFuture<Boolean> writeGroup(ClassicGroup group) {
        Optional<PartitionWriter> writer = store.writerFor(group.groupId);
        if (writer.isEmpty()) {
            log.error("cannot store group {}: this broker no longer leads its partition", group.groupId);
            return CompletableFuture.completedFuture(false);
        }
        return writer.get().write(PartitionWriter.fixed(List.of(GroupPersistence.groupEntry(group))));
    }
}
