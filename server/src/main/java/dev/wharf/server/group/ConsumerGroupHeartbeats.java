package dev.wharf.server.group;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.config.BrokerKeys;
import dev.wharf.server.coordinator.CoordinatorLog;
import dev.wharf.server.coordinator.PartitionWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ConsumerGroupHeartbeat (KIP-848): joins, heartbeats and leaves of consumer group members. Each
 * heartbeat is decided on the group's partition writer, in the order of the log: it updates the
 * member, bumps the group epoch when membership, subscriptions or subscribed partition counts
 * changed, recomputes the target assignment with the server-side assignor ({@link ConsumerTargets}),
 * moves the member one step towards its target ({@link ConsumerReconciliation}), and answers once
 * the records saying so are durable.
 *
 * <p>Threads: io threads call in; decisions run on the partition writer under the group's monitor;
 * session timers ({@link ConsumerSessions}) hand their work to the io executor. No state of its own
 * beyond configuration.
 */
public final class ConsumerGroupHeartbeats {
    private static final Logger log = LoggerFactory.getLogger(ConsumerGroupHeartbeats.class);

    /**
     * A heartbeat as the handler decoded it; partitions by topic name (unknown topic ids dropped).
     * {@code describable} says which topics the sender may DESCRIBE now: only those of its regular
     * expression's matches are its (as Kafka filters a resolved regex by the member's ACLs).
     */
    public record Heartbeat(String groupId, String memberId, int memberEpoch, String instanceId, String rackId,
            int rebalanceTimeoutMs, List<String> subscribedTopicNames, String subscribedTopicRegex,
            String serverAssignor, Map<String, Set<Integer>> ownedPartitions, String clientId, String clientHost,
            short version, Predicate<String> describable) {
        /** A heartbeat from a member that may describe every topic (no authorizer). */
        public Heartbeat(String groupId, String memberId, int memberEpoch, String instanceId, String rackId,
                int rebalanceTimeoutMs, List<String> subscribedTopicNames, String subscribedTopicRegex,
                String serverAssignor, Map<String, Set<Integer>> ownedPartitions, String clientId, String clientHost,
                short version) {
            this(groupId, memberId, memberEpoch, instanceId, rackId, rebalanceTimeoutMs, subscribedTopicNames,
                    subscribedTopicRegex, serverAssignor, ownedPartitions, clientId, clientHost, version, t -> true);
        }
    }

    /** The answer: an error, or the member's id and epoch and (when it changed) its assignment. */
    public record HeartbeatResult(ErrorCode error, String message, String memberId, int memberEpoch,
            int heartbeatIntervalMs, Map<String, Set<Integer>> assignment) {
        static HeartbeatResult error(ErrorCode error, String message) {
            return new HeartbeatResult(error, message, null, 0, 0, null);
        }
    }

    private final GroupStore store;
    private final LongSupplier clock;
    private final ConsumerTargets targets;
    private final ConsumerSessions sessions;
    private final int heartbeatIntervalMs;
    private final int maxSize;
    private final GroupMigration migration;

    ConsumerGroupHeartbeats(GroupStore store, LongSupplier clock, ConsumerTargets targets, ConsumerSessions sessions) {
        this.store = store;
        this.clock = clock;
        this.targets = targets;
        this.sessions = sessions;
        this.heartbeatIntervalMs = store.config().get(BrokerKeys.GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS);
        this.maxSize = store.config().get(BrokerKeys.GROUP_CONSUMER_MAX_SIZE);
        this.migration = new GroupMigration(store);
    }

    public CompletableFuture<HeartbeatResult> heartbeat(Heartbeat hb) {
        Heartbeat req = hb.memberId().isEmpty() && hb.version() == 0 && hb.memberEpoch() == 0
                ? withMemberId(hb, UUID.randomUUID().toString()) : hb; // v0: the coordinator may name the member
        String invalid = invalid(req);
        if (invalid != null) {
            ErrorCode code = req.groupId().isEmpty() ? ErrorCode.INVALID_GROUP_ID : ErrorCode.INVALID_REQUEST;
            return CompletableFuture.completedFuture(HeartbeatResult.error(code, invalid));
        }
        if (req.serverAssignor() != null && !targets.supports(req.serverAssignor())) {
            return CompletableFuture.completedFuture(HeartbeatResult.error(ErrorCode.UNSUPPORTED_ASSIGNOR,
                    "unknown assignor " + req.serverAssignor()));
        }
        if (req.subscribedTopicRegex() != null && !req.subscribedTopicRegex().isEmpty()
                && !targets.validRegex(req.subscribedTopicRegex())) {
            return CompletableFuture.completedFuture(HeartbeatResult.error(ErrorCode.INVALID_REGULAR_EXPRESSION,
                    "invalid regular expression " + req.subscribedTopicRegex()));
        }
        Optional<PartitionWriter> writer = store.writerFor(req.groupId());
        if (writer.isEmpty()) {
            return CompletableFuture.completedFuture(HeartbeatResult.error(ErrorCode.NOT_COORDINATOR, null));
        }
        return writer.get().write(new PartitionWriter.LogWrite<>() {
            private HeartbeatResult result;

            @Override
            public List<CoordinatorLog.Entry> records() {
                List<CoordinatorLog.Entry> out = new ArrayList<>();
                result = decide(req, out);
                return out;
            }

            @Override
            public HeartbeatResult applied() {
                return result;
            }

            @Override
            public HeartbeatResult failed(Exception cause) {
                // memory is not rolled back: a failed write means the partition moved, and the group is unloaded
                PartitionWriter.logFailure(log, "cannot store heartbeat of group " + req.groupId(), cause);
                return HeartbeatResult.error(PartitionWriter.errorFor(cause), null);
            }
        });
    }

    /** Kafka's request checks: why the request is invalid, or null. */
    private static String invalid(Heartbeat req) {
        if (req.groupId().isEmpty()) {
            return "GroupId can't be empty.";
        }
        if (req.memberId().isEmpty()) {
            return "MemberId can't be empty.";
        }
        if (req.instanceId() != null && req.instanceId().isEmpty()) {
            return "InstanceId can't be empty.";
        }
        if (req.rackId() != null && req.rackId().isEmpty()) {
            return "RackId can't be empty.";
        }
        int epoch = req.memberEpoch();
        if (epoch == ConsumerMember.JOIN_EPOCH) {
            if (req.rebalanceTimeoutMs() == -1) {
                return "RebalanceTimeoutMs must be provided in first request.";
            }
            if (req.ownedPartitions() == null || !req.ownedPartitions().isEmpty()) {
                return "TopicPartitions must be empty when (re-)joining.";
            }
            if (req.subscribedTopicNames() == null && req.subscribedTopicRegex() == null) {
                return "SubscribedTopicNames or SubscribedTopicRegex must be set in first request.";
            }
        } else if (epoch == ConsumerMember.STATIC_LEAVE_EPOCH) {
            if (req.instanceId() == null) {
                return "InstanceId can't be null when leaving as a static member.";
            }
        } else if (epoch < ConsumerMember.STATIC_LEAVE_EPOCH) {
            return "MemberEpoch is invalid.";
        }
        return null;
    }

    /** Decides the heartbeat on the writer: the answer, with the records to append in {@code out}. */
    private HeartbeatResult decide(Heartbeat req, List<CoordinatorLog.Entry> out) {
        long now = clock.getAsLong();
        Group existing = store.group(req.groupId());
        ConsumerGroup group;
        if (existing instanceof ConsumerGroup cg) {
            group = cg;
        } else if (existing == null && req.memberEpoch() == ConsumerMember.JOIN_EPOCH) {
            group = store.getOrCreate(req.groupId(), ConsumerGroup.class, id -> new ConsumerGroup(id, now));
        } else if (existing instanceof ClassicGroup classic && req.memberEpoch() == ConsumerMember.JOIN_EPOCH) {
            group = migration.upgrade(classic, now, out);
            if (group != null) {
                ConsumerGroup converted = group;
                synchronized (converted) {
                    converted.members.values().forEach(m -> sessions.start(converted, m)); // the classic members it took over
                }
            }
        } else {
            group = null;
        }
        if (group == null) {
            return HeartbeatResult.error(ErrorCode.GROUP_ID_NOT_FOUND, "Group " + req.groupId() + " is not a consumer group.");
        }
        synchronized (group) {
            if (group.isDead()) {
                return HeartbeatResult.error(ErrorCode.COORDINATOR_NOT_AVAILABLE, null);
            }
            return switch (req.memberEpoch()) {
                case ConsumerMember.LEAVE_EPOCH -> leave(group, req, out);
                case ConsumerMember.STATIC_LEAVE_EPOCH -> leaveForNow(group, req, out);
                default -> heartbeat(group, req, now, out);
            };
        }
    }

    private HeartbeatResult heartbeat(ConsumerGroup group, Heartbeat req, long now, List<CoordinatorLog.Entry> out) {
        String memberId = req.memberId();
        ConsumerMember m;
        boolean joined = false; // a new member, or a static one taking over: all its records are written
        boolean newMember = false; // the group epoch moves
        if (req.memberEpoch() == ConsumerMember.JOIN_EPOCH) {
            ConsumerMember holder = group.staticMember(req.instanceId());
            if (holder != null && !holder.memberId.equals(memberId)) {
                if (holder.memberEpoch != ConsumerMember.STATIC_LEAVE_EPOCH) {
                    return HeartbeatResult.error(ErrorCode.UNRELEASED_INSTANCE_ID, "Static member " + req.instanceId()
                            + " is still in use by member " + holder.memberId + ".");
                }
                m = replaceStatic(group, holder, memberId, out);
                joined = true;
            } else {
                m = group.members.get(memberId);
                if (m == null) {
                    if (group.members.size() >= maxSize) {
                        return HeartbeatResult.error(ErrorCode.GROUP_MAX_SIZE_REACHED,
                                "The consumer group has reached its maximum capacity of " + maxSize + " members.");
                    }
                    m = new ConsumerMember(memberId);
                    m.instanceId = req.instanceId();
                    group.addMember(m);
                    joined = true;
                    newMember = true;
                    log.info("member {} joins consumer group {}", memberId, group.groupId);
                } else {
                    // rejoining after being fenced: it gave up everything it owned
                    m.memberEpoch = 0;
                    m.previousMemberEpoch = 0;
                    m.assigned = TopicPartitions.NONE;
                    m.revoking = TopicPartitions.NONE;
                    m.state = ConsumerMember.State.STABLE;
                    m.revocationDeadlineMs = 0;
                }
            }
            m.clientId = req.clientId();
            m.clientHost = req.clientHost();
        } else {
            m = group.members.get(memberId);
            if (m == null) {
                return HeartbeatResult.error(ErrorCode.UNKNOWN_MEMBER_ID, "Member " + memberId + " is not in group "
                        + group.groupId + ".");
            }
            if (req.instanceId() != null && !memberId.equals(group.staticMembers.get(req.instanceId()))) {
                return HeartbeatResult.error(ErrorCode.FENCED_INSTANCE_ID, null);
            }
            int epoch = req.memberEpoch();
            if (epoch > m.memberEpoch || (epoch < m.memberEpoch
                    && (epoch != m.previousMemberEpoch || !m.owns(req.ownedPartitions())))) {
                return HeartbeatResult.error(ErrorCode.FENCED_MEMBER_EPOCH, "The member epoch " + epoch
                        + " is not the current one (" + m.memberEpoch + "): the member must rejoin.");
            }
        }
        Object metadataBefore = joined ? null : m.metadataKey();
        List<String> namesBefore = m.subscribedTopicNames;
        String regexBefore = m.subscribedTopicRegex;
        applyUpdates(m, req);
        boolean subscriptionChanged = newMember || !namesBefore.equals(m.subscribedTopicNames)
                || !Objects.equals(regexBefore, m.subscribedTopicRegex);
        if (!m.metadataKey().equals(metadataBefore)) {
            out.add(ConsumerGroupRecords.memberEntry(group.groupId, m));
        }
        m.sessionDeadlineMs = now + sessions.sessionTimeoutMs();
        if (joined || m.sessionTimer == null) {
            sessions.start(group, m);
        }
        int epochBefore = group.groupEpoch;
        targets.refresh(group, subscriptionChanged, out);
        if (group.groupEpoch != epochBefore) { // Kafka counts a heartbeat's epoch bump, not a leave's
            store.counts().rebalanced(GroupType.CONSUMER);
        }
        Map<String, Set<Integer>> assignedBefore = m.assigned;
        Object assignmentBefore = joined ? null : m.assignmentKey();
        ConsumerReconciliation.reconcile(m, group.assignmentEpoch, group.targetOf(memberId), req.ownedPartitions(),
                group.heldByOthers(memberId));
        if (m.state == ConsumerMember.State.UNREVOKED_PARTITIONS && m.revocationDeadlineMs == 0) {
            m.revocationDeadlineMs = now + m.rebalanceTimeoutMs;
        }
        if (!m.assignmentKey().equals(assignmentBefore)) {
            out.add(ConsumerGroupRecords.currentEntry(group.groupId, m));
        }
        boolean sendAssignment = req.memberEpoch() == ConsumerMember.JOIN_EPOCH || !assignedBefore.equals(m.assigned)
                || (req.ownedPartitions() != null && !TopicPartitions.copy(req.ownedPartitions()).equals(m.assigned));
        return new HeartbeatResult(ErrorCode.NONE, null, m.memberId, m.memberEpoch, heartbeatIntervalMs,
                sendAssignment ? m.assigned : null);
    }

    /** What a heartbeat may change: each field only when sent (null or -1 means unchanged). */
    private static void applyUpdates(ConsumerMember m, Heartbeat req) {
        if (req.rackId() != null) {
            m.rackId = req.rackId();
        }
        if (req.rebalanceTimeoutMs() != -1) {
            m.rebalanceTimeoutMs = req.rebalanceTimeoutMs();
        }
        // a member subscribes to the union of both (kafka-clients sends an empty name list with a regex)
        if (req.subscribedTopicNames() != null) {
            m.subscribedTopicNames = List.copyOf(req.subscribedTopicNames());
        }
        if (req.subscribedTopicRegex() != null) {
            m.subscribedTopicRegex = req.subscribedTopicRegex().isEmpty() ? null : req.subscribedTopicRegex();
        }
        if (req.serverAssignor() != null) {
            m.serverAssignor = req.serverAssignor();
        }
        m.describable = req.describable();
    }

    /**
     * A static member back under a new member id after leaving for a while (epoch -2): the new
     * member takes the old one's place, partitions and target; the group epoch does not move.
     */
    ConsumerMember replaceStatic(ConsumerGroup group, ConsumerMember old, String memberId,
            List<CoordinatorLog.Entry> out) {
        ConsumerMember m = new ConsumerMember(memberId);
        m.instanceId = old.instanceId;
        m.rackId = old.rackId;
        m.rebalanceTimeoutMs = old.rebalanceTimeoutMs;
        m.subscribedTopicNames = old.subscribedTopicNames;
        m.subscribedTopicRegex = old.subscribedTopicRegex;
        m.serverAssignor = old.serverAssignor;
        m.memberEpoch = 0;
        m.assigned = old.assigned;
        m.revoking = old.revoking;
        m.state = old.state;
        Map<String, Set<Integer>> target = group.targetOf(old.memberId);
        group.removeMember(old);
        out.addAll(ConsumerGroupRecords.memberTombstones(group.groupId, old.memberId));
        group.addMember(m);
        group.target.put(memberId, target);
        out.add(ConsumerGroupRecords.targetEntry(group.groupId, memberId, target));
        log.info("static member {} of consumer group {} rejoins as {}", m.instanceId, group.groupId, memberId);
        return m;
    }

    private HeartbeatResult leave(ConsumerGroup group, Heartbeat req, List<CoordinatorLog.Entry> out) {
        ConsumerMember m = group.members.get(req.memberId());
        if (m == null) {
            return HeartbeatResult.error(ErrorCode.UNKNOWN_MEMBER_ID, null);
        }
        if (req.instanceId() != null && !req.memberId().equals(group.staticMembers.get(req.instanceId()))) {
            return HeartbeatResult.error(ErrorCode.FENCED_INSTANCE_ID, null);
        }
        log.info("member {} leaves consumer group {}", m.memberId, group.groupId);
        remove(group, m, out);
        return new HeartbeatResult(ErrorCode.NONE, null, req.memberId(), ConsumerMember.LEAVE_EPOCH, 0, null);
    }

    /** A static member going away for a while: it keeps its partitions until its session times out. */
    private HeartbeatResult leaveForNow(ConsumerGroup group, Heartbeat req, List<CoordinatorLog.Entry> out) {
        ConsumerMember m = group.staticMember(req.instanceId());
        if (m == null) {
            return HeartbeatResult.error(ErrorCode.UNKNOWN_MEMBER_ID, null);
        }
        if (!m.memberId.equals(req.memberId())) {
            return HeartbeatResult.error(ErrorCode.FENCED_INSTANCE_ID, null);
        }
        if (m.memberEpoch != ConsumerMember.STATIC_LEAVE_EPOCH) {
            m.previousMemberEpoch = m.memberEpoch;
            m.memberEpoch = ConsumerMember.STATIC_LEAVE_EPOCH;
            out.add(ConsumerGroupRecords.currentEntry(group.groupId, m));
        }
        log.info("static member {} ({}) of consumer group {} left for now", m.instanceId, m.memberId, group.groupId);
        return new HeartbeatResult(ErrorCode.NONE, null, m.memberId, ConsumerMember.STATIC_LEAVE_EPOCH, 0, null);
    }

    /** Removes a member (left, timed out or fenced): a new group epoch and target for the rest. */
    void remove(ConsumerGroup group, ConsumerMember m, List<CoordinatorLog.Entry> out) {
        group.removeMember(m);
        out.addAll(ConsumerGroupRecords.memberTombstones(group.groupId, m.memberId));
        if (m.classic == null && migration.downgradeLive(group, clock.getAsLong(), out) != null) {
            return; // only classic members are left: the group went back to the classic protocol
        }
        if (group.members.isEmpty()) {
            group.stateTimestampMs = clock.getAsLong();
        }
        targets.refresh(group, true, out);
    }

    GroupMigration migration() {
        return migration;
    }

    static Heartbeat withMemberId(Heartbeat h, String memberId) {
        return new Heartbeat(h.groupId(), memberId, h.memberEpoch(), h.instanceId(), h.rackId(), h.rebalanceTimeoutMs(),
                h.subscribedTopicNames(), h.subscribedTopicRegex(), h.serverAssignor(), h.ownedPartitions(), h.clientId(),
                h.clientHost(), h.version(), h.describable());
    }
}
