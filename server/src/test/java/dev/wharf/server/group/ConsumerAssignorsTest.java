package dev.wharf.server.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The server-side assignors of consumer groups (KIP-848): pure functions of subscriptions and partition counts. */
class ConsumerAssignorsTest {
    private static ConsumerAssignor.Subscriber member(String id, Set<String> topics, Map<String, Set<Integer>> current) {
        return new ConsumerAssignor.Subscriber(id, null, topics, current);
    }

    private static int count(Map<String, Set<Integer>> a) {
        return TopicPartitions.count(a);
    }

    /** Every partition of the subscribed topics goes to exactly one member. */
    private static void assertCoversOnce(Map<String, Map<String, Set<Integer>>> out, Map<String, Integer> counts) {
        Set<String> seen = new HashSet<>();
        int total = 0;
        for (Map<String, Set<Integer>> a : out.values()) {
            for (Map.Entry<String, Set<Integer>> e : a.entrySet()) {
                for (int p : e.getValue()) {
                    assertTrue(seen.add(e.getKey() + "-" + p), "assigned twice: " + e.getKey() + "-" + p);
                    total++;
                }
            }
        }
        assertEquals(counts.values().stream().mapToInt(Integer::intValue).sum(), total);
    }

    // uniform: three members over six partitions get two each.
    @Test
    void uniformSplitsEvenly() {
        List<ConsumerAssignor.Subscriber> members = List.of(member("a", Set.of("t"), Map.of()),
                member("b", Set.of("t"), Map.of()), member("c", Set.of("t"), Map.of()));
        Map<String, Map<String, Set<Integer>>> out = new UniformAssignor().assign(members, Map.of("t", 6));
        assertCoversOnce(out, Map.of("t", 6));
        out.values().forEach(a -> assertEquals(2, count(a)));
    }

    // uniform: when a member leaves, the others keep what they had and share out only its partitions.
    @Test
    void uniformIsStickyWhenAMemberLeaves() {
        Map<String, Set<Integer>> a = Map.of("t", Set.of(0, 1));
        Map<String, Set<Integer>> b = Map.of("t", Set.of(2, 3));
        Map<String, Map<String, Set<Integer>>> out = new UniformAssignor().assign(
                List.of(member("a", Set.of("t"), a), member("b", Set.of("t"), b)), Map.of("t", 6));
        assertCoversOnce(out, Map.of("t", 6));
        assertTrue(out.get("a").get("t").containsAll(Set.of(0, 1)));
        assertTrue(out.get("b").get("t").containsAll(Set.of(2, 3)));
        assertEquals(3, count(out.get("a")));
        assertEquals(3, count(out.get("b")));
    }

    // uniform: a joining member takes only what evens the counts out, from the most loaded.
    @Test
    void uniformMovesTheFewestPartitionsWhenAMemberJoins() {
        Map<String, Set<Integer>> a = Map.of("t", Set.of(0, 1, 2, 3, 4, 5));
        Map<String, Map<String, Set<Integer>>> out = new UniformAssignor().assign(
                List.of(member("a", Set.of("t"), a), member("b", Set.of("t"), Map.of())), Map.of("t", 6));
        assertCoversOnce(out, Map.of("t", 6));
        assertEquals(3, count(out.get("a")));
        assertEquals(3, count(out.get("b")));
    }

    // uniform: members with different subscriptions get only their topics, as evenly as those allow.
    @Test
    void uniformHonoursDifferentSubscriptions() {
        Map<String, Integer> counts = Map.of("x", 4, "y", 2);
        Map<String, Map<String, Set<Integer>>> out = new UniformAssignor().assign(List.of(
                member("a", Set.of("x"), Map.of()), member("b", Set.of("x", "y"), Map.of()),
                member("c", Set.of("y"), Map.of())), counts);
        assertCoversOnce(out, counts);
        assertEquals(Set.of("x"), out.get("a").keySet());
        assertEquals(Set.of("y"), out.get("c").keySet());
        out.values().forEach(m -> assertEquals(2, count(m), out.toString()));
    }

    // uniform: partitions of a topic nobody subscribes to any more, or gone, are dropped from the target.
    @Test
    void uniformDropsPartitionsNoLongerSubscribed() {
        Map<String, Map<String, Set<Integer>>> out = new UniformAssignor().assign(
                List.of(member("a", Set.of("t"), Map.of("gone", Set.of(0), "t", Set.of(0, 7)))), Map.of("t", 2));
        assertEquals(Map.of("t", Set.of(0, 1)), out.get("a"));
    }

    // range: contiguous ranges per topic, the first members one extra; co-partitioned topics line up.
    @Test
    void rangeCutsContiguousRanges() {
        List<ConsumerAssignor.Subscriber> members = new ArrayList<>(List.of(member("b", Set.of("t", "u"), Map.of()),
                member("a", Set.of("t", "u"), Map.of())));
        Map<String, Map<String, Set<Integer>>> out = new RangeAssignor().assign(members, Map.of("t", 5, "u", 5));
        assertCoversOnce(out, Map.of("t", 5, "u", 5));
        assertEquals(Map.of("t", Set.of(0, 1, 2), "u", Set.of(0, 1, 2)), out.get("a"));
        assertEquals(Map.of("t", Set.of(3, 4), "u", Set.of(3, 4)), out.get("b"));
    }

    // range: more members than partitions leaves the last ones empty, but present.
    @Test
    void rangeWithMoreMembersThanPartitions() {
        Map<String, Map<String, Set<Integer>>> out = new RangeAssignor().assign(List.of(member("a", Set.of("t"), Map.of()),
                member("b", Set.of("t"), Map.of()), member("c", Set.of("t"), Map.of())), Map.of("t", 2));
        assertCoversOnce(out, Map.of("t", 2));
        assertEquals(Map.of(), out.get("c"));
    }

    @Test
    void assignorsByName() {
        assertEquals("uniform", ConsumerAssignor.named("uniform").name());
        assertEquals("range", ConsumerAssignor.named("org.apache.kafka.coordinator.group.assignor.RangeAssignor").name());
        assertEquals(null, ConsumerAssignor.named("sticky"));
    }
}
