package dev.wharf.server.group;

import dev.wharf.controller.TopicInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/**
 * Share groups' simple assignor: partitions of a topic are spread over the members subscribed to
 * it; with at least as many members as partitions every member gets one partition and partitions
 * are shared (three members on one partition all read it), with fewer members each partition goes
 * to one member, round robin. Members are taken in member-id order so the result depends only on
 * who is in the group. Stateless; any thread.
 */
final class ShareAssignor {
    private ShareAssignor() {}

    static Map<String, Map<UUID, List<Integer>>> assign(Collection<ShareGroup.Member> members,
            Function<String, Optional<TopicInfo>> topics) {
        Map<String, Map<UUID, List<Integer>>> out = new HashMap<>();
        Map<String, List<String>> subscribers = new TreeMap<>();
        for (ShareGroup.Member m : members) {
            out.put(m.memberId, new HashMap<>());
            for (String t : m.subscribedTopics) {
                subscribers.computeIfAbsent(t, k -> new ArrayList<>()).add(m.memberId);
            }
        }
        subscribers.forEach((name, ids) -> topics.apply(name).ifPresent(topic -> {
            ids.sort(null);
            int partitions = topic.partitions().size();
            if (partitions == 0) {
                return;
            }
            if (ids.size() >= partitions) {
                for (int i = 0; i < ids.size(); i++) {
                    add(out.get(ids.get(i)), topic.id(), i % partitions);
                }
            } else {
                for (int p = 0; p < partitions; p++) {
                    add(out.get(ids.get(p % ids.size())), topic.id(), p);
                }
            }
        }));
        return out;
    }

    private static void add(Map<UUID, List<Integer>> assignment, UUID topicId, int partition) {
        assignment.computeIfAbsent(topicId, k -> new ArrayList<>()).add(partition);
    }
}
