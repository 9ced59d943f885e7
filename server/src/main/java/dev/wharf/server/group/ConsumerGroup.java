package dev.wharf.server.group;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.coordinator.CoordinatorLog;
import dev.wharf.wire.message.ConsumerProtocolAssignment;
import dev.wharf.wire.message.ConsumerProtocolSubscription;
import dev.wharf.wire.protocol.Message;
import dev.wharf.wire.protocol.MessageWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A consumer group of the KIP-848 protocol: its members, the group epoch (bumped by every change
 * of membership, subscriptions or subscribed partition counts), the target assignment and the
 * epoch it was computed at. Members reconcile towards the target one heartbeat at a time
 * ({@link ConsumerReconciliation}). Committed offsets are in the {@link OffsetTable}.
 *
 * <p>Threads: io threads (heartbeats, decided on the group's partition writer), timer work on io
 * threads. Every field is guarded by the group's own monitor; nothing holding it waits for a log write.
 */
final class ConsumerGroup extends BrokerAssignedGroup {
    /** The states of a consumer group as ListGroups and ConsumerGroupDescribe name them. */
    static final String EMPTY = "Empty";
    static final String ASSIGNING = "Assigning";
    static final String RECONCILING = "Reconciling";
    static final String STABLE = "Stable";
    static final String DEAD = "Dead";

    int groupEpoch;
    int assignmentEpoch;
    final Map<String, ConsumerMember> members = new LinkedHashMap<>();
    /** group.instance.id → the member id holding it. */
    final Map<String, String> staticMembers = new HashMap<>();
    /** Each member's target assignment, as of {@link #assignmentEpoch}. */
    final Map<String, Map<String, Set<Integer>>> target = new TreeMap<>();
    /** The partition counts of the subscribed topics the target was computed for. */
    Map<String, Integer> subscribedCounts = Map.of();
    /**
     * The topics each member was last found subscribed to (names, and the regex matches it may
     * describe); not written: null after a restore, until the first refresh.
     */
    Map<String, Set<String>> resolvedSubscriptions;
    /** The assignor the target was computed with. */
    String assignorName = "";

    ConsumerGroup(String groupId, long nowMs) {
        super(groupId, nowMs);
    }

    /**
     * Whether a member other than {@code memberId} owns or is revoking a partition: one pass over
     * the members per decision, then a lookup per partition (use it under the group's monitor).
     */
    java.util.function.BiPredicate<String, Integer> heldByOthers(String memberId) {
        Map<String, Set<Integer>> held = new HashMap<>();
        boolean[] built = {false}; // built on the first question: a settled member asks none
        return (topic, partition) -> {
            if (!built[0]) {
                built[0] = true;
                for (ConsumerMember m : members.values()) {
                    if (!m.memberId.equals(memberId)) {
                        m.assigned.forEach((t, ps) -> held.computeIfAbsent(t, k -> new HashSet<>()).addAll(ps));
                        m.revoking.forEach((t, ps) -> held.computeIfAbsent(t, k -> new HashSet<>()).addAll(ps));
                    }
                }
            }
            Set<Integer> ps = held.get(topic);
            return ps != null && ps.contains(partition);
        };
    }

    void addMember(ConsumerMember m) {
        members.put(m.memberId, m);
        if (m.instanceId != null) {
            staticMembers.put(m.instanceId, m.memberId);
        }
    }

    void removeMember(ConsumerMember m) {
        members.remove(m.memberId, m);
        if (m.instanceId != null) {
            staticMembers.remove(m.instanceId, m.memberId);
        }
        target.remove(m.memberId);
        if (m.sessionTimer != null) {
            m.sessionTimer.cancel();
        }
    }

    ConsumerMember staticMember(String instanceId) {
        String id = instanceId == null ? null : staticMembers.get(instanceId);
        return id == null ? null : members.get(id);
    }

    Map<String, Set<Integer>> targetOf(String memberId) {
        return target.getOrDefault(memberId, TopicPartitions.NONE);
    }

    // ---- Group -------------------------------------------------------------------------------

    @Override
    public GroupType type() {
        return GroupType.CONSUMER;
    }

    @Override
    public String protocolType() {
        return "consumer";
    }

    @Override
    public String stateName() {
        if (dead) {
            return DEAD;
        }
        if (members.isEmpty()) {
            return EMPTY;
        }
        if (assignmentEpoch < groupEpoch) {
            return ASSIGNING;
        }
        for (ConsumerMember m : members.values()) {
            if (m.memberEpoch >= 0 && (m.memberEpoch != assignmentEpoch || m.state != ConsumerMember.State.STABLE)) {
                return RECONCILING;
            }
        }
        return STABLE;
    }

    @Override
    public boolean isEmpty() {
        return members.isEmpty();
    }

    @Override
    public boolean hadMembers() {
        return true;
    }

    @Override
    public void unload(long nowMs) {
        members.values().forEach(m -> {
            if (m.sessionTimer != null) {
                m.sessionTimer.cancel();
            }
        });
        markDead(nowMs);
        members.clear();
        staticMembers.clear();
    }

    @Override
    public ErrorCode validateOffsetCommit(String memberId, String groupInstanceId, int memberEpoch,
            boolean transactional, short apiVersion, long nowMs) {
        if (dead) {
            return ErrorCode.COORDINATOR_NOT_AVAILABLE;
        }
        if (memberEpoch < 0 && members.isEmpty()) {
            return ErrorCode.NONE; // an admin client, or a consumer assigning its own partitions
        }
        // as Kafka: once the group has members, even a transactional commit must name one of them
        ConsumerMember m = memberId == null ? null : members.get(memberId);
        if (m == null) {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        if (!transactional && m.classic == null && apiVersion < 9) {
            // OffsetCommit below v9 cannot carry a member epoch's meaning (STALE_MEMBER_EPOCH)
            return ErrorCode.UNSUPPORTED_VERSION;
        }
        if (epochCurrent(m, memberEpoch)) {
            return ErrorCode.NONE;
        }
        // a classic member knows generations, not member epochs
        return m.classic != null ? ErrorCode.ILLEGAL_GENERATION : ErrorCode.STALE_MEMBER_EPOCH;
    }

    /**
     * Whether a commit or fetch with this epoch comes from the member as it is now. The previous
     * epoch counts too: a member's epoch moves on in the response to a heartbeat, so a commit sent
     * before that response arrived carries the previous one; and a member never loses a partition
     * when its epoch moves (revocation happens before), so what it owned then it still owns.
     */
    private static boolean epochCurrent(ConsumerMember m, int memberEpoch) {
        return memberEpoch == m.memberEpoch || (memberEpoch > 0 && memberEpoch == m.previousMemberEpoch);
    }

    @Override
    public ErrorCode validateOffsetFetch(String memberId, int memberEpoch) {
        if (memberId == null || memberEpoch < 0) {
            return ErrorCode.NONE;
        }
        if (dead) {
            return ErrorCode.COORDINATOR_NOT_AVAILABLE;
        }
        ConsumerMember m = members.get(memberId);
        if (m == null) {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        return epochCurrent(m, memberEpoch) ? ErrorCode.NONE : ErrorCode.STALE_MEMBER_EPOCH;
    }

    @Override
    public List<CoordinatorLog.Entry> tombstones() {
        List<CoordinatorLog.Entry> out = new ArrayList<>();
        for (String memberId : members.keySet()) {
            out.addAll(ConsumerGroupRecords.memberTombstones(groupId, memberId));
        }
        out.add(ConsumerGroupRecords.groupTombstone(groupId));
        return out;
    }

    @Override
    public Subscriptions subscriptions() {
        if (members.isEmpty() || dead) {
            return new Subscriptions.None();
        }
        Set<String> topics = new HashSet<>(subscribedCounts.keySet());
        for (ConsumerMember m : members.values()) {
            topics.addAll(m.subscribedTopicNames);
        }
        return new Subscriptions.Topics(topics, STABLE.equals(stateName()));
    }

    /**
     * As DescribeGroups shows a consumer group (Kafka does so too): protocol type "consumer", the
     * assignor as protocol, each member's subscription and assignment in the classic encodings.
     */
    @Override
    public GroupCoordinator.GroupSummary summary(boolean withMembers) {
        List<GroupCoordinator.MemberSummary> out = new ArrayList<>();
        if (withMembers) {
            for (ConsumerMember m : members.values()) {
                out.add(new GroupCoordinator.MemberSummary(m.memberId, m.instanceId, m.clientId, m.clientHost,
                        subscriptionBytes(m), assignmentBytes(m.assigned)));
            }
        }
        return new GroupCoordinator.GroupSummary(groupId, type(), stateName(), protocolType(), assignorName, out);
    }

    private static byte[] subscriptionBytes(ConsumerMember m) {
        ConsumerProtocolSubscription s = new ConsumerProtocolSubscription()
                .setTopics(new ArrayList<>(m.subscribedTopicNames)).setRackId(m.rackId);
        return encode(s, (short) 3);
    }

    static byte[] assignmentBytes(Map<String, Set<Integer>> assigned) {
        List<ConsumerProtocolAssignment.TopicPartition> tps = new ArrayList<>();
        assigned.forEach((topic, ps) -> tps.add(new ConsumerProtocolAssignment.TopicPartition().setTopic(topic)
                .setPartitions(new ArrayList<>(ps))));
        return encode(new ConsumerProtocolAssignment().setAssignedPartitions(tps), (short) 3);
    }

    /** The classic consumer protocol's encoding: a version, then the message of that version. */
    private static byte[] encode(Message message, short version) {
        ByteBuf buf = Unpooled.buffer();
        try {
            MessageWriter w = new MessageWriter(buf);
            w.writeShort(version);
            message.write(w, version);
            byte[] out = new byte[buf.readableBytes()];
            buf.readBytes(out);
            return out;
        } finally {
            buf.release();
        }
    }
}
