package dev.wharf.server.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StreamsAssignorTest {
    private static final Map<String, Integer> TWO_SUBTOPOLOGIES = Map.of("0", 3, "1", 3);

    // every task goes to exactly one member, and the members' shares differ by at most one
    @Test
    void everyActiveTaskOnceAndBalanced() {
        for (int members = 1; members <= 7; members++) {
            List<StreamsAssignor.Member> ms = new ArrayList<>();
            for (int i = 0; i < members; i++) {
                ms.add(new StreamsAssignor.Member("m" + i, "p" + i, StreamsTasks.EMPTY));
            }
            Map<String, StreamsTasks> out = StreamsAssignor.assign(TWO_SUBTOPOLOGIES, ms, 0);
            assertEquals(members, out.size());
            Set<String> seen = new HashSet<>();
            int min = Integer.MAX_VALUE;
            int max = 0;
            for (StreamsTasks t : out.values()) {
                t.active().forEach((s, ps) -> ps.forEach(p -> assertTrue(seen.add(s + "_" + p), "twice: " + s + "_" + p)));
                min = Math.min(min, t.activeCount());
                max = Math.max(max, t.activeCount());
                assertTrue(t.standby().isEmpty());
            }
            assertEquals(6, seen.size());
            assertTrue(max - min <= 1, "unbalanced with " + members + " members: " + out);
        }
    }

    // a member joining takes tasks from the others; nobody else's tasks move between the ones who stay
    @Test
    void stickyWhenAMemberJoins() {
        Map<String, StreamsTasks> two = StreamsAssignor.assign(TWO_SUBTOPOLOGIES, List.of(
                new StreamsAssignor.Member("a", "pa", StreamsTasks.EMPTY),
                new StreamsAssignor.Member("b", "pb", StreamsTasks.EMPTY)), 0);
        Map<String, StreamsTasks> three = StreamsAssignor.assign(TWO_SUBTOPOLOGIES, List.of(
                new StreamsAssignor.Member("a", "pa", two.get("a")),
                new StreamsAssignor.Member("b", "pb", two.get("b")),
                new StreamsAssignor.Member("c", "pc", StreamsTasks.EMPTY)), 0);
        assertEquals(2, three.get("c").activeCount());
        for (String m : List.of("a", "b")) {
            assertEquals(2, three.get(m).activeCount());
            three.get(m).active().forEach((s, ps) -> assertTrue(two.get(m).active().get(s).containsAll(ps),
                    m + " got a task it did not have: " + three));
        }
    }

    // when a member leaves, only its tasks move
    @Test
    void stickyWhenAMemberLeaves() {
        Map<String, StreamsTasks> three = StreamsAssignor.assign(TWO_SUBTOPOLOGIES, List.of(
                new StreamsAssignor.Member("a", "pa", StreamsTasks.EMPTY),
                new StreamsAssignor.Member("b", "pb", StreamsTasks.EMPTY),
                new StreamsAssignor.Member("c", "pc", StreamsTasks.EMPTY)), 0);
        Map<String, StreamsTasks> two = StreamsAssignor.assign(TWO_SUBTOPOLOGIES, List.of(
                new StreamsAssignor.Member("a", "pa", three.get("a")),
                new StreamsAssignor.Member("b", "pb", three.get("b"))), 0);
        for (String m : List.of("a", "b")) {
            assertEquals(3, two.get(m).activeCount());
            three.get(m).active().forEach((s, ps) -> assertTrue(two.get(m).active().get(s).containsAll(ps),
                    m + " lost a task: " + two));
        }
    }

    // standbys: the configured number of copies, never on the active task's process nor twice on one process
    @Test
    void standbysOnOtherProcesses() {
        List<StreamsAssignor.Member> ms = List.of(
                new StreamsAssignor.Member("a1", "pa", StreamsTasks.EMPTY),
                new StreamsAssignor.Member("a2", "pa", StreamsTasks.EMPTY),
                new StreamsAssignor.Member("b", "pb", StreamsTasks.EMPTY),
                new StreamsAssignor.Member("c", "pc", StreamsTasks.EMPTY));
        Map<String, String> process = new HashMap<>();
        ms.forEach(m -> process.put(m.memberId(), m.processId()));
        Map<String, StreamsTasks> out = StreamsAssignor.assign(TWO_SUBTOPOLOGIES, ms, 2);
        Map<String, Set<String>> processesOfTask = new HashMap<>();
        out.forEach((m, t) -> {
            t.active().forEach((s, ps) -> ps.forEach(p ->
                    assertTrue(processesOfTask.computeIfAbsent(s + "_" + p, k -> new HashSet<>()).add(process.get(m)))));
        });
        out.forEach((m, t) -> t.standby().forEach((s, ps) -> ps.forEach(p -> assertTrue(
                processesOfTask.computeIfAbsent(s + "_" + p, k -> new HashSet<>()).add(process.get(m)),
                "task " + s + "_" + p + " twice on process " + process.get(m) + ": " + out))));
        processesOfTask.forEach((task, ps) -> assertEquals(3, ps.size(), task + " on " + ps));
    }

    // standbys spread evenly: three instances of two active tasks each hold two standbys each
    @Test
    void standbysBalanced() {
        Map<String, StreamsTasks> out = StreamsAssignor.assign(TWO_SUBTOPOLOGIES, List.of(
                new StreamsAssignor.Member("a", "pa", StreamsTasks.EMPTY),
                new StreamsAssignor.Member("b", "pb", StreamsTasks.EMPTY),
                new StreamsAssignor.Member("c", "pc", StreamsTasks.EMPTY)), 1);
        out.forEach((m, t) -> assertEquals(2, t.standby().values().stream().mapToInt(Set::size).sum(), out.toString()));
    }

    // a task whose owner left goes, where the balance allows, to the member whose process has its state (a standby)
    @Test
    void movedTaskPrefersTheProcessWithItsState() {
        StreamsTasks hadStandby = new StreamsTasks(Map.of("0", Set.of(0)), Map.of("0", Set.of(2)), Map.of());
        Map<String, StreamsTasks> out = StreamsAssignor.assign(Map.of("0", 3), List.of(
                new StreamsAssignor.Member("b", "pb", StreamsTasks.EMPTY),
                new StreamsAssignor.Member("c", "pc", hadStandby)), 0);
        assertEquals(Set.of(0, 2), out.get("c").active().get("0"), out.toString());
        assertEquals(Set.of(1), out.get("b").active().get("0"), out.toString());
        assertNotEquals(0, out.get("b").activeCount());
    }
}
