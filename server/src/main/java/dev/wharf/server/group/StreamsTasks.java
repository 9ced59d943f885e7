package dev.wharf.server.group;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A member's tasks of each role (KIP-1071): active, standby and warm-up, each as subtopology id →
 * partitions (task ids). Immutable; every map and set is a sorted copy, so equal assignments are
 * equal and print alike. Any thread.
 */
record StreamsTasks(Map<String, Set<Integer>> active, Map<String, Set<Integer>> standby,
        Map<String, Set<Integer>> warmup) {
    static final StreamsTasks EMPTY = new StreamsTasks(Map.of(), Map.of(), Map.of());

    StreamsTasks {
        active = copy(active);
        standby = copy(standby);
        warmup = copy(warmup);
    }

    boolean isEmpty() {
        return active.isEmpty() && standby.isEmpty() && warmup.isEmpty();
    }

    /** Whether any task of any role here is also in {@code other} with the same role. */
    boolean containsAny(StreamsTasks other) {
        return overlaps(active, other.active) || overlaps(standby, other.standby) || overlaps(warmup, other.warmup);
    }

    StreamsTasks plus(StreamsTasks other) {
        return new StreamsTasks(union(active, other.active), union(standby, other.standby), union(warmup, other.warmup));
    }

    int activeCount() {
        return active.values().stream().mapToInt(Set::size).sum();
    }

    static Map<String, Set<Integer>> copy(Map<String, Set<Integer>> tasks) {
        Map<String, Set<Integer>> out = new TreeMap<>();
        tasks.forEach((subtopology, partitions) -> {
            if (!partitions.isEmpty()) {
                out.put(subtopology, java.util.Collections.unmodifiableSet(new TreeSet<>(partitions)));
            }
        });
        return java.util.Collections.unmodifiableMap(out);
    }

    static Map<String, Set<Integer>> union(Map<String, Set<Integer>> a, Map<String, Set<Integer>> b) {
        Map<String, Set<Integer>> out = new TreeMap<>();
        a.forEach((s, p) -> out.computeIfAbsent(s, k -> new TreeSet<>()).addAll(p));
        b.forEach((s, p) -> out.computeIfAbsent(s, k -> new TreeSet<>()).addAll(p));
        return out;
    }

    static boolean overlaps(Map<String, Set<Integer>> a, Map<String, Set<Integer>> b) {
        for (Map.Entry<String, Set<Integer>> e : a.entrySet()) {
            Set<Integer> other = b.get(e.getKey());
            if (other != null && e.getValue().stream().anyMatch(other::contains)) {
                return true;
            }
        }
        return false;
    }
}
