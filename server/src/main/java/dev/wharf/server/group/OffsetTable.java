package dev.wharf.server.group;

import dev.wharf.server.coordinator.CoordinatorLog;
import dev.wharf.server.coordinator.PartitionWriter;
import dev.wharf.logstore.TopicPartition;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The committed offsets of every coordinated group, by group id, then topic-partition; whatever
 * kind the group is, and whether or not it has members.
 *
 * <p>Threads: read by io threads (OffsetFetch, decisions under a group's monitor). Changed only by
 * the {@link PartitionWriter} of the group's {@code __consumer_offsets} partition, right after the
 * change is durable, so the table holds what the log holds, in the log's order; and by the loader
 * before a partition's groups are published. The concurrent maps make each read see whole values;
 * no lock is involved.
 */
final class OffsetTable {
    private final Map<String, Map<TopicPartition, CommittedOffset>> byGroup = new ConcurrentHashMap<>();

    /** A copy of the group's committed offsets. */
    Map<TopicPartition, CommittedOffset> all(String groupId) {
        Map<TopicPartition, CommittedOffset> offsets = byGroup.get(groupId);
        return offsets == null ? Map.of() : new LinkedHashMap<>(offsets);
    }

    CommittedOffset get(String groupId, TopicPartition tp) {
        Map<TopicPartition, CommittedOffset> offsets = byGroup.get(groupId);
        return offsets == null ? null : offsets.get(tp);
    }

    /** The partitions the group has an offset for (a copy). */
    Set<TopicPartition> partitions(String groupId) {
        Map<TopicPartition, CommittedOffset> offsets = byGroup.get(groupId);
        return offsets == null ? Set.of() : Set.copyOf(offsets.keySet());
    }

    boolean has(String groupId) {
        Map<TopicPartition, CommittedOffset> offsets = byGroup.get(groupId);
        return offsets != null && !offsets.isEmpty();
    }

    void put(String groupId, TopicPartition tp, CommittedOffset offset) {
        byGroup.computeIfAbsent(groupId, g -> new ConcurrentHashMap<>()).put(tp, offset);
    }

    void putAll(String groupId, Map<TopicPartition, CommittedOffset> offsets) {
        if (!offsets.isEmpty()) {
            byGroup.computeIfAbsent(groupId, g -> new ConcurrentHashMap<>()).putAll(offsets);
        }
    }

    void remove(String groupId, Collection<TopicPartition> tps) {
        byGroup.computeIfPresent(groupId, (g, offsets) -> {
            tps.forEach(offsets::remove);
            return offsets.isEmpty() ? null : offsets;
        });
    }

    void removeGroup(String groupId) {
        byGroup.remove(groupId);
    }
}
