package dev.wharf.server.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code range} assignor: each topic's partitions are cut into contiguous ranges, one per
 * member subscribed to it, the first members (by instance id, else member id) taking one extra
 * when the count does not divide evenly. Members subscribed to the same co-partitioned topics
 * thus get the same partition numbers of each. Stateless; any thread.
 */
final class RangeAssignor implements ConsumerAssignor {
    @Override
    public String name() {
        return "range";
    }

    @Override
    public Map<String, Map<String, Set<Integer>>> assign(List<Subscriber> members, Map<String, Integer> partitionCounts) {
        Map<String, Map<String, Set<Integer>>> out = new TreeMap<>();
        members.forEach(m -> out.put(m.memberId(), new TreeMap<>()));
        Comparator<Subscriber> order = Comparator.comparing(
                (Subscriber m) -> m.instanceId() != null ? m.instanceId() : m.memberId()).thenComparing(Subscriber::memberId);
        new TreeMap<>(partitionCounts).forEach((topic, count) -> {
            List<Subscriber> subscribed = new ArrayList<>(members.stream().filter(m -> m.topics().contains(topic)).toList());
            if (subscribed.isEmpty() || count <= 0) {
                return;
            }
            subscribed.sort(order);
            int each = count / subscribed.size();
            int extra = count % subscribed.size();
            int next = 0;
            for (int i = 0; i < subscribed.size(); i++) {
                int size = each + (i < extra ? 1 : 0);
                Set<Integer> range = new TreeSet<>();
                for (int p = next; p < next + size; p++) {
                    range.add(p);
                }
                next += size;
                if (!range.isEmpty()) {
                    out.get(subscribed.get(i).memberId()).put(topic, range);
                }
            }
        });
        Map<String, Map<String, Set<Integer>>> frozen = new TreeMap<>();
        out.forEach((member, a) -> frozen.put(member, TopicPartitions.copy(a)));
        return frozen;
    }
}
