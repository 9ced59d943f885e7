package dev.wharf.server.group;

import dev.wharf.wire.message.StreamsGroupHeartbeatRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A streams application's topology as its members register it (KIP-1071): its epoch and
 * subtopologies, each with the topics it reads (source topics, source topic patterns, and the
 * repartition topics Streams creates), the repartition topics it writes, its state changelogs,
 * and the groups of its source topics that must have equal partition counts. Immutable; any thread.
 */
record StreamsTopology(int epoch, List<Subtopology> subtopologies) {

    /** An internal topic: a partition count (0: derived) and replication factor (0: the broker's default). */
    record TopicInfo(String name, int partitions, short replicationFactor, Map<String, String> configs) {
        TopicInfo {
            configs = Map.copyOf(configs);
        }
    }

    /** Indexes into the subtopology's source topics, source topic patterns and repartition source topics. */
    record CopartitionGroup(List<Short> sourceTopics, List<Short> sourceTopicRegex, List<Short> repartitionSourceTopics) {
        CopartitionGroup {
            sourceTopics = List.copyOf(sourceTopics);
            sourceTopicRegex = List.copyOf(sourceTopicRegex);
            repartitionSourceTopics = List.copyOf(repartitionSourceTopics);
        }
    }

    record Subtopology(String id, List<String> sourceTopics, List<String> sourceTopicRegex,
            List<TopicInfo> changelogTopics, List<String> repartitionSinkTopics, List<TopicInfo> repartitionSourceTopics,
            List<CopartitionGroup> copartitionGroups) {
        Subtopology {
            sourceTopics = List.copyOf(sourceTopics);
            sourceTopicRegex = List.copyOf(sourceTopicRegex);
            changelogTopics = List.copyOf(changelogTopics);
            repartitionSinkTopics = List.copyOf(repartitionSinkTopics);
            repartitionSourceTopics = List.copyOf(repartitionSourceTopics);
            copartitionGroups = List.copyOf(copartitionGroups);
        }
    }

    StreamsTopology {
        subtopologies = List.copyOf(subtopologies);
    }

    /**
     * Whether both are the same topology at the same epoch, whatever order the subtopologies come in
     * (Kafka keys them by id).
     */
    boolean sameAs(StreamsTopology other) {
        return other != null && epoch == other.epoch && byId().equals(other.byId());
    }

    private Map<String, Subtopology> byId() {
        Map<String, Subtopology> out = new LinkedHashMap<>();
        subtopologies.forEach(s -> out.put(s.id(), s));
        return out;
    }

    /** The subtopology with this id, or null. */
    Subtopology subtopology(String id) {
        for (Subtopology s : subtopologies) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        return null;
    }

    /** The topology a StreamsGroupHeartbeat carries. Null lists (a malformed request) read as empty. */
    static StreamsTopology from(StreamsGroupHeartbeatRequest.Topology t) {
        List<Subtopology> subs = new ArrayList<>();
        for (StreamsGroupHeartbeatRequest.Subtopology s : orEmpty(t.subtopologies())) {
            List<CopartitionGroup> groups = new ArrayList<>();
            for (StreamsGroupHeartbeatRequest.CopartitionGroup g : orEmpty(s.copartitionGroups())) {
                groups.add(new CopartitionGroup(orEmpty(g.sourceTopics()), orEmpty(g.sourceTopicRegex()),
                        orEmpty(g.repartitionSourceTopics())));
            }
            subs.add(new Subtopology(s.subtopologyId(), orEmpty(s.sourceTopics()), orEmpty(s.sourceTopicRegex()),
                    topics(s.stateChangelogTopics()), orEmpty(s.repartitionSinkTopics()),
                    topics(s.repartitionSourceTopics()), groups));
        }
        return new StreamsTopology(t.epoch(), subs);
    }

    private static List<TopicInfo> topics(List<StreamsGroupHeartbeatRequest.TopicInfo> in) {
        List<TopicInfo> out = new ArrayList<>();
        for (StreamsGroupHeartbeatRequest.TopicInfo i : orEmpty(in)) {
            Map<String, String> configs = new LinkedHashMap<>();
            for (StreamsGroupHeartbeatRequest.KeyValue kv : orEmpty(i.topicConfigs())) {
                configs.put(kv.key(), kv.value());
            }
            out.add(new TopicInfo(i.name(), i.partitions(), i.replicationFactor(), configs));
        }
        return out;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
