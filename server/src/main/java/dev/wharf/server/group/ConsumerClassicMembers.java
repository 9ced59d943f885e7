package dev.wharf.server.group;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.coordinator.CoordinatorLog;
import dev.wharf.server.coordinator.PartitionWriter;
import dev.wharf.wire.message.ConsumerProtocolAssignment;
import dev.wharf.wire.message.ConsumerProtocolSubscription;
import dev.wharf.wire.protocol.MessageReader;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Members of the classic protocol inside a consumer group (KIP-848's online migration): after a
 * live classic group was converted, its members keep sending JoinGroup, SyncGroup, Heartbeat and
 * LeaveGroup, and the consumer group serves them. A JoinGroup counts as a full heartbeat (its
 * subscription names the topics and the partitions the member still owns) and is answered at
 * once, the generation being the member epoch and no member leading; SyncGroup hands out the
 * partitions the member may own now; Heartbeat answers REBALANCE_IN_PROGRESS while the member is
 * not yet settled at the group's assignment epoch, which makes it join again.
 *
 * <p>Threads: io threads; JoinGroup and LeaveGroup are decided on the group's partition writer,
 * SyncGroup and Heartbeat answered at once; all under the group's monitor. No state of its own.
 */
final class ConsumerClassicMembers {
    private static final Logger log = LoggerFactory.getLogger(ConsumerClassicMembers.class);
    private static final String CONSUMER = "consumer";

    private final GroupStore store;
    private final LongSupplier clock;
    private final ConsumerTargets targets;
    private final ConsumerSessions sessions;
    private final ConsumerGroupHeartbeats heartbeats;
    private final int maxSize;

    ConsumerClassicMembers(GroupStore store, LongSupplier clock, ConsumerTargets targets, ConsumerSessions sessions,
            ConsumerGroupHeartbeats heartbeats, int maxSize) {
        this.store = store;
        this.clock = clock;
        this.targets = targets;
        this.sessions = sessions;
        this.heartbeats = heartbeats;
        this.maxSize = maxSize;
    }

    /** A classic member's subscription as the consumer group reads it. */
    record Subscription(List<String> topics, Map<String, Set<Integer>> owned, String rackId) {}

    /** Decodes the classic consumer protocol's subscription; null if it cannot be read. */
    static Subscription subscription(byte[] metadata) {
        try {
            MessageReader reader = new MessageReader(Unpooled.wrappedBuffer(metadata));
            short version = reader.readShort();
            ConsumerProtocolSubscription s = new ConsumerProtocolSubscription(reader,
                    (short) Math.min(Math.max(version, 0), ConsumerProtocolSubscription.HIGHEST_SUPPORTED_VERSION));
            Map<String, Set<Integer>> owned = new TreeMap<>();
            if (s.ownedPartitions() != null) {
                s.ownedPartitions().forEach(tp -> owned.computeIfAbsent(tp.topic(), t -> new TreeSet<>()).addAll(tp.partitions()));
            }
            return new Subscription(List.copyOf(s.topics()), TopicPartitions.copy(owned),
                    s.rackId() == null || s.rackId().isEmpty() ? null : s.rackId());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Decodes the classic consumer protocol's assignment; null if it cannot be read. */
    static Map<String, Set<Integer>> assignment(byte[] bytes) {
        if (bytes.length == 0) {
            return TopicPartitions.NONE;
        }
        try {
            MessageReader reader = new MessageReader(Unpooled.wrappedBuffer(bytes));
            short version = reader.readShort();
            ConsumerProtocolAssignment a = new ConsumerProtocolAssignment(reader,
                    (short) Math.min(Math.max(version, 0), ConsumerProtocolAssignment.HIGHEST_SUPPORTED_VERSION));
            Map<String, Set<Integer>> out = new TreeMap<>();
            a.assignedPartitions().forEach(tp -> out.computeIfAbsent(tp.topic(), t -> new TreeSet<>()).addAll(tp.partitions()));
            return TopicPartitions.copy(out);
        } catch (RuntimeException e) {
            return null;
        }
    }

    CompletableFuture<GroupCoordinator.JoinResult> join(ConsumerGroup group, GroupCoordinator.JoinRequest req) {
        if (req.memberId().isEmpty() && req.groupInstanceId() == null && req.version() >= 4) {
            return CompletableFuture.completedFuture(GroupCoordinator.JoinResult.error(ErrorCode.MEMBER_ID_REQUIRED,
                    req.clientId() + "-" + UUID.randomUUID()));
        }
        String memberId = req.memberId().isEmpty() ? req.clientId() + "-" + UUID.randomUUID() : req.memberId();
        if (!CONSUMER.equals(req.protocolType()) || req.protocols().isEmpty()) {
            return CompletableFuture.completedFuture(
                    GroupCoordinator.JoinResult.error(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId));
        }
        Map<String, byte[]> protocols = new LinkedHashMap<>(req.protocols());
        Subscription subscription = subscription(protocols.values().iterator().next());
        if (subscription == null) {
            return CompletableFuture.completedFuture(
                    GroupCoordinator.JoinResult.error(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId));
        }
        Optional<PartitionWriter> writer = store.writerFor(group.groupId);
        if (writer.isEmpty()) {
            return CompletableFuture.completedFuture(GroupCoordinator.JoinResult.error(ErrorCode.NOT_COORDINATOR, memberId));
        }
        return writer.get().write(new PartitionWriter.LogWrite<>() {
            private GroupCoordinator.JoinResult result;

            @Override
            public List<CoordinatorLog.Entry> records() {
                List<CoordinatorLog.Entry> out = new ArrayList<>();
                synchronized (group) {
                    result = decideJoin(group, req, memberId, protocols, subscription, out);
                }
                return out;
            }

            @Override
            public GroupCoordinator.JoinResult applied() {
                return result;
            }

            @Override
            public GroupCoordinator.JoinResult failed(Exception cause) {
                PartitionWriter.logFailure(log, "cannot store the join of group " + group.groupId, cause);
                return GroupCoordinator.JoinResult.error(PartitionWriter.errorFor(cause), memberId);
            }
        });
    }

    private GroupCoordinator.JoinResult decideJoin(ConsumerGroup group, GroupCoordinator.JoinRequest req, String memberId,
            Map<String, byte[]> protocols, Subscription subscription, List<CoordinatorLog.Entry> out) {
        if (group.isDead()) {
            return GroupCoordinator.JoinResult.error(ErrorCode.COORDINATOR_NOT_AVAILABLE, memberId);
        }
        long now = clock.getAsLong();
        ConsumerMember m = group.members.get(memberId);
        boolean joined = false; // a new member, or a static one taking over: all its records are written
        boolean newMember = false; // the group epoch moves
        ConsumerMember holder = group.staticMember(req.groupInstanceId());
        if (holder != null && !holder.memberId.equals(memberId)) {
            m = heartbeats.replaceStatic(group, holder, memberId, out); // a classic static member fences its predecessor
            joined = true;
        } else if (m == null) {
            if (group.members.size() >= maxSize) {
                return GroupCoordinator.JoinResult.error(ErrorCode.GROUP_MAX_SIZE_REACHED, memberId);
            }
            m = new ConsumerMember(memberId);
            m.instanceId = req.groupInstanceId();
            group.addMember(m);
            joined = true;
            newMember = true;
            log.info("classic member {} joins consumer group {}", memberId, group.groupId);
        }
        Object metadataBefore = joined ? null : m.metadataKey();
        boolean subscriptionChanged = newMember || !subscription.topics().equals(m.subscribedTopicNames);
        m.classic = new ConsumerMember.ClassicProtocol(req.sessionTimeoutMs(), protocols);
        m.clientId = req.clientId();
        m.clientHost = req.clientHost();
        m.rebalanceTimeoutMs = req.rebalanceTimeoutMs();
        m.subscribedTopicNames = subscription.topics();
        m.subscribedTopicRegex = null;
        m.rackId = subscription.rackId();
        if (!m.metadataKey().equals(metadataBefore)) {
            out.add(ConsumerGroupRecords.memberEntry(group.groupId, m));
        }
        touch(m, now);
        if (m.sessionTimer == null) {
            sessions.start(group, m);
        }
        Object assignmentBefore = joined ? null : m.assignmentKey();
        // a classic member owns only what its subscription says it still owns (an eager one: nothing)
        m.assigned = TopicPartitions.intersect(m.assigned, subscription.owned());
        m.revoking = TopicPartitions.intersect(m.revoking, subscription.owned());
        targets.refresh(group, subscriptionChanged, out);
        ConsumerReconciliation.reconcile(m, group.assignmentEpoch, group.targetOf(memberId), subscription.owned(),
                group.heldByOthers(memberId));
        if (m.state == ConsumerMember.State.UNREVOKED_PARTITIONS && m.revocationDeadlineMs == 0) {
            m.revocationDeadlineMs = now + m.rebalanceTimeoutMs;
        }
        if (!m.assignmentKey().equals(assignmentBefore)) {
            out.add(ConsumerGroupRecords.currentEntry(group.groupId, m));
        }
        // no member leads: the coordinator has assigned already, and SyncGroup hands it out
        return new GroupCoordinator.JoinResult(ErrorCode.NONE, m.memberEpoch, CONSUMER, m.classic.protocolName(), "",
                memberId, false, List.of());
    }

    GroupCoordinator.SyncResult sync(ConsumerGroup group, String memberId, String instanceId, int generation,
            String protocolType, String protocolName) {
        synchronized (group) {
            ConsumerMember m = group.members.get(memberId);
            ErrorCode error = validate(group, m, instanceId, generation);
            if (error == ErrorCode.NONE && ((protocolType != null && !CONSUMER.equals(protocolType))
                    || (protocolName != null && !protocolName.equals(m.classic.protocolName())))) {
                error = ErrorCode.INCONSISTENT_GROUP_PROTOCOL;
            }
            if (error != ErrorCode.NONE) {
                return GroupCoordinator.SyncResult.error(error);
            }
            touch(m, clock.getAsLong());
            return new GroupCoordinator.SyncResult(ErrorCode.NONE, CONSUMER, m.classic.protocolName(),
                    ConsumerGroup.assignmentBytes(m.assigned));
        }
    }

    ErrorCode heartbeat(ConsumerGroup group, String memberId, String instanceId, int generation) {
        synchronized (group) {
            ConsumerMember m = group.members.get(memberId);
            ErrorCode error = validate(group, m, instanceId, generation);
            if (error != ErrorCode.NONE) {
                return error;
            }
            touch(m, clock.getAsLong());
            boolean settled = m.state == ConsumerMember.State.STABLE && m.memberEpoch == group.assignmentEpoch;
            return settled ? ErrorCode.NONE : ErrorCode.REBALANCE_IN_PROGRESS;
        }
    }

    /** LeaveGroup for one classic member: removed (and the group reassigned) once durable. */
    ErrorCode leave(ConsumerGroup group, String memberId, String instanceId) {
        ConsumerMember m;
        synchronized (group) {
            if (group.isDead()) {
                return ErrorCode.COORDINATOR_NOT_AVAILABLE;
            }
            m = memberId.isEmpty() && instanceId != null ? group.staticMember(instanceId) : group.members.get(memberId);
            if (m == null) {
                return ErrorCode.UNKNOWN_MEMBER_ID;
            }
            if (instanceId != null && !m.memberId.equals(group.staticMembers.get(instanceId))) {
                return ErrorCode.FENCED_INSTANCE_ID;
            }
        }
        Optional<PartitionWriter> writer = store.writerFor(group.groupId);
        if (writer.isEmpty()) {
            return ErrorCode.NOT_COORDINATOR;
        }
        ConsumerMember leaving = m;
        writer.get().write(new PartitionWriter.LogWrite<Boolean>() {
            @Override
            public List<CoordinatorLog.Entry> records() {
                List<CoordinatorLog.Entry> out = new ArrayList<>();
                synchronized (group) {
                    if (!group.isDead() && group.members.get(leaving.memberId) == leaving) {
                        log.info("classic member {} leaves consumer group {}", leaving.memberId, group.groupId);
                        heartbeats.remove(group, leaving, out);
                    }
                }
                return out;
            }

            @Override
            public Boolean applied() {
                return true;
            }

            @Override
            public Boolean failed(Exception cause) {
                PartitionWriter.logFailure(log, "cannot store the leave of group " + group.groupId, cause);
                return false;
            }
        });
        return ErrorCode.NONE;
    }

    private static ErrorCode validate(ConsumerGroup group, ConsumerMember m, String instanceId, int generation) {
        if (group.isDead()) {
            return ErrorCode.COORDINATOR_NOT_AVAILABLE;
        }
        if (m == null || m.classic == null) {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        if (instanceId != null && !m.memberId.equals(group.staticMembers.get(instanceId))) {
            return ErrorCode.FENCED_INSTANCE_ID;
        }
        return generation == m.memberEpoch ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION;
    }

    private static void touch(ConsumerMember m, long now) {
        m.sessionDeadlineMs = now + m.classic.sessionTimeoutMs();
    }
}
