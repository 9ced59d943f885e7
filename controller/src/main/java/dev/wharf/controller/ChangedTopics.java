package dev.wharf.controller;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The topics changed in ZooKeeper since {@link MetadataCache} last read them, each with the
 * partitions whose state alone changed, or {@link #WHOLE} when anything else of it did (its
 * assignment, its configs, a partition added). On {@code wharf-zk-events} only.
 */
final class ChangedTopics {
    /** Read the whole topic. */
    static final Set<Integer> WHOLE = java.util.Collections.unmodifiableSet(new HashSet<>());

    private Map<String, Set<Integer>> changed = new HashMap<>();

    /** Records a change of {@code partition}'s state, or (-1) of the topic; true when it is the first since the last drain. */
    boolean add(String topic, int partition) {
        boolean first = changed.isEmpty();
        Set<Integer> partitions = changed.get(topic);
        if (partition < 0) {
            changed.put(topic, WHOLE);
        } else if (partitions == null) {
            changed.put(topic, new HashSet<>(Set.of(partition)));
        } else if (partitions != WHOLE) {
            partitions.add(partition);
        }
        return first;
    }

    /** The changes recorded so far, forgotten here. */
    Map<String, Set<Integer>> drain() {
        Map<String, Set<Integer>> out = changed;
        changed = new HashMap<>();
        return out;
    }
}
