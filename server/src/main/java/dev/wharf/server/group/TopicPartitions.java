package dev.wharf.server.group;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Sets of partitions by topic name, as consumer groups (KIP-848) assign them: immutable sorted
 * maps from topic to partition numbers, never holding an empty set. Stateless helpers; any thread.
 */
final class TopicPartitions {
    static final Map<String, Set<Integer>> NONE = Map.of();

    private TopicPartitions() {}

    /** An immutable, sorted copy without empty topics. */
    static Map<String, Set<Integer>> copy(Map<String, ? extends Set<Integer>> partitions) {
        TreeMap<String, Set<Integer>> out = new TreeMap<>();
        partitions.forEach((topic, ps) -> {
            if (!ps.isEmpty()) {
                out.put(topic, Collections.unmodifiableSet(new TreeSet<>(ps)));
            }
        });
        return Collections.unmodifiableMap(out);
    }

    static Map<String, Set<Integer>> union(Map<String, Set<Integer>> a, Map<String, Set<Integer>> b) {
        TreeMap<String, Set<Integer>> out = mutable(a);
        b.forEach((topic, ps) -> out.computeIfAbsent(topic, t -> new TreeSet<>()).addAll(ps));
        return copy(out);
    }

    static Map<String, Set<Integer>> minus(Map<String, Set<Integer>> a, Map<String, Set<Integer>> b) {
        TreeMap<String, Set<Integer>> out = mutable(a);
        b.forEach((topic, ps) -> {
            Set<Integer> left = out.get(topic);
            if (left != null) {
                left.removeAll(ps);
            }
        });
        return copy(out);
    }

    static Map<String, Set<Integer>> intersect(Map<String, Set<Integer>> a, Map<String, Set<Integer>> b) {
        TreeMap<String, Set<Integer>> out = new TreeMap<>();
        a.forEach((topic, ps) -> {
            Set<Integer> other = b.get(topic);
            if (other != null) {
                Set<Integer> both = new TreeSet<>(ps);
                both.retainAll(other);
                out.put(topic, both);
            }
        });
        return copy(out);
    }

    static boolean overlap(Map<String, Set<Integer>> a, Map<String, Set<Integer>> b) {
        return !intersect(a, b).isEmpty();
    }

    static boolean contains(Map<String, Set<Integer>> a, String topic, int partition) {
        Set<Integer> ps = a.get(topic);
        return ps != null && ps.contains(partition);
    }

    static int count(Map<String, Set<Integer>> a) {
        return a.values().stream().mapToInt(Set::size).sum();
    }

    private static TreeMap<String, Set<Integer>> mutable(Map<String, Set<Integer>> a) {
        TreeMap<String, Set<Integer>> out = new TreeMap<>();
        a.forEach((topic, ps) -> out.put(topic, new TreeSet<>(ps)));
        return out;
    }
}
