package dev.wharf.server.group;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.group.GroupCoordinator.JoinRequest;
import dev.wharf.server.group.GroupCoordinator.JoinResult;
import dev.wharf.server.group.GroupCoordinator.SyncResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JoinGroup for a classic group: new members (KIP-394's member id first), members joining again,
 * and static members (KIP-345) coming back under a new member id.
 *
 * <p>Threads: io threads holding the group's monitor (every method here expects it held), and the
 * partition writer completing a static member's replacement (it takes the monitor). No state of
 * its own.
 */
final class ClassicJoin {
    private static final Logger log = LoggerFactory.getLogger(ClassicJoin.class);

    private final ClassicRebalance rebalance;
    private final GroupTimers timers;
    private final LongSupplier clock;
    private final int maxGroupSize;

    ClassicJoin(ClassicRebalance rebalance, LongSupplier clock, int maxGroupSize) {
        this.rebalance = rebalance;
        this.timers = rebalance.timers();
        this.clock = clock;
        this.maxGroupSize = maxGroupSize;
    }

    /** A join the coordinator checked (group id, session timeout, coordinator); the group's monitor is held. */
    void join(ClassicGroup group, JoinRequest req, CompletableFuture<JoinResult> result) {
        if (group.is(GroupState.DEAD)) {
            // deleted while this request was on its way: the client looks the coordinator up again
            result.complete(JoinResult.error(ErrorCode.COORDINATOR_NOT_AVAILABLE, req.memberId()));
        } else if (req.protocolType().isEmpty() || req.protocols().isEmpty()
                || !group.supports(req.protocolType(), req.protocols().keySet())) {
            result.complete(JoinResult.error(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId()));
        } else if (req.memberId().isEmpty()) {
            joinUnknownMember(group, req, result);
        } else {
            joinKnownMember(group, req, result);
        }
    }

    private void joinUnknownMember(ClassicGroup group, JoinRequest req, CompletableFuture<JoinResult> result) {
        // as Kafka: a static member's id starts with its instance id, a dynamic one's with its client id
        String newMemberId = (req.groupInstanceId() != null ? req.groupInstanceId() : req.clientId()) + "-"
                + UUID.randomUUID();
        String staticHolder = group.staticMemberId(req.groupInstanceId());
        if (staticHolder != null) {
            replaceStaticMember(group, staticHolder, newMemberId, req, result);
            return;
        }
        if (group.members.size() + group.pendingMembers.size() >= maxGroupSize) {
            result.complete(JoinResult.error(ErrorCode.GROUP_MAX_SIZE_REACHED, ""));
            return;
        }
        if (req.groupInstanceId() == null && req.version() >= 4) {
            // KIP-394: the member learns its id first and joins with it, so a retried join after a
            // lost response does not leave a ghost member behind
            group.pendingMembers.add(newMemberId);
            timers.schedulePendingExpiry(group, newMemberId, req.sessionTimeoutMs());
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
        switch (group.state) {
            case PREPARING_REBALANCE -> {
                updateMember(member, req, result);
                rebalance.maybeCompleteJoin(group);
            }
            case COMPLETING_REBALANCE, STABLE -> {
                boolean leaderInStable = group.is(GroupState.STABLE) && memberId.equals(group.leaderId);
                if (member.sameProtocols(req.protocols()) && !leaderInStable) {
                    // nothing changed: the member missed the response of the current generation
                    member.heartbeatDeadlineMs = clock.getAsLong() + member.sessionTimeoutMs;
                    result.complete(rebalance.currentGeneration(group, member, false));
                } else {
                    updateMember(member, req, result);
                    rebalance.prepareRebalance(group, "member " + memberId + " rejoined with new metadata or as leader");
                }
            }
            default -> result.complete(JoinResult.error(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
        }
    }

    private static void updateMember(GroupMember member, JoinRequest req, CompletableFuture<JoinResult> result) {
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
        timers.startSession(group, member, clock.getAsLong());
        if (group.is(GroupState.PREPARING_REBALANCE)) {
            rebalance.maybeCompleteJoin(group);
        } else {
            rebalance.prepareRebalance(group, "member " + memberId + " joined");
        }
    }

    /**
     * A static member restarted (same group.instance.id, new member id): the old id is fenced and
     * the new one takes its place and assignment. A stable group whose protocol still fits does
     * not rebalance; the new id is written (so it stays fenced after a restart of this broker too)
     * before the member hears of it.
     */
    private void replaceStaticMember(ClassicGroup group, String oldMemberId, String newMemberId, JoinRequest req,
            CompletableFuture<JoinResult> result) {
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
        Map<String, byte[]> oldProtocols = member.protocols;
        member.memberId = newMemberId;
        group.members.put(newMemberId, member);
        group.staticMembers.put(req.groupInstanceId(), newMemberId);
        if (oldMemberId.equals(group.leaderId)) {
            group.leaderId = newMemberId;
        }
        switch (group.state) {
            case STABLE -> {
                member.protocols = new LinkedHashMap<>(req.protocols());
                // as Kafka: no rebalance as long as the vote would pick the same protocol
                boolean protocolStillFits = req.protocolType().equals(group.protocolType)
                        && Objects.equals(group.selectProtocol(), group.protocolName);
                if (!protocolStillFits) {
                    updateMember(member, req, result);
                    rebalance.prepareRebalance(group, "static member " + req.groupInstanceId()
                            + " rejoined with other protocols");
                    return;
                }
                int generation = group.generation;
                rebalance.writeGroup(group).thenAccept(stored -> {
                    synchronized (group) {
                        if (stored) {
                            staticMemberReplaced(group, member, oldMemberId, req, result);
                        } else {
                            undoReplacement(group, member, oldMemberId, oldProtocols, generation, req, result);
                        }
                    }
                });
            }
            case PREPARING_REBALANCE -> {
                updateMember(member, req, result);
                rebalance.maybeCompleteJoin(group);
            }
            default -> {
                updateMember(member, req, result);
                rebalance.prepareRebalance(group, "static member " + req.groupInstanceId() + " rejoined");
            }
        }
    }

    private void staticMemberReplaced(ClassicGroup group, GroupMember member, String oldMemberId, JoinRequest req,
            CompletableFuture<JoinResult> result) {
        if (group.members.get(member.memberId) != member) {
            // fenced or removed while the write was on its way
            result.complete(JoinResult.error(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
            return;
        }
        if (group.is(GroupState.PREPARING_REBALANCE)) {
            // a rebalance started meanwhile: this join takes part in it
            updateMember(member, req, result);
            rebalance.maybeCompleteJoin(group);
            return;
        }
        member.sessionTimeoutMs = req.sessionTimeoutMs();
        member.rebalanceTimeoutMs = req.rebalanceTimeoutMs();
        member.heartbeatDeadlineMs = clock.getAsLong() + member.sessionTimeoutMs;
        boolean isLeader = member.memberId.equals(group.leaderId);
        if (isLeader && req.version() < 9) {
            // as Kafka: an old client told it leads would assign again and so rebalance; named
            // by its old id, it syncs as a follower and gets its assignment back
            result.complete(new JoinResult(ErrorCode.NONE, group.generation, group.protocolType,
                    group.protocolName, oldMemberId, member.memberId, false, List.of()));
        } else {
            // a v9+ leader gets the members back but need not assign again (KIP-814)
            result.complete(rebalance.currentGeneration(group, member, isLeader));
        }
    }

    /** The new member id could not be written: as if this join never happened, the old id keeps its place. */
    private static void undoReplacement(ClassicGroup group, GroupMember member, String oldMemberId,
            Map<String, byte[]> oldProtocols, int generation, JoinRequest req, CompletableFuture<JoinResult> result) {
        String newMemberId = member.memberId;
        if (group.generation == generation && group.members.get(newMemberId) == member) {
            group.members.remove(newMemberId);
            member.memberId = oldMemberId;
            member.protocols = oldProtocols;
            group.members.put(oldMemberId, member);
            group.staticMembers.put(req.groupInstanceId(), oldMemberId);
            if (newMemberId.equals(group.leaderId)) {
                group.leaderId = oldMemberId;
            }
        }
        result.complete(JoinResult.error(ErrorCode.UNKNOWN_SERVER_ERROR, ""));
    }
}
