package dev.wharf.server.group;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code uniform} assignor (Kafka's default): spreads all subscribed partitions as evenly as
 * the subscriptions allow, and keeps each partition with its current member where it can, so a
 * member joining or leaving moves only the partitions needed to even the counts out. Three steps:
 * every member keeps the current partitions it still subscribes to; the partitions left go one
 * by one to the least loaded member subscribed to them; then partitions move from the most to the
 * least loaded members until no move can make the counts more even. Stateless; any thread.
 */
final class UniformAssignor implements ConsumerAssignor {
    @Override
    public String name() {
        return "uniform";
    }

    @Override
    public Map<String, Map<String, Set<Integer>>> assign(List<Subscriber> members, Map<String, Integer> partitionCounts) {
        Map<String, Subscriber> byId = new LinkedHashMap<>();
        members.forEach(m -> byId.put(m.memberId(), m));
        Map<String, List<Slot>> owned = new LinkedHashMap<>();
        members.forEach(m -> owned.put(m.memberId(), new ArrayList<>()));
        Set<Slot> taken = new TreeSet<>();
        // 1. stickiness: current partitions still subscribed to and existing stay where they are
        for (Subscriber m : members) {
            m.current().forEach((topic, ps) -> {
                int count = partitionCounts.getOrDefault(topic, 0);
                if (m.topics().contains(topic)) {
                    for (int p : ps) {
                        Slot s = new Slot(topic, p);
                        if (p < count && taken.add(s)) {
                            owned.get(m.memberId()).add(s);
                        }
                    }
                }
            });
        }
        // 2. the rest, each to the least loaded member subscribed to its topic
        new TreeMap<>(partitionCounts).forEach((topic, count) -> {
            for (int p = 0; p < count; p++) {
                Slot s = new Slot(topic, p);
                if (taken.contains(s)) {
                    continue;
                }
                String least = null;
                for (Subscriber m : members) {
                    if (m.topics().contains(topic)
                            && (least == null || owned.get(m.memberId()).size() < owned.get(least).size())) {
                        least = m.memberId();
                    }
                }
                if (least != null) {
                    owned.get(least).add(s);
                    taken.add(s);
                }
            }
        });
        // 3. even out: each move takes a partition from a member holding at least two more than the receiver
        int bound = taken.size() * Math.max(1, members.size()) + 1;
        for (int i = 0; i < bound && moveOne(members, owned); i++) {
            // each move lowers the spread of the counts; the bound only guards against a mistake
        }
        Map<String, Map<String, Set<Integer>>> out = new TreeMap<>();
        owned.forEach((member, slots) -> {
            Map<String, Set<Integer>> a = new TreeMap<>();
            slots.forEach(s -> a.computeIfAbsent(s.topic(), t -> new TreeSet<>()).add(s.partition()));
            out.put(member, TopicPartitions.copy(a));
        });
        return out;
    }

    /** Moves one partition from the most loaded member to a member with at least two fewer; false if none can move. */
    private static boolean moveOne(List<Subscriber> members, Map<String, List<Slot>> owned) {
        List<Subscriber> byLoad = new ArrayList<>(members);
        byLoad.sort((a, b) -> Integer.compare(owned.get(b.memberId()).size(), owned.get(a.memberId()).size()));
        for (Subscriber giver : byLoad) {
            List<Slot> giverSlots = owned.get(giver.memberId());
            for (int r = byLoad.size() - 1; r >= 0; r--) {
                Subscriber receiver = byLoad.get(r);
                List<Slot> receiverSlots = owned.get(receiver.memberId());
                if (giverSlots.size() < receiverSlots.size() + 2) {
                    break; // receivers only get more loaded from here on
                }
                for (int j = giverSlots.size() - 1; j >= 0; j--) {
                    Slot s = giverSlots.get(j);
                    if (receiver.topics().contains(s.topic())) {
                        giverSlots.remove(j);
                        receiverSlots.add(s);
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private record Slot(String topic, int partition) implements Comparable<Slot> {
        @Override
        public int compareTo(Slot o) {
            int c = topic.compareTo(o.topic);
            return c != 0 ? c : Integer.compare(partition, o.partition);
        }
    }
}
