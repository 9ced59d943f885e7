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

    // a task that must move goes to the member reporting the most state for it (its task offsets), as Kafka 4.4's
    // sticky assignor ranks candidates; with no report it would go to the first least loaded member
    @Test
    void movingTaskGoesToTheMemberReportingTheMostState() {
        StreamsTasks had = new StreamsTasks(Map.of("0", Set.of(0, 1)), Map.of(), Map.of());
        for (boolean cAheadOfB : List.of(true, false)) {
            Map<String, StreamsTasks> out = StreamsAssignor.assign(Map.of("0", 2), List.of(
                    new StreamsAssignor.Member("a", "pa", had),
                    new StreamsAssignor.Member("b", "pb", StreamsTasks.EMPTY, Map.of("0", Map.of(1, cAheadOfB ? 500L : 900L))),
                    new StreamsAssignor.Member("c", "pc", StreamsTasks.EMPTY, Map.of("0", Map.of(1, cAheadOfB ? 900L : 500L)))),
                    0);
            assertEquals(Map.of("0", Set.of(0)), out.get("a").active(), out::toString);
            String expected = cAheadOfB ? "c" : "b";
            assertEquals(Map.of("0", Set.of(1)), out.get(expected).active(), out::toString);
            assertTrue(out.values().stream().allMatch(t -> t.warmup().isEmpty()), "no warm-ups: " + out);
        }
        // the reports are the only difference: without them b, the first least loaded member, gets 0_1
        Map<String, StreamsTasks> plain = StreamsAssignor.assign(Map.of("0", 2), List.of(
                new StreamsAssignor.Member("a", "pa", had), new StreamsAssignor.Member("b", "pb", StreamsTasks.EMPTY),
                new StreamsAssignor.Member("c", "pc", StreamsTasks.EMPTY)), 0);
        assertEquals(Map.of("0", Set.of(1)), plain.get("b").active(), plain::toString);
    }

    // the process that held the task still comes first: a report elsewhere does not pull the task away from it
    @Test
    void previousCopyOnTheProcessBeatsAReport() {
        StreamsTasks standbyOf1 = new StreamsTasks(Map.of(), Map.of("0", Set.of(1)), Map.of());
        Map<String, StreamsTasks> out = StreamsAssignor.assign(Map.of("0", 2), List.of(
                new StreamsAssignor.Member("a", "pa", new StreamsTasks(Map.of("0", Set.of(0, 1)), Map.of(), Map.of())),
                new StreamsAssignor.Member("b", "pb", StreamsTasks.EMPTY, Map.of("0", Map.of(1, 900L))),
                new StreamsAssignor.Member("c", "pc", standbyOf1)), 0);
        assertEquals(Map.of("0", Set.of(1)), out.get("c").active(), out::toString);
    }

    // a standby goes first where a copy was, then to the member reporting the most state for the task
    @Test
    void standbyGoesToTheMemberReportingState() {
        StreamsTasks active0 = new StreamsTasks(Map.of("0", Set.of(0)), Map.of(), Map.of());
        Map<String, StreamsTasks> out = StreamsAssignor.assign(Map.of("0", 1), List.of(
                new StreamsAssignor.Member("a", "pa", active0),
                new StreamsAssignor.Member("b", "pb", StreamsTasks.EMPTY),
                new StreamsAssignor.Member("c", "pc", StreamsTasks.EMPTY, Map.of("0", Map.of(0, 10L)))), 1);
        assertEquals(Map.of("0", Set.of(0)), out.get("c").standby(), out::toString);
        assertTrue(out.get("b").standby().isEmpty(), out::toString);

        StreamsTasks standby0 = new StreamsTasks(Map.of(), Map.of("0", Set.of(0)), Map.of());
        out = StreamsAssignor.assign(Map.of("0", 1), List.of(
                new StreamsAssignor.Member("a", "pa", active0),
                new StreamsAssignor.Member("b", "pb", standby0),
                new StreamsAssignor.Member("c", "pc", StreamsTasks.EMPTY, Map.of("0", Map.of(0, 10L)))), 1);
        assertEquals(Map.of("0", Set.of(0)), out.get("b").standby(), "the previous standby keeps it: " + out);
    }
}
