package dev.wharf.server.group;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.config.BrokerKeys;
import dev.wharf.server.coordinator.CoordinatorLog;
import dev.wharf.server.coordinator.PartitionWriter;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Conversion of an empty group between the classic protocol and the consumer protocol (KIP-848),
 * as {@code group.consumer.migration.policy} allows: a consumer-protocol member joining an empty
 * classic group upgrades it, a classic JoinGroup for an empty consumer group downgrades it. The
 * group keeps its id and its committed offsets (they live in the {@link OffsetTable}); the old
 * kind's records are deleted. A classic group with members converts too, stable or (as Kafka)
 * in the middle of a rebalance, which is cut short: its members stay, as classic members of the
 * consumer group ({@link ConsumerClassicMembers}); once the last member of the consumer protocol
 * leaves, a group of classic members goes back to the classic protocol and rebalances there.
 *
 * <p>Threads: io threads and partition writers; the old group's monitor is held while it is
 * checked and replaced in the {@link GroupStore}. No state of its own beyond the policy.
 */
final class GroupMigration {
    private static final Logger log = LoggerFactory.getLogger(GroupMigration.class);

    private final GroupStore store;
    private final boolean upgrade;
    private final boolean downgrade;
    private final int maxSize;
    private volatile java.util.function.Consumer<ClassicGroup> afterDowngrade;

    GroupMigration(GroupStore store) {
        this.store = store;
        String policy = store.config().get(BrokerKeys.GROUP_CONSUMER_MIGRATION_POLICY);
        this.upgrade = policy.equals("upgrade") || policy.equals("bidirectional");
        this.downgrade = policy.equals("downgrade") || policy.equals("bidirectional");
        this.maxSize = store.config().get(BrokerKeys.GROUP_CONSUMER_MAX_SIZE);
    }

    /**
     * The consumer group replacing a classic group (empty, or with members of the consumer
     * protocol, as Kafka: stable or in the middle of a rebalance), its records added to {@code out}
     * (called on the group's partition writer); null when the policy or the group forbids it.
     */
    ConsumerGroup upgrade(ClassicGroup classic, long nowMs, List<CoordinatorLog.Entry> out) {
        if (!upgrade) {
            return null;
        }
        ConsumerGroup next = new ConsumerGroup(classic.groupId, nowMs);
        synchronized (classic) {
            if (classic.isDead() || classic.members.size() > maxSize
                    || (!classic.isEmpty() && !takeMembers(classic, next, nowMs))) {
                return null;
            }
            if (!store.replace(classic, next)) {
                return null;
            }
            interruptRebalance(classic);
            classic.unload(nowMs); // its timers stop, and it is Dead for whoever still holds it
            out.addAll(classic.tombstones());
        }
        synchronized (next) {
            if (!next.members.isEmpty()) {
                out.add(ConsumerGroupRecords.groupEntry(next));
                for (ConsumerMember m : next.members.values()) {
                    out.add(ConsumerGroupRecords.memberEntry(next.groupId, m));
                    out.add(ConsumerGroupRecords.targetEntry(next.groupId, m.memberId, m.assigned));
                    out.add(ConsumerGroupRecords.currentEntry(next.groupId, m));
                }
            }
        }
        log.info("classic group {} with {} members converted to a consumer group", classic.groupId, next.members.size());
        return next;
    }

    /**
     * A rebalance cut short by the conversion: as Kafka, the members waiting in JoinGroup or
     * SyncGroup are answered REBALANCE_IN_PROGRESS, so they join again, now the consumer group's.
     */
    private static void interruptRebalance(ClassicGroup classic) {
        for (GroupMember gm : classic.members.values()) {
            if (gm.awaitingJoin != null) {
                gm.awaitingJoin.complete(GroupCoordinator.JoinResult.error(ErrorCode.REBALANCE_IN_PROGRESS, gm.memberId));
                gm.awaitingJoin = null;
            }
            if (gm.awaitingSync != null) {
                gm.awaitingSync.complete(GroupCoordinator.SyncResult.error(ErrorCode.REBALANCE_IN_PROGRESS));
                gm.awaitingSync = null;
            }
        }
    }

    /**
     * The members of a classic consumer group, as classic members of the consumer group at the
     * classic generation, each owning what the leader last assigned it (nothing for one that joined
     * during the rebalance); false if the group is not of the consumer protocol, never completed a
     * rebalance (no generation to carry over), or a subscription or assignment cannot be read.
     */
    private static boolean takeMembers(ClassicGroup classic, ConsumerGroup next, long nowMs) {
        if (!"consumer".equals(classic.protocolType) || classic.generation <= 0) {
            return false;
        }
        for (GroupMember gm : classic.members.values()) {
            // mid-rebalance a member that joined late may not offer the protocol chosen before
            String protocol = classic.protocolName != null && gm.protocols.containsKey(classic.protocolName)
                    ? classic.protocolName
                    : gm.protocols.keySet().stream().findFirst().orElse(null);
            ConsumerClassicMembers.Subscription sub = ConsumerClassicMembers.subscription(gm.metadata(protocol));
            java.util.Map<String, java.util.Set<Integer>> assigned = ConsumerClassicMembers.assignment(gm.assignment);
            if (sub == null || assigned == null) {
                return false;
            }
            ConsumerMember m = new ConsumerMember(gm.memberId);
            m.instanceId = gm.groupInstanceId;
            m.clientId = gm.clientId;
            m.clientHost = gm.clientHost;
            m.rebalanceTimeoutMs = gm.rebalanceTimeoutMs;
            m.subscribedTopicNames = sub.topics();
            m.rackId = sub.rackId();
            m.classic = new ConsumerMember.ClassicProtocol(gm.sessionTimeoutMs, new java.util.LinkedHashMap<>(gm.protocols));
            m.memberEpoch = classic.generation;
            m.previousMemberEpoch = classic.generation;
            m.assigned = assigned;
            m.sessionDeadlineMs = nowMs + gm.sessionTimeoutMs;
            next.addMember(m);
            next.target.put(m.memberId, assigned);
        }
        next.groupEpoch = classic.generation;
        next.assignmentEpoch = classic.generation;
        return true;
    }

    /**
     * After the last member of the consumer protocol left: the classic group replacing a consumer
     * group whose members all speak the classic protocol, at the group epoch as its generation, in
     * a new rebalance (started by the classic coordinator's hook); its records go to {@code out}.
     * Null when the policy forbids it or some member is not classic. Call holding the group's monitor.
     */
    ClassicGroup downgradeLive(ConsumerGroup group, long nowMs, List<CoordinatorLog.Entry> out) {
        java.util.function.Consumer<ClassicGroup> adopt = afterDowngrade;
        if (!downgrade || adopt == null || group.members.isEmpty()
                || group.members.values().stream().anyMatch(m -> m.classic == null)) {
            return null;
        }
        String protocol = null;
        for (String candidate : group.members.values().iterator().next().classic.protocols().keySet()) {
            if (group.members.values().stream().allMatch(m -> m.classic.protocols().containsKey(candidate))) {
                protocol = candidate;
                break;
            }
        }
        if (protocol == null) {
            return null;
        }
        ClassicGroup next = new ClassicGroup(group.groupId, nowMs);
        next.protocolType = "consumer";
        next.protocolName = protocol;
        next.generation = group.groupEpoch;
        next.leaderId = group.members.keySet().iterator().next();
        for (ConsumerMember m : group.members.values()) {
            GroupMember gm = new GroupMember(m.memberId, m.instanceId, m.clientId, m.clientHost, m.rebalanceTimeoutMs,
                    m.classic.sessionTimeoutMs(), m.classic.protocols());
            gm.assignment = ConsumerGroup.assignmentBytes(m.assigned);
            next.members.put(m.memberId, gm);
            if (m.instanceId != null) {
                next.staticMembers.put(m.instanceId, m.memberId);
            }
        }
        next.state = GroupState.STABLE;
        if (!store.replace(group, next)) {
            return null;
        }
        out.addAll(group.tombstones());
        group.unload(nowMs); // its timers stop, and it is Dead for whoever still holds it
        synchronized (next) {
            out.add(GroupPersistence.groupEntry(next));
            adopt.accept(next);
        }
        log.info("consumer group {} has only classic members left: converted to a classic group", group.groupId);
        return next;
    }

    /** Set once at wiring: how the classic coordinator takes over a group converted back (timers, rebalance). */
    void onDowngrade(java.util.function.Consumer<ClassicGroup> adopt) {
        this.afterDowngrade = adopt;
    }

    /**
     * The classic group replacing an empty consumer group, whose tombstones are queued on its
     * partition writer ahead of anything the classic group writes; null when the policy or the
     * group forbids it.
     */
    ClassicGroup downgrade(ConsumerGroup group, long nowMs) {
        Optional<PartitionWriter> writer = store.writerFor(group.groupId);
        if (!downgrade || writer.isEmpty()) {
            return null;
        }
        ClassicGroup next = new ClassicGroup(group.groupId, nowMs);
        synchronized (group) {
            if (!group.isEmpty() || group.isDead() || !store.replace(group, next)) {
                return null;
            }
            List<CoordinatorLog.Entry> tombstones = group.tombstones();
            group.markDead(nowMs);
            writer.get().write(PartitionWriter.fixed(tombstones));
        }
        log.info("empty consumer group {} converted to a classic group", group.groupId);
        return next;
    }
}
