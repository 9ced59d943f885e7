package dev.wharf.server.group;

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
 * kind's records are deleted. Groups with members are not converted (Kafka's online migration of
 * a live group is not implemented).
 *
 * <p>Threads: io threads and partition writers; the old group's monitor is held while it is
 * checked and replaced in the {@link GroupStore}. No state of its own beyond the policy.
 */
final class GroupMigration {
    private static final Logger log = LoggerFactory.getLogger(GroupMigration.class);

    private final GroupStore store;
    private final boolean upgrade;
    private final boolean downgrade;

    GroupMigration(GroupStore store) {
        this.store = store;
        String policy = store.config().get(BrokerKeys.GROUP_CONSUMER_MIGRATION_POLICY);
        this.upgrade = policy.equals("upgrade") || policy.equals("bidirectional");
        this.downgrade = policy.equals("downgrade") || policy.equals("bidirectional");
    }

    /**
     * The consumer group replacing an empty classic group, its tombstones added to {@code out}
     * (called on the group's partition writer); null when the policy or the group forbids it.
     */
    ConsumerGroup upgrade(ClassicGroup classic, long nowMs, List<CoordinatorLog.Entry> out) {
        if (!upgrade) {
            return null;
        }
        ConsumerGroup next = new ConsumerGroup(classic.groupId, nowMs);
        synchronized (classic) {
            if (!classic.isEmpty() || classic.isDead() || !store.replace(classic, next)) {
                return null;
            }
            classic.markDead(nowMs);
            out.addAll(classic.tombstones());
        }
        log.info("empty classic group {} converted to a consumer group", classic.groupId);
        return next;
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
