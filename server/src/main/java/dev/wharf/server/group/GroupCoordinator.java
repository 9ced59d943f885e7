package dev.wharf.server.group;

import dev.wharf.server.coordinator.CoordinatorLog;
import dev.wharf.server.coordinator.PartitionWriter;
import dev.wharf.server.BrokerConfig;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.config.BrokerKeys;
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
 * The group coordinator as the handlers see it: membership requests of the classic protocol
 * (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) and group administration. It checks what every
 * request needs (a group id, a group this broker coordinates) and hands the rest on: the rebalance
 * state machine to {@link ClassicJoin} and {@link ClassicRebalance}, deadlines to
 * {@link GroupTimers}, DescribeGroups, ListGroups and DeleteGroups to {@link GroupAdmin}, and the
 * records to write to each group's {@link PartitionWriter}. Committed offsets are
 * {@link GroupOffsets}'.
 *
 * <p>Threads: io threads call in; timer work runs on io threads too. Each group's state is
 * guarded by the group's own monitor; no log is appended to while one is held (writes are queued
 * and the request answered when they are durable). No state of its own beyond its collaborators.
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

    /** A group as DescribeGroups and ListGroups show it; {@code state} as Kafka names it ("Stable", ...). */
    public record GroupSummary(String groupId, GroupType type, String state, String protocolType, String protocolName,
            List<MemberSummary> members) {
        public static final String DEAD = GroupState.DEAD.displayName;

        static GroupSummary dead(String groupId) {
            return new GroupSummary(groupId, GroupType.CLASSIC, DEAD, "", "", List.of());
        }

        public boolean isDead() {
            return DEAD.equals(state);
        }
    }

    public record MemberSummary(String memberId, String groupInstanceId, String clientId, String clientHost,
            byte[] metadata, byte[] assignment) {}

    private final GroupStore store;
    private final BrokerConfig config;
    private final LongSupplier clock;
    private final ClassicRebalance rebalance;
    private final ClassicJoin joins;
    private final GroupAdmin admin;
    private final GroupMigration migration;
    /** Serves classic members of consumer groups (KIP-848 migration); set once at wiring. */
    private volatile ConsumerClassicMembers classicMembers;

    /** @param timer the broker's deadline wheel; its tasks here only hand work to {@code io} */
    public GroupCoordinator(GroupStore store, Executor io, Timer timer, LongSupplier clock) {
        this.store = store;
        this.config = store.config();
        this.clock = clock;
        this.rebalance = new ClassicRebalance(store, io, timer, clock);
        this.joins = new ClassicJoin(rebalance, clock, config.get(BrokerKeys.GROUP_MAX_SIZE));
        this.admin = new GroupAdmin(store, clock);
        this.migration = new GroupMigration(store);
        // restored members keep their place if they heartbeat within a session timeout from now
        store.onLoaded(groups -> {
            long now = clock.getAsLong();
            for (Group g : groups) {
                if (g instanceof ClassicGroup group) {
                    synchronized (group) {
                        group.members.values().forEach(m -> rebalance.timers().startSession(group, m, now));
                    }
                }
            }
        });
    }

    void classicMembersOfConsumerGroups(ConsumerClassicMembers classicMembers) {
        this.classicMembers = classicMembers;
    }

    /**
     * A consumer group of classic members only, converted back to a classic group: its members'
     * sessions start here, and a rebalance makes them all join again (call holding its monitor).
     */
    void adoptDowngraded(ClassicGroup group) {
        long now = clock.getAsLong();
        group.members.values().forEach(m -> rebalance.timers().startSession(group, m, now));
        rebalance.prepareRebalance(group, "converted back from a consumer group");
    }

    // ---- membership --------------------------------------------------------------------------

    public CompletableFuture<JoinResult> join(JoinRequest req) {
        if (req.groupId().isEmpty()) {
            return CompletableFuture.completedFuture(JoinResult.error(ErrorCode.INVALID_GROUP_ID, req.memberId()));
        }
        if (store.writerFor(req.groupId()).isEmpty()) {
            return CompletableFuture.completedFuture(JoinResult.error(ErrorCode.NOT_COORDINATOR, req.memberId()));
        }
        if (req.sessionTimeoutMs() < config.get(BrokerKeys.GROUP_MIN_SESSION_TIMEOUT_MS)
                || req.sessionTimeoutMs() > config.get(BrokerKeys.GROUP_MAX_SESSION_TIMEOUT_MS)) {
            return CompletableFuture.completedFuture(JoinResult.error(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId()));
        }
        ClassicGroup group = req.memberId().isEmpty()
                ? store.getOrCreateClassic(req.groupId())
                : store.classicGroup(req.groupId());
        if (group == null && store.group(req.groupId()) instanceof ConsumerGroup consumerGroup) {
            group = req.memberId().isEmpty() ? migration.downgrade(consumerGroup, clock.getAsLong()) : null;
            if (group == null) { // a consumer group with members: the classic member joins it as such
                ConsumerClassicMembers classic = classicMembers;
                return classic != null ? classic.join(consumerGroup, req) : CompletableFuture.completedFuture(
                        JoinResult.error(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId()));
            }
        }
        if (group == null) {
            return CompletableFuture.completedFuture(JoinResult.error(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId()));
        }
        CompletableFuture<JoinResult> result = new CompletableFuture<>();
        synchronized (group) {
            joins.join(group, req, result);
        }
        return result;
    }

    public CompletableFuture<SyncResult> sync(String groupId, int generation, String memberId, String groupInstanceId,
            String protocolType, String protocolName, Map<String, byte[]> assignments) {
        if (groupId.isEmpty()) {
            return CompletableFuture.completedFuture(SyncResult.error(ErrorCode.INVALID_GROUP_ID));
        }
        if (store.writerFor(groupId).isEmpty()) {
            return CompletableFuture.completedFuture(SyncResult.error(ErrorCode.NOT_COORDINATOR));
        }
        ClassicGroup group = store.classicGroup(groupId);
        if (group == null && classicMembers != null && store.group(groupId) instanceof ConsumerGroup consumerGroup) {
            return CompletableFuture.completedFuture(classicMembers.sync(consumerGroup, memberId, groupInstanceId, generation,
                    protocolType, protocolName));
        }
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
                    if (memberId.equals(group.leaderId) && !group.assignmentPending) {
                        rebalance.completeSync(group, assignments);
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

    public ErrorCode heartbeat(String groupId, String memberId, String groupInstanceId, int generation) {
        if (groupId.isEmpty()) {
            return ErrorCode.INVALID_GROUP_ID;
        }
        if (store.writerFor(groupId).isEmpty()) {
            return ErrorCode.NOT_COORDINATOR;
        }
        ClassicGroup group = store.classicGroup(groupId);
        if (group == null && classicMembers != null && store.group(groupId) instanceof ConsumerGroup consumerGroup) {
            return classicMembers.heartbeat(consumerGroup, memberId, groupInstanceId, generation);
        }
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

    /** LeaveGroup: a group-level error, and one error per member named. */
    public LeaveResult leave(String groupId, List<LeavingMember> leaving) {
        List<ErrorCode> out = new ArrayList<>();
        if (groupId.isEmpty()) {
            return new LeaveResult(ErrorCode.INVALID_GROUP_ID, List.of());
        }
        if (store.writerFor(groupId).isEmpty()) {
            return new LeaveResult(ErrorCode.NOT_COORDINATOR, List.of());
        }
        ClassicGroup group = store.classicGroup(groupId);
        if (group == null && classicMembers != null && store.group(groupId) instanceof ConsumerGroup consumerGroup) {
            leaving.forEach(m -> out.add(classicMembers.leave(consumerGroup, m.memberId(), m.groupInstanceId())));
            return new LeaveResult(ErrorCode.NONE, out);
        }
        if (group == null) {
            leaving.forEach(m -> out.add(ErrorCode.UNKNOWN_MEMBER_ID)); // as Kafka: per member, not for the request
            return new LeaveResult(ErrorCode.NONE, out);
        }
        synchronized (group) {
            if (group.is(GroupState.DEAD)) {
                return new LeaveResult(ErrorCode.COORDINATOR_NOT_AVAILABLE, List.of());
            }
            for (LeavingMember l : leaving) {
                out.add(leaveOne(group, l));
            }
        }
        return new LeaveResult(ErrorCode.NONE, out);
    }

    private ErrorCode leaveOne(ClassicGroup group, LeavingMember leaving) {
        String memberId = leaving.memberId();
        if (memberId.isEmpty() && leaving.groupInstanceId() != null) {
            memberId = group.staticMemberId(leaving.groupInstanceId()); // leaving by instance id alone
        } else if (group.isStaticMemberFenced(memberId, leaving.groupInstanceId())) {
            return ErrorCode.FENCED_INSTANCE_ID;
        }
        if (memberId != null && group.pendingMembers.remove(memberId)) {
            rebalance.maybeCompleteJoin(group);
            return ErrorCode.NONE;
        }
        GroupMember member = memberId == null ? null : group.members.get(memberId);
        if (member == null) {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        log.info("member {} left group {}", memberId, group.groupId);
        rebalance.removeMember(group, member);
        return ErrorCode.NONE;
    }

    // ---- administration ----------------------------------------------------------------------

    /** DescribeGroups for one group: empty when not coordinated here; a Dead summary when unknown. */
    public Optional<GroupSummary> describe(String groupId) {
        return admin.describe(groupId);
    }

    /** Every group this broker coordinates, of every kind. */
    public List<GroupSummary> list() {
        return admin.list();
    }

    /** DeleteGroups for one group: answered once its tombstones are durable. */
    public CompletableFuture<ErrorCode> deleteGroup(String groupId) {
        return admin.delete(groupId);
    }
}
