package dev.wharf.server.group;

import dev.wharf.wire.message.StreamsGroupHeartbeatResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The partitions each user endpoint serves, for interactive queries (KIP-1071): one entry per
 * member with an endpoint, naming the input partitions of its active tasks and of its standby and
 * warm-up tasks (task p of a subtopology reads partition p of each of its input topics that has
 * one). Stateless; called holding the group's monitor.
 */
final class StreamsEndpoints {
    private StreamsEndpoints() {}

    static List<StreamsGroupHeartbeatResponse.EndpointToPartitions> partitionsByEndpoint(StreamsGroup g) {
        List<StreamsGroupHeartbeatResponse.EndpointToPartitions> out = new ArrayList<>();
        for (StreamsMember m : g.members.values()) {
            if (m.userEndpoint == null) {
                continue;
            }
            out.add(new StreamsGroupHeartbeatResponse.EndpointToPartitions()
                    .setUserEndpoint(new StreamsGroupHeartbeatResponse.Endpoint().setHost(m.userEndpoint.host())
                            .setPort(m.userEndpoint.port()))
                    .setActivePartitions(partitions(g, m.assigned.active()))
                    .setStandbyPartitions(partitions(g, StreamsTasks.union(m.assigned.standby(), m.assigned.warmup()))));
        }
        return out;
    }

    private static List<StreamsGroupHeartbeatResponse.TopicPartition> partitions(StreamsGroup g,
            Map<String, Set<Integer>> tasks) {
        Map<String, Set<Integer>> byTopic = new TreeMap<>();
        StreamsConfiguredTopology c = g.configured;
        if (c != null) {
            tasks.forEach((subtopology, parts) -> {
                for (String topic : c.inputTopics().getOrDefault(subtopology, List.of())) {
                    int count = c.topicPartitions().getOrDefault(topic, -1);
                    for (int p : parts) {
                        if (p < count) {
                            byTopic.computeIfAbsent(topic, k -> new TreeSet<>()).add(p);
                        }
                    }
                }
            });
        }
        List<StreamsGroupHeartbeatResponse.TopicPartition> out = new ArrayList<>();
        byTopic.forEach((t, p) -> out.add(new StreamsGroupHeartbeatResponse.TopicPartition().setTopic(t)
                .setPartitions(new ArrayList<>(p))));
        return out;
    }
}
