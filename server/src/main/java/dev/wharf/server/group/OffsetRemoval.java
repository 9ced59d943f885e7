package dev.wharf.server.group;

import dev.wharf.server.coordinator.CoordinatorLog;
import dev.wharf.server.coordinator.PartitionWriter;
import dev.wharf.logstore.TopicPartition;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Removes some of a group's committed offsets (retention, a deleted topic); an empty group left
 * with none is deleted with them. Which offsets go is decided on the partition writer, under the
 * group's monitor, from the offsets as they are then, so a commit queued before is seen and one
 * queued after finds the group Dead.
 *
 * <p>Threads: the group's partition writer only; the group's monitor guards the decision.
 */
final class OffsetRemoval implements PartitionWriter.LogWrite<Integer> {
    private final GroupStore store;
    private final Group group;
    private final Function<Map<TopicPartition, CommittedOffset>, Set<TopicPartition>> choose;
    private final boolean deleteEmptyWithoutOffsets;
    private final LongSupplier clock;
    private Set<TopicPartition> gone = Set.of();
    private boolean deleteGroup;
    private long emptySince;

    /**
     * @param choose picks, from the group's current offsets, those to remove
     * @param deleteEmptyWithoutOffsets whether an empty group with no offsets at all goes too
     */
    OffsetRemoval(GroupStore store, Group group,
            Function<Map<TopicPartition, CommittedOffset>, Set<TopicPartition>> choose,
            boolean deleteEmptyWithoutOffsets, LongSupplier clock) {
        this.store = store;
        this.group = group;
        this.choose = choose;
        this.deleteEmptyWithoutOffsets = deleteEmptyWithoutOffsets;
        this.clock = clock;
    }

    @Override
    public List<CoordinatorLog.Entry> records() {
        synchronized (group) {
            if (group.isDead()) {
                return List.of();
            }
            Map<TopicPartition, CommittedOffset> current = store.offsets().all(group.groupId());
            gone = choose.apply(current);
            deleteGroup = group.isEmpty() && gone.containsAll(current.keySet())
                    && (!gone.isEmpty() || deleteEmptyWithoutOffsets);
            if (deleteGroup) {
                emptySince = group.stateTimestampMs();
                group.markDead(clock.getAsLong());
            }
            return GroupPersistence.tombstones(group, gone, deleteGroup);
        }
    }

    @Override
    public Integer applied() {
        store.offsets().remove(group.groupId(), gone);
        if (deleteGroup) {
            store.remove(group);
        }
        return gone.size();
    }

    @Override
    public Integer failed(Exception cause) {
        if (deleteGroup) {
            synchronized (group) {
                group.revive(emptySince);
            }
        }
        return 0;
    }
}
