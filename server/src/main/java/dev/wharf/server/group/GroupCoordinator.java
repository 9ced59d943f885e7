package dev.wharf.server.group;

import dev.wharf.server.BrokerConfig;
import dev.wharf.server.ErrorCode;
import io.netty.util.Timer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator of the classic protocol: membership and rebalances of the groups in a
 * {@link GroupStore} (their offsets are {@link GroupOffsets}'). Each group is guarded by its own
 * lock; what must survive a restart is written to the group's partition before the client hears
 * of it.
 *
 * <p>A rebalance: JoinGroup moves the group to PreparingRebalance and waits until every known
 * member has joined again (or the rebalance timeout removes those that did not); the generation
 * then moves on, a protocol is chosen and the leader gets every member's metadata
 * (CompletingRebalance). The leader's SyncGroup carries the assignment, which is stored and handed
 * to every member (Stable). Heartbeats keep members; one missing for a session timeout removes the
 * member and starts the next rebalance. Timers run on a hashed wheel and hand their work to the
 * io threads.
 */
public final class GroupCoordinator {
    private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);

    /** A member as the leader sees it in the JoinGroup response. */
    public record JoinedMember(String memberId, String groupInstanceId, byte[] metadata) {}

    public record JoinResult(ErrorCode error, int generation, String protocolType, String protocolName,
            String leaderId, String memberId, boolean skipAssignment, List<JoinedMember> members) {
        static JoinResult error(ErrorCode error, String memberId) {
            return new JoinResult(error, -1, null, null, "", memberId, false, List.of());
        }
    }

    public record SyncResult(ErrorCode error, String protocolType, String protocolName, byte[] assignment) {
        static SyncResult error(ErrorCode error) {
            return new SyncResult(error, null, null, new byte[0]);
        }
    }

    /** What a JoinGroup asks for. */
    public record JoinRequest(String groupId, String memberId, String groupInstanceId, String clientId,
            String clientHost, int sessionTimeoutMs, int rebalanceTimeoutMs, String protocolType,
            Map<String, byte[]> protocols, short version) {}

    /** A member named in a LeaveGroup. */
    public record LeavingMember(String memberId, String groupInstanceId) {}

    public record LeaveResult(ErrorCode error, List<ErrorCode> members) {}


    /** A group as DescribeGroups and ListGroups show it. */
    public record GroupSummary(String groupId, GroupState state, String protocolType, String protocolName,
            List<MemberSummary> members) {}

    public record MemberSummary(String memberId, String groupInstanceId, String clientId, String clientHost,
            byte[] metadata, byte[] assignment) {}

    private final GroupStore store;
    private final BrokerConfig config;
    private final Executor io;
    private final LongSupplier clock;
    private final Timer timer;

    /** @param timer the broker's deadline wheel; its tasks here only hand work to {@code io} */
    public GroupCoordinator(GroupStore store, Executor io, Timer timer, LongSupplier clock) {
        this.store = store;
        this.config = store.config();
        this.io = io;
        this.clock = clock;
        this.timer = timer;
        // restored members keep their place if they heartbeat within a session timeout from now
        store.onLoaded(groups -> {
            long now = clock.getAsLong();
            for (ClassicGroup group : groups) {
                synchronized (group) {
                    group.members.values().forEach(m -> scheduleHeartbeatExpiry(group, m, now));
                }
            }
        });
    }

    // ---- JoinGroup ---------------------------------------------------------------------------

    public CompletableFuture<JoinResult> join(JoinRequest req) {
        CompletableFuture<JoinResult> result = new CompletableFuture<>();
        if (req.groupId().isEmpty()) {
            return CompletableFuture.completedFuture(JoinResult.error(ErrorCode.INVALID_GROUP_ID, req.memberId()));
        }
        Optional<GroupLog> groupLog = store.logFor(req.groupId());
        if (groupLog.isEmpty()) {
            return CompletableFuture.completedFuture(JoinResult.error(ErrorCode.NOT_COORDINATOR, req.memberId()));
        }
        if (req.sessionTimeoutMs() < config.getInt("group.min.session.timeout.ms")
                || req.sessionTimeoutMs() > config.getInt("group.max.session.timeout.ms")) {
            return CompletableFuture.completedFuture(JoinResult.error(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId()));
        }
        ClassicGroup group = req.memberId().isEmpty()
                ? store.getOrCreate(req.groupId())
                : store.group(req.groupId());
        if (group == null) {
            return CompletableFuture.completedFuture(JoinResult.error(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId()));
        }
        synchronized (group) {
            if (group.is(GroupState.DEAD)) {
                // deleted while this request was on its way: the client looks the coordinator up again
                result.complete(JoinResult.error(ErrorCode.COORDINATOR_NOT_AVAILABLE, req.memberId()));
            } else if (req.protocolType().isEmpty() || req.protocols().isEmpty()
                    || !group.supports(req.protocolType(), req.protocols().keySet())) {
                result.complete(JoinResult.error(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId()));
            } else if (req.memberId().isEmpty()) {
                joinUnknownMember(group, groupLog.get(), req, result);
            } else {
                joinKnownMember(group, req, result);
            }
        }
        return result;
    }

    private void joinUnknownMember(ClassicGroup group, GroupLog groupLog, JoinRequest req,
            CompletableFuture<JoinResult> result) {
        // as Kafka: a static member's id starts with its instance id, a dynamic one's with its client id
        String newMemberId = (req.groupInstanceId() != null ? req.groupInstanceId() : req.clientId()) + "-"
                + UUID.randomUUID();
        String staticHolder = group.staticMemberId(req.groupInstanceId());
        if (staticHolder != null) {
            replaceStaticMember(group, groupLog, staticHolder, newMemberId, req, result);
            return;
        }
        if (group.members.size() + group.pendingMembers.size() >= config.getInt("group.max.size")) {
            result.complete(JoinResult.error(ErrorCode.GROUP_MAX_SIZE_REACHED, ""));
            return;
        }
        if (req.groupInstanceId() == null && req.version() >= 4) {
            // KIP-394: the member learns its id first and joins with it, so a retried join after a
            // lost response does not leave a ghost member behind
            group.pendingMembers.add(newMemberId);
            timer.newTimeout(t -> io.execute(() -> expirePending(group, newMemberId)), req.sessionTimeoutMs(),
                    TimeUnit.MILLISECONDS);
            result.complete(JoinResult.error(ErrorCode.MEMBER_ID_REQUIRED, newMemberId));
            return;
        }
        addMemberAndRebalance(group, newMemberId, req, result);
    }

    private void joinKnownMember(ClassicGroup group, JoinRequest req, CompletableFuture<JoinResult> result) {
        String memberId = req.memberId();
        if (group.pendingMembers.remove(memberId)) {
            addMemberAndRebalance(group, memberId, req, result);
            return;
        }
        if (group.isStaticMemberFenced(memberId, req.groupInstanceId())) {
            result.complete(JoinResult.error(ErrorCode.FENCED_INSTANCE_ID, memberId));
            return;
        }
        GroupMember member = group.members.get(memberId);
        if (member == null || (req.groupInstanceId() != null && group.staticMemberId(req.groupInstanceId()) == null)) {
            result.complete(JoinResult.error(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
            return;
        }
        long now = clock.getAsLong();
        switch (group.state) {
            case PREPARING_REBALANCE -> {
                updateMember(member, req, result);
                maybeCompleteJoin(group);
            }
            case COMPLETING_REBALANCE, STABLE -> {
                boolean leaderInStable = group.is(GroupState.STABLE) && memberId.equals(group.leaderId);
                if (member.sameProtocols(req.protocols()) && !leaderInStable) {
                    // nothing changed: the member missed the response of the current generation
                    member.heartbeatDeadlineMs = now + member.sessionTimeoutMs;
                    result.complete(currentGeneration(group, member, false));
                } else {
                    updateMember(member, req, result);
                    prepareRebalance(group, "member " + memberId + " rejoined with new metadata or as leader");
                }
            }
            default -> result.complete(JoinResult.error(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
        }
    }

    private void updateMember(GroupMember member, JoinRequest req, CompletableFuture<JoinResult> result) {
        member.protocols = new LinkedHashMap<>(req.protocols());
        member.sessionTimeoutMs = req.sessionTimeoutMs();
        member.rebalanceTimeoutMs = req.rebalanceTimeoutMs();
        member.clientId = req.clientId();
        member.clientHost = req.clientHost();
        if (member.awaitingJoin != null && member.awaitingJoin != result) {
            // a newer join replaces an older one still waiting (the client gave up on it)
            member.awaitingJoin.complete(JoinResult.error(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
        }
        member.awaitingJoin = result;
    }

    private void addMemberAndRebalance(ClassicGroup group, String memberId, JoinRequest req,
            CompletableFuture<JoinResult> result) {
        long now = clock.getAsLong();
        GroupMember member = new GroupMember(memberId, req.groupInstanceId(), req.clientId(), req.clientHost(),
                req.rebalanceTimeoutMs(), req.sessionTimeoutMs(), req.protocols());
        member.awaitingJoin = result;
        if (group.members.isEmpty()) {
            group.protocolType = req.protocolType();
        }
        group.members.put(memberId, member);
        if (req.groupInstanceId() != null) {
            group.staticMembers.put(req.groupInstanceId(), memberId);
        }
        if (group.leaderId == null || !group.members.containsKey(group.leaderId)) {
            group.leaderId = memberId;
        }
        group.newMemberDuringDelay = true;
        scheduleHeartbeatExpiry(group, member, now);
        if (group.is(GroupState.PREPARING_REBALANCE)) {
            maybeCompleteJoin(group);
        } else {
            prepareRebalance(group, "member " + memberId + " joined");
        }
    }

    /**
     * A static member restarted (same group.instance.id, new member id): the old id is fenced and
     * the new one takes its place and assignment. A stable group whose protocol still fits does
     * not rebalance.
     */
    private void replaceStaticMember(ClassicGroup group, GroupLog groupLog, String oldMemberId, String newMemberId,
            JoinRequest req, CompletableFuture<JoinResult> result) {
        GroupMember member = group.members.remove(oldMemberId);
        if (member.awaitingJoin != null) {
            member.awaitingJoin.complete(JoinResult.error(ErrorCode.FENCED_INSTANCE_ID, oldMemberId));
            member.awaitingJoin = null;
        }
        if (member.awaitingSync != null) {
            member.awaitingSync.complete(SyncResult.error(ErrorCode.FENCED_INSTANCE_ID));
            member.awaitingSync = null;
        }
        log.info("static member {} of group {} restarted: {} replaces {}", req.groupInstanceId(), group.groupId,
                newMemberId, oldMemberId);
        member.memberId = newMemberId;
        group.members.put(newMemberId, member);
        group.staticMembers.put(req.groupInstanceId(), newMemberId);
        if (oldMemberId.equals(group.leaderId)) {
            group.leaderId = newMemberId;
        }
        boolean isLeader = newMemberId.equals(group.leaderId);
        switch (group.state) {
            case STABLE -> {
                Map<String, byte[]> oldProtocols = member.protocols;
                member.protocols = new LinkedHashMap<>(req.protocols());
                // as Kafka: no rebalance as long as the vote would pick the same protocol
                boolean protocolStillFits = req.protocolType().equals(group.protocolType)
                        && Objects.equals(group.selectProtocol(), group.protocolName);
                if (!protocolStillFits) {
                    updateMember(member, req, result);
                    prepareRebalance(group, "static member " + req.groupInstanceId() + " rejoined with other protocols");
                    return;
                }
                try {
                    // the old member id must stay fenced after a restart of this broker too
                    groupLog.write(List.of(store.groupEntry(group)));
                } catch (IOException | RuntimeException e) {
                    log.error("cannot store group {} after static member replacement", group.groupId, e);
                    // as if this join never happened: the old member keeps its place
                    group.members.remove(newMemberId);
                    member.memberId = oldMemberId;
                    member.protocols = oldProtocols;
                    group.members.put(oldMemberId, member);
                    group.staticMembers.put(req.groupInstanceId(), oldMemberId);
                    if (isLeader) {
                        group.leaderId = oldMemberId;
                    }
                    result.complete(JoinResult.error(ErrorCode.UNKNOWN_SERVER_ERROR, ""));
                    return;
                }
                member.sessionTimeoutMs = req.sessionTimeoutMs();
                member.rebalanceTimeoutMs = req.rebalanceTimeoutMs();
                member.heartbeatDeadlineMs = clock.getAsLong() + member.sessionTimeoutMs;
                if (isLeader && req.version() < 9) {
                    // as Kafka: an old client told it leads would assign again and so rebalance; named
                    // by its old id, it syncs as a follower and gets its assignment back
                    result.complete(new JoinResult(ErrorCode.NONE, group.generation, group.protocolType,
                            group.protocolName, oldMemberId, newMemberId, false, List.of()));
                } else {
                    // a v9+ leader gets the members back but need not assign again (KIP-814)
                    result.complete(currentGeneration(group, member, isLeader));
                }
            }
            case PREPARING_REBALANCE -> {
                updateMember(member, req, result);
                maybeCompleteJoin(group);
            }
            default -> {
                updateMember(member, req, result);
                prepareRebalance(group, "static member " + req.groupInstanceId() + " rejoined");
            }
        }
    }

    private JoinResult currentGeneration(ClassicGroup group, GroupMember member, boolean skipAssignment) {
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

    // ---- rebalance phases --------------------------------------------------------------------

    private void prepareRebalance(ClassicGroup group, String reason) {
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
        cancelPhaseTimer(group);
        boolean fromEmpty = group.is(GroupState.EMPTY);
        group.transition(GroupState.PREPARING_REBALANCE, now);
        int rebalanceTimeout = group.maxRebalanceTimeoutMs();
        group.rebalanceDeadlineMs = now + rebalanceTimeout;
        log.info("preparing to rebalance group {} generation {} ({})", group.groupId, group.generation, reason);
        int initialDelay = config.getInt("group.initial.rebalance.delay.ms");
        if (fromEmpty && initialDelay > 0) {
            // the first members of a group usually start together: wait a little for the others
            group.initialDelay = true;
            group.newMemberDuringDelay = false;
            schedulePhase(group, Math.min(initialDelay, rebalanceTimeout));
        } else {
            group.initialDelay = false;
            schedulePhase(group, rebalanceTimeout);
            maybeCompleteJoin(group);
        }
    }

    private void maybeCompleteJoin(ClassicGroup group) {
        if (group.is(GroupState.PREPARING_REBALANCE) && !group.initialDelay && group.allMembersJoined()) {
            completeJoin(group);
        }
    }

    /** The join phase's timer fired: the initial delay ends (or extends), or the rebalance timeout passed. */
    private void onJoinTimer(ClassicGroup group) {
        long now = clock.getAsLong();
        if (group.initialDelay && group.newMemberDuringDelay && now < group.rebalanceDeadlineMs) {
            group.newMemberDuringDelay = false;
            schedulePhase(group, Math.min(config.getInt("group.initial.rebalance.delay.ms"),
                    group.rebalanceDeadlineMs - now));
            return;
        }
        group.initialDelay = false;
        completeJoin(group);
    }

    private void completeJoin(ClassicGroup group) {
        long now = clock.getAsLong();
        cancelPhaseTimer(group);
        for (GroupMember m : List.copyOf(group.members.values())) {
            // as Kafka: a static member keeps its place while it restarts; only its session timeout removes it
            if (m.awaitingJoin == null && m.groupInstanceId == null) {
                log.info("member {} of group {} did not rejoin in time; removed", m.memberId, group.groupId);
                forget(group, m);
            }
        }
        if (!group.members.isEmpty() && group.members.values().stream().allMatch(m -> m.awaitingJoin == null)) {
            // only absent static members are left: wait for them (or for their sessions to end)
            schedulePhase(group, group.maxRebalanceTimeoutMs());
            return;
        }
        group.generation++;
        if (group.members.isEmpty()) {
            group.protocolName = null;
            group.leaderId = null;
            group.transition(GroupState.EMPTY, now);
            store.writeGroup(group);
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
        schedulePhase(group, group.maxRebalanceTimeoutMs());
    }

    /** The sync phase's timer fired: the leader's assignment did not come. */
    private void onSyncTimer(ClassicGroup group) {
        for (GroupMember m : List.copyOf(group.members.values())) {
            if (m.awaitingSync == null) {
                log.info("member {} of group {} did not sync in time; removed", m.memberId, group.groupId);
                forget(group, m);
            }
        }
        prepareRebalance(group, "the assignment did not arrive in time");
    }

    private void schedulePhase(ClassicGroup group, long delayMs) {
        GroupState phase = group.state;
        int generation = group.generation;
        group.phaseTimer = timer.newTimeout(t -> io.execute(() -> {
            synchronized (group) {
                if (group.phaseTimer != t || group.state != phase || group.generation != generation) {
                    return; // superseded
                }
                group.phaseTimer = null;
                if (phase == GroupState.PREPARING_REBALANCE) {
                    onJoinTimer(group);
                } else if (phase == GroupState.COMPLETING_REBALANCE) {
                    onSyncTimer(group);
                }
            }
        }), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
    }

    private static void cancelPhaseTimer(ClassicGroup group) {
        if (group.phaseTimer != null) {
            group.phaseTimer.cancel();
            group.phaseTimer = null;
        }
    }

    // ---- members leaving -----------------------------------------------------------------------

    private void scheduleHeartbeatExpiry(ClassicGroup group, GroupMember member, long now) {
        member.heartbeatDeadlineMs = now + member.sessionTimeoutMs;
        scheduleHeartbeatCheck(group, member, member.sessionTimeoutMs);
    }

    /** One timer per member at a time: a check that finds the deadline moved reschedules itself. */
    private void scheduleHeartbeatCheck(ClassicGroup group, GroupMember member, long delayMs) {
        timer.newTimeout(t -> io.execute(() -> {
            synchronized (group) {
                if (group.members.get(member.memberId) != member) {
                    return;
                }
                long now = clock.getAsLong();
                if (member.awaitingJoin != null || member.awaitingSync != null) {
                    member.heartbeatDeadlineMs = now + member.sessionTimeoutMs; // waiting on the coordinator
                }
                if (now < member.heartbeatDeadlineMs) {
                    scheduleHeartbeatCheck(group, member, member.heartbeatDeadlineMs - now);
                    return;
                }
                log.info("member {} of group {} missed its session timeout of {} ms; removed", member.memberId,
                        group.groupId, member.sessionTimeoutMs);
                removeMember(group, member);
            }
        }), Math.max(1, delayMs), TimeUnit.MILLISECONDS);
    }

    private void expirePending(ClassicGroup group, String memberId) {
        synchronized (group) {
            if (group.pendingMembers.remove(memberId)) {
                maybeCompleteJoin(group);
            }
        }
    }

    /** Drops a member from the group's books, answering anything it still waits for. */
    private static void forget(ClassicGroup group, GroupMember m) {
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

    private void removeMember(ClassicGroup group, GroupMember m) {
        forget(group, m);
        switch (group.state) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(group, "member " + m.memberId + " left");
            case PREPARING_REBALANCE -> maybeCompleteJoin(group);
            default -> {}
        }
    }

    /** LeaveGroup: a group-level error, and one error per member named. */
    public LeaveResult leave(String groupId, List<LeavingMember> leaving) {
        List<ErrorCode> out = new ArrayList<>();
        if (groupId.isEmpty()) {
            return new LeaveResult(ErrorCode.INVALID_GROUP_ID, List.of());
        }
        if (store.logFor(groupId).isEmpty()) {
            return new LeaveResult(ErrorCode.NOT_COORDINATOR, List.of());
        }
        ClassicGroup group = store.group(groupId);
        if (group == null) {
            leaving.forEach(m -> out.add(ErrorCode.UNKNOWN_MEMBER_ID)); // as Kafka: per member, not for the request
            return new LeaveResult(ErrorCode.NONE, out);
        }
        synchronized (group) {
            if (group.is(GroupState.DEAD)) {
                return new LeaveResult(ErrorCode.COORDINATOR_NOT_AVAILABLE, List.of());
            }
            for (LeavingMember l : leaving) {
                String memberId = l.memberId();
                if (memberId.isEmpty() && l.groupInstanceId() != null) {
                    memberId = group.staticMemberId(l.groupInstanceId()); // leaving by instance id alone
                } else if (group.isStaticMemberFenced(memberId, l.groupInstanceId())) {
                    out.add(ErrorCode.FENCED_INSTANCE_ID);
                    continue;
                }
                if (memberId != null && group.pendingMembers.remove(memberId)) {
                    maybeCompleteJoin(group);
                    out.add(ErrorCode.NONE);
                    continue;
                }
                GroupMember member = memberId == null ? null : group.members.get(memberId);
                if (member == null) {
                    out.add(ErrorCode.UNKNOWN_MEMBER_ID);
                    continue;
                }
                log.info("member {} left group {}", memberId, groupId);
                removeMember(group, member);
                out.add(ErrorCode.NONE);
            }
        }
        return new LeaveResult(ErrorCode.NONE, out);
    }

    // ---- SyncGroup and Heartbeat --------------------------------------------------------------

    public CompletableFuture<SyncResult> sync(String groupId, int generation, String memberId, String groupInstanceId,
            String protocolType, String protocolName, Map<String, byte[]> assignments) {
        if (groupId.isEmpty()) {
            return CompletableFuture.completedFuture(SyncResult.error(ErrorCode.INVALID_GROUP_ID));
        }
        if (store.logFor(groupId).isEmpty()) {
            return CompletableFuture.completedFuture(SyncResult.error(ErrorCode.NOT_COORDINATOR));
        }
        ClassicGroup group = store.group(groupId);
        if (group == null) {
            return CompletableFuture.completedFuture(SyncResult.error(ErrorCode.UNKNOWN_MEMBER_ID));
        }
        CompletableFuture<SyncResult> result = new CompletableFuture<>();
        synchronized (group) {
            ErrorCode error = group.validateMember(memberId, groupInstanceId, generation);
            if (error == ErrorCode.NONE && (inconsistent(protocolType, group.protocolType)
                    || inconsistent(protocolName, group.protocolName))) {
                error = ErrorCode.INCONSISTENT_GROUP_PROTOCOL;
            }
            if (error != ErrorCode.NONE) {
                return CompletableFuture.completedFuture(SyncResult.error(error));
            }
            GroupMember member = group.members.get(memberId);
            member.heartbeatDeadlineMs = clock.getAsLong() + member.sessionTimeoutMs;
            switch (group.state) {
                case PREPARING_REBALANCE -> result.complete(SyncResult.error(ErrorCode.REBALANCE_IN_PROGRESS));
                case STABLE -> result.complete(new SyncResult(ErrorCode.NONE, group.protocolType, group.protocolName,
                        member.assignment));
                case COMPLETING_REBALANCE -> {
                    if (member.awaitingSync != null) {
                        member.awaitingSync.complete(SyncResult.error(ErrorCode.REBALANCE_IN_PROGRESS)); // superseded
                    }
                    member.awaitingSync = result;
                    if (memberId.equals(group.leaderId)) {
                        completeSync(group, assignments);
                    }
                }
                default -> result.complete(SyncResult.error(ErrorCode.UNKNOWN_MEMBER_ID));
            }
        }
        return result;
    }

    /** As Kafka: only two known values can disagree. */
    private static boolean inconsistent(String requested, String known) {
        return requested != null && known != null && !requested.equals(known);
    }

    /** The leader's assignment arrived: store it with the membership, then hand it out. */
    private void completeSync(ClassicGroup group, Map<String, byte[]> assignments) {
        for (GroupMember m : group.members.values()) {
            m.assignment = assignments.getOrDefault(m.memberId, new byte[0]);
        }
        if (!store.writeGroup(group)) {
            for (GroupMember m : group.members.values()) {
                m.assignment = new byte[0];
            }
            prepareRebalance(group, "the assignment could not be stored");
            return;
        }
        cancelPhaseTimer(group);
        long now = clock.getAsLong();
        group.transition(GroupState.STABLE, now);
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


    public ErrorCode heartbeat(String groupId, String memberId, String groupInstanceId, int generation) {
        if (groupId.isEmpty()) {
            return ErrorCode.INVALID_GROUP_ID;
        }
        if (store.logFor(groupId).isEmpty()) {
            return ErrorCode.NOT_COORDINATOR;
        }
        ClassicGroup group = store.group(groupId);
        if (group == null) {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        synchronized (group) {
            ErrorCode error = group.validateMember(memberId, groupInstanceId, generation);
            if (error != ErrorCode.NONE) {
                return error;
            }
            GroupMember member = group.members.get(memberId);
            member.heartbeatDeadlineMs = clock.getAsLong() + member.sessionTimeoutMs;
            return switch (group.state) {
                case PREPARING_REBALANCE -> ErrorCode.REBALANCE_IN_PROGRESS;
                case STABLE, COMPLETING_REBALANCE -> ErrorCode.NONE;
                default -> ErrorCode.UNKNOWN_MEMBER_ID;
            };
        }
    }

    // ---- administration ----------------------------------------------------------------------

    /** DescribeGroups for one group: empty when not coordinated here; a Dead summary when unknown. */
    public Optional<GroupSummary> describe(String groupId) {
        if (store.logFor(groupId).isEmpty()) {
            return Optional.empty();
        }
        ClassicGroup group = store.group(groupId);
        if (group == null) {
            return Optional.of(new GroupSummary(groupId, GroupState.DEAD, "", "", List.of()));
        }
        synchronized (group) {
            boolean stable = group.is(GroupState.STABLE);
            List<MemberSummary> members = new ArrayList<>();
            for (GroupMember m : group.members.values()) {
                // as Kafka: metadata and assignment only once the group is stable
                members.add(new MemberSummary(m.memberId, m.groupInstanceId, m.clientId, m.clientHost,
                        stable ? m.metadata(group.protocolName) : new byte[0], stable ? m.assignment : new byte[0]));
            }
            return Optional.of(new GroupSummary(groupId, group.state, group.protocolType == null ? "" : group.protocolType,
                    stable ? group.protocolName : "", members));
        }
    }

    /** Every group this broker coordinates. */
    public List<GroupSummary> list() {
        List<GroupSummary> out = new ArrayList<>();
        for (ClassicGroup group : store.all()) {
            synchronized (group) {
                if (!group.is(GroupState.DEAD)) {
                    out.add(new GroupSummary(group.groupId, group.state,
                            group.protocolType == null ? "" : group.protocolType, group.protocolName, List.of()));
                }
            }
        }
        return out;
    }

    public ErrorCode deleteGroup(String groupId) {
        Optional<GroupLog> groupLog = store.logFor(groupId);
        if (groupLog.isEmpty()) {
            return ErrorCode.NOT_COORDINATOR;
        }
        ClassicGroup group = store.group(groupId);
        if (group == null) {
            return ErrorCode.GROUP_ID_NOT_FOUND;
        }
        synchronized (group) {
            if (group.is(GroupState.DEAD)) {
                return ErrorCode.GROUP_ID_NOT_FOUND;
            }
            if (!group.is(GroupState.EMPTY)) {
                return ErrorCode.NON_EMPTY_GROUP;
            }
            try {
                groupLog.get().write(GroupStore.tombstones(group, group.offsets.keySet(), true));
            } catch (IOException | RuntimeException e) {
                log.error("cannot delete group {}", groupId, e);
                return ErrorCode.UNKNOWN_SERVER_ERROR;
            }
            group.transition(GroupState.DEAD, clock.getAsLong());
            store.remove(group);
            log.info("deleted group {}", groupId);
            return ErrorCode.NONE;
        }
    }
}
