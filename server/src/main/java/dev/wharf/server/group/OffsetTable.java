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

    /** How many offsets are committed, over every group (the metrics' offset-count). */
    int count() {
        int n = 0;
        for (Map<TopicPartition, CommittedOffset> offsets : byGroup.values()) {
            n += offsets.size();
        }
        return n;
    }

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
        pending.values().forEach(groups -> groups.remove(groupId));
    }

    /** Offsets committed in open transactions (TxnOffsetCommit), by producer id, then group. */
    private final Map<Long, Map<String, Map<TopicPartition, CommittedOffset>>> pending = new ConcurrentHashMap<>();

    void putPending(long producerId, String groupId, Map<TopicPartition, CommittedOffset> offsets) {
        pending.computeIfAbsent(producerId, p -> new ConcurrentHashMap<>())
                .computeIfAbsent(groupId, g -> new ConcurrentHashMap<>()).putAll(offsets);
    }

    /** Whether an open transaction holds an offset of the group's partition (OffsetFetch with require_stable). */
    boolean hasPending(String groupId, TopicPartition tp) {
        for (Map<String, Map<TopicPartition, CommittedOffset>> groups : pending.values()) {
            Map<TopicPartition, CommittedOffset> offsets = groups.get(groupId);
            if (offsets != null && offsets.containsKey(tp)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The producer's transaction ended for the groups {@code inPartition} accepts: on commit their
     * pending offsets become committed, on abort they are dropped.
     */
    void completePending(long producerId, boolean commit, java.util.function.Predicate<String> inPartition) {
        Map<String, Map<TopicPartition, CommittedOffset>> groups = pending.get(producerId);
        if (groups == null) {
            return;
        }
        for (String groupId : Set.copyOf(groups.keySet())) {
            if (inPartition.test(groupId)) {
                Map<TopicPartition, CommittedOffset> offsets = groups.remove(groupId);
                if (commit && offsets != null) {
                    putAll(groupId, offsets);
                }
            }
        }
        pending.computeIfPresent(producerId, (p, g) -> g.isEmpty() ? null : g);
    }
}
