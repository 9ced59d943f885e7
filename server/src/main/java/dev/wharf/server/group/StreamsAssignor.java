package dev.wharf.server.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The sticky task assignor of streams groups: active tasks spread evenly over the members (each
 * gets ⌊T/M⌋ or ⌈T/M⌉), every member keeping what it had as far as that balance allows, a task
 * that must move going first to a member of the process that had it (its state is there), then to
 * the member reporting the highest offset sum for its state (the task offsets of its heartbeats,
 * as Kafka 4.4's sticky assignor ranks them), then to the least loaded member; then
 * {@code numStandbys} standby copies of each task, each on a process other than the active one's
 * and other than the other copies', preferring where a copy was, then a member reporting state for
 * it (highest offset sum first), then the member with the fewest copies. No warm-up tasks: Kafka
 * 4.4.0's broker assigns none (see the README's streams section).
 * Deterministic for the same input. Stateless; any thread.
 */
final class StreamsAssignor {
    private StreamsAssignor() {}

    /**
     * A member as the assignor sees it: its process, the tasks it was last given (its previous
     * target), and the offset sums it reported for the tasks whose state it has (subtopology →
     * partition → offset sum).
     */
    record Member(String memberId, String processId, StreamsTasks previous, Map<String, Map<Integer, Long>> taskOffsets) {
        Member(String memberId, String processId, StreamsTasks previous) {
            this(memberId, processId, previous, Map.of());
        }

        /** The offset sum it reported for the task, or null when it reported none. */
        Long reportedOffset(String subtopology, int partition) {
            Map<Integer, Long> p = taskOffsets.get(subtopology);
            return p == null ? null : p.get(partition);
        }
    }

    private record Task(String subtopology, int partition) {}

    /** The target assignment of every member; members with nothing get {@link StreamsTasks#EMPTY}. */
    static Map<String, StreamsTasks> assign(Map<String, Integer> taskCounts, List<Member> members, int numStandbys) {
        List<Member> sorted = new ArrayList<>(members);
        sorted.sort(Comparator.comparing(Member::memberId));
        Map<String, Map<String, Set<Integer>>> active = new LinkedHashMap<>();
        Map<String, Map<String, Set<Integer>>> standby = new LinkedHashMap<>();
        sorted.forEach(m -> {
            active.put(m.memberId(), new TreeMap<>());
            standby.put(m.memberId(), new TreeMap<>());
        });
        if (!sorted.isEmpty()) {
            List<Task> tasks = tasks(taskCounts);
            assignActive(tasks, sorted, active);
            if (numStandbys > 0) {
                assignStandbys(tasks, sorted, active, standby, numStandbys);
            }
        }
        Map<String, StreamsTasks> out = new LinkedHashMap<>();
        for (Member m : sorted) {
            out.put(m.memberId(), new StreamsTasks(active.get(m.memberId()), standby.get(m.memberId()), Map.of()));
        }
        return out;
    }

    /** Every task, by partition then subtopology, so that a member's share spans the subtopologies. */
    private static List<Task> tasks(Map<String, Integer> taskCounts) {
        List<Task> out = new ArrayList<>();
        new TreeMap<>(taskCounts).forEach((s, n) -> {
            for (int p = 0; p < n; p++) {
                out.add(new Task(s, p));
            }
        });
        out.sort(Comparator.comparingInt(Task::partition).thenComparing(Task::subtopology));
        return out;
    }

    private static void assignActive(List<Task> tasks, List<Member> members, Map<String, Map<String, Set<Integer>>> active) {
        int base = tasks.size() / members.size();
        int[] extra = {tasks.size() % members.size()};
        Map<String, Integer> load = new HashMap<>();
        members.forEach(m -> load.put(m.memberId(), 0));
        Set<Task> placed = new HashSet<>();
        // keep what each had, up to the even share; then one more each while the remainder lasts
        for (int round = 0; round < 2; round++) {
            for (Member m : members) {
                for (Task t : tasks) {
                    if (placed.contains(t) || !has(m.previous().active(), t)) {
                        continue;
                    }
                    int l = load.get(m.memberId());
                    boolean fits = round == 0 ? l < base : l == base && extra[0] > 0;
                    if (!fits) {
                        break;
                    }
                    if (round == 1) {
                        extra[0]--;
                    }
                    give(active, m, t, load, placed);
                    if (round == 1) {
                        break;
                    }
                }
            }
        }
        for (Task t : tasks) {
            if (placed.contains(t)) {
                continue;
            }
            Member chosen = null;
            Member reporting = null;
            for (Member m : members) {
                if (!fits(load.get(m.memberId()), base, extra[0])) {
                    continue;
                }
                boolean stateHere = members.stream().anyMatch(o -> Objects.equals(o.processId(), m.processId())
                        && (has(o.previous().active(), t) || has(o.previous().standby(), t) || has(o.previous().warmup(), t)));
                if (stateHere) {
                    chosen = m;
                    reporting = null;
                    break;
                }
                if (moreCaughtUp(m, reporting, t)) {
                    reporting = m;
                }
                if (chosen == null || load.get(m.memberId()) < load.get(chosen.memberId())) {
                    chosen = m;
                }
            }
            if (reporting != null) {
                chosen = reporting;
            }
            if (load.get(chosen.memberId()) == base) {
                extra[0]--;
            }
            give(active, chosen, t, load, placed);
        }
    }

    private static boolean fits(int load, int base, int extraLeft) {
        return load < base || (load == base && extraLeft > 0);
    }

    private static void give(Map<String, Map<String, Set<Integer>>> to, Member m, Task t, Map<String, Integer> load,
            Set<Task> placed) {
        to.get(m.memberId()).computeIfAbsent(t.subtopology(), k -> new TreeSet<>()).add(t.partition());
        load.merge(m.memberId(), 1, Integer::sum);
        placed.add(t);
    }

    private static void assignStandbys(List<Task> tasks, List<Member> members,
            Map<String, Map<String, Set<Integer>>> active, Map<String, Map<String, Set<Integer>>> standby, int copies) {
        Map<String, Integer> load = new HashMap<>();
        Map<String, Integer> copiesHeld = new HashMap<>();
        for (Member m : members) {
            load.put(m.memberId(), active.get(m.memberId()).values().stream().mapToInt(Set::size).sum());
            copiesHeld.put(m.memberId(), 0);
        }
        for (Task t : tasks) {
            Set<String> processes = new HashSet<>();
            for (Member m : members) {
                if (has(active.get(m.memberId()), t)) {
                    processes.add(m.processId());
                }
            }
            for (int c = 0; c < copies; c++) {
                Member chosen = null;
                boolean chosenHadIt = false;
                for (Member m : members) {
                    if (processes.contains(m.processId())) {
                        continue;
                    }
                    boolean hadIt = has(m.previous().standby(), t) || has(m.previous().warmup(), t);
                    int byState = chosen == null ? 0 : hadIt != chosenHadIt ? (hadIt ? 1 : -1)
                            : hadIt ? 0 : stateRank(m, chosen, t);
                    if (chosen == null || byState > 0 || (byState == 0 && fewer(m, chosen, copiesHeld, load))) {
                        chosen = m;
                        chosenHadIt = hadIt;
                    }
                }
                if (chosen == null) {
                    break; // too few processes for more copies
                }
                processes.add(chosen.processId());
                standby.get(chosen.memberId()).computeIfAbsent(t.subtopology(), k -> new TreeSet<>()).add(t.partition());
                load.merge(chosen.memberId(), 1, Integer::sum);
                copiesHeld.merge(chosen.memberId(), 1, Integer::sum);
            }
        }
    }

    /** Fewer standbys, then fewer tasks in all: standbys spread evenly, as far as the processes allow. */
    private static boolean fewer(Member m, Member than, Map<String, Integer> copies, Map<String, Integer> load) {
        int c = Integer.compare(copies.get(m.memberId()), copies.get(than.memberId()));
        return c != 0 ? c < 0 : load.get(m.memberId()) < load.get(than.memberId());
    }

    /** Whether {@code m} reports state for the task and more of it than {@code than} (null: none yet). */
    private static boolean moreCaughtUp(Member m, Member than, Task t) {
        Long offset = m.reportedOffset(t.subtopology(), t.partition());
        if (offset == null) {
            return false;
        }
        Long other = than == null ? null : than.reportedOffset(t.subtopology(), t.partition());
        return other == null || offset > other;
    }

    /** 1 when {@code m} reports more state for the task than {@code than}, -1 when less, 0 when alike. */
    private static int stateRank(Member m, Member than, Task t) {
        return moreCaughtUp(m, than, t) ? 1 : moreCaughtUp(than, m, t) ? -1 : 0;
    }

    private static boolean has(Map<String, Set<Integer>> tasks, Task t) {
        Set<Integer> p = tasks.get(t.subtopology());
        return p != null && p.contains(t.partition());
    }
}
