package dev.wharf.server.group;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A topology checked against the cluster's topics, as Kafka's coordinator does for streams groups:
 * source patterns resolved, the partition counts of repartition topics derived from the
 * subtopologies writing them and from their copartition groups, each subtopology's task count (the
 * most partitions among the topics it reads), each changelog's partition count (its subtopology's
 * task count), and what is wrong: source topics missing, topics not copartitioned or internal
 * topics of the wrong size, internal topics still to create. Only a topology with no problem has
 * tasks to assign. Immutable; computed on an io thread with no lock held.
 *
 * @param problem null when the topology is ready
 * @param tasks subtopology id → number of tasks (empty unless ready)
 * @param inputTopics subtopology id → the topics its tasks read (sources, patterns resolved, and repartition sources)
 * @param toCreate internal topics missing, with the partition count they must have
 * @param topicPartitions the partition count of every topic looked at, or -1 when missing: a change means a new assignment
 */
record StreamsConfiguredTopology(StreamsStatus problem, String detail, Map<String, Integer> tasks,
        Map<String, List<String>> inputTopics, List<StreamsTopology.TopicInfo> toCreate,
        Map<String, Integer> topicPartitions) {

    boolean ready() {
        return problem == null;
    }

    /**
     * @param partitionCount a topic's partition count, empty when it does not exist
     * @param allTopics every topic's name, for source patterns
     */
    static StreamsConfiguredTopology configure(StreamsTopology topology, Function<String, OptionalInt> partitionCount,
            Collection<String> allTopics) {
        Map<String, Integer> seen = new TreeMap<>();
        Function<String, Integer> count = t -> seen.computeIfAbsent(t, n -> partitionCount.apply(n).orElse(-1));
        Map<String, List<String>> sources = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (StreamsTopology.Subtopology s : topology.subtopologies()) {
            List<String> topics = new ArrayList<>(s.sourceTopics());
            for (String regex : s.sourceTopicRegex()) {
                List<String> matched = matching(regex, allTopics);
                if (matched.isEmpty()) {
                    missing.add("pattern " + regex);
                }
                topics.addAll(matched);
            }
            for (String t : s.sourceTopics()) {
                if (count.apply(t) < 0) {
                    missing.add(t);
                }
            }
            sources.put(s.id(), topics);
        }
        if (!missing.isEmpty()) {
            return problem(StreamsStatus.MISSING_SOURCE_TOPICS, "Source topics " + String.join(", ", missing)
                    + " are missing.", seen);
        }
        Map<String, Integer> repartition = repartitionCounts(topology, sources, count);
        if (repartition == null) {
            return problem(StreamsStatus.MISSING_SOURCE_TOPICS,
                    "The partition counts of the repartition topics cannot be derived.", seen);
        }
        String copartitionError = enforceCopartitioning(topology, sources, count, repartition);
        if (copartitionError != null) {
            return problem(StreamsStatus.INCORRECTLY_PARTITIONED_TOPICS, copartitionError, seen);
        }
        Map<String, Integer> tasks = new LinkedHashMap<>();
        Map<String, List<String>> inputs = new LinkedHashMap<>();
        List<StreamsTopology.TopicInfo> internal = new ArrayList<>();
        for (StreamsTopology.Subtopology s : topology.subtopologies()) {
            List<String> reads = new ArrayList<>(sources.get(s.id()));
            int n = reads.stream().mapToInt(count::apply).max().orElse(0);
            for (StreamsTopology.TopicInfo r : s.repartitionSourceTopics()) {
                reads.add(r.name());
                n = Math.max(n, repartition.get(r.name()));
            }
            tasks.put(s.id(), n);
            inputs.put(s.id(), List.copyOf(reads));
            for (StreamsTopology.TopicInfo r : s.repartitionSourceTopics()) {
                internal.add(withDefaults(r, repartition.get(r.name()), "delete"));
            }
            for (StreamsTopology.TopicInfo c : s.changelogTopics()) {
                internal.add(withDefaults(c, c.partitions() > 0 ? c.partitions() : n, "compact"));
            }
        }
        List<StreamsTopology.TopicInfo> toCreate = new ArrayList<>();
        for (StreamsTopology.TopicInfo t : internal) {
            int existing = count.apply(t.name());
            if (existing < 0) {
                toCreate.add(t);
            } else if (existing != t.partitions()) {
                return problem(StreamsStatus.INCORRECTLY_PARTITIONED_TOPICS, "Existing internal topic " + t.name()
                        + " has " + existing + " partitions instead of " + t.partitions() + ".", seen);
            }
        }
        if (!toCreate.isEmpty()) {
            return new StreamsConfiguredTopology(StreamsStatus.MISSING_INTERNAL_TOPICS, "Internal topics "
                    + toCreate.stream().map(StreamsTopology.TopicInfo::name).toList() + " are missing.", Map.of(),
                    inputs, toCreate, seen);
        }
        return new StreamsConfiguredTopology(null, null, tasks, inputs, List.of(), seen);
    }

    private static StreamsConfiguredTopology problem(StreamsStatus status, String detail, Map<String, Integer> seen) {
        return new StreamsConfiguredTopology(status, detail, Map.of(), Map.of(), List.of(), seen);
    }

    /** Streams' cleanup policy when the client asked for none: compacted changelogs, deleting repartition topics. */
    private static StreamsTopology.TopicInfo withDefaults(StreamsTopology.TopicInfo t, int partitions, String cleanup) {
        Map<String, String> configs = new LinkedHashMap<>(t.configs());
        configs.putIfAbsent("cleanup.policy", cleanup);
        return new StreamsTopology.TopicInfo(t.name(), partitions, t.replicationFactor(), configs);
    }

    private static List<String> matching(String regex, Collection<String> allTopics) {
        try {
            Pattern p = Pattern.compile(regex);
            return allTopics.stream().filter(t -> !t.startsWith("__") && p.matcher(t).matches()).sorted().toList();
        } catch (PatternSyntaxException e) {
            return List.of();
        }
    }

    /**
     * Each repartition topic's partition count: the one the topology fixes, else the most tasks of
     * the subtopologies writing it (whose own counts may come from other repartition topics, hence
     * the rounds); null when some cannot be derived.
     */
    private static Map<String, Integer> repartitionCounts(StreamsTopology topology, Map<String, List<String>> sources,
            Function<String, Integer> count) {
        Map<String, Integer> known = new HashMap<>();
        List<String> unknown = new ArrayList<>();
        for (StreamsTopology.Subtopology s : topology.subtopologies()) {
            for (StreamsTopology.TopicInfo r : s.repartitionSourceTopics()) {
                if (r.partitions() > 0) {
                    known.put(r.name(), r.partitions());
                } else if (!unknown.contains(r.name())) {
                    unknown.add(r.name());
                }
            }
        }
        // each round settles at least one more topic if any can be: as many rounds as topics suffice
        for (int round = 0; round < unknown.size() && !known.keySet().containsAll(unknown); round++) {
            for (String topic : unknown) {
                int most = -1;
                for (StreamsTopology.Subtopology writer : topology.subtopologies()) {
                    if (!writer.repartitionSinkTopics().contains(topic)) {
                        continue;
                    }
                    int n = sources.get(writer.id()).stream().mapToInt(count::apply).max().orElse(-1);
                    for (StreamsTopology.TopicInfo r : writer.repartitionSourceTopics()) {
                        n = Math.max(n, known.getOrDefault(r.name(), -1));
                    }
                    most = Math.max(most, n);
                }
                if (most > 0) {
                    known.put(topic, most);
                }
            }
        }
        return known.keySet().containsAll(unknown) ? known : null;
    }

    /**
     * Topics of one copartition group must have equal partition counts: source topics must agree
     * already (else the error); repartition topics without a fixed count take theirs, or the most
     * among the group's repartition topics when it has no source topic.
     */
    private static String enforceCopartitioning(StreamsTopology topology, Map<String, List<String>> sources,
            Function<String, Integer> count, Map<String, Integer> repartition) {
        Map<String, Boolean> fixed = new HashMap<>();
        topology.subtopologies().forEach(s -> s.repartitionSourceTopics()
                .forEach(r -> fixed.put(r.name(), r.partitions() > 0)));
        for (StreamsTopology.Subtopology s : topology.subtopologies()) {
            for (StreamsTopology.CopartitionGroup g : s.copartitionGroups()) {
                Map<String, Integer> external = new LinkedHashMap<>();
                for (short i : g.sourceTopics()) {
                    if (i >= 0 && i < s.sourceTopics().size()) {
                        String t = s.sourceTopics().get(i);
                        external.put(t, count.apply(t));
                    }
                }
                List<String> internal = new ArrayList<>();
                for (short i : g.repartitionSourceTopics()) {
                    if (i >= 0 && i < s.repartitionSourceTopics().size()) {
                        internal.add(s.repartitionSourceTopics().get(i).name());
                    }
                }
                if (external.values().stream().distinct().count() > 1) {
                    return "Source topics " + external + " must be copartitioned.";
                }
                int target = external.isEmpty()
                        ? internal.stream().mapToInt(repartition::get).max().orElse(0)
                        : external.values().iterator().next();
                for (String r : internal) {
                    if (!fixed.get(r)) {
                        repartition.put(r, target);
                    } else if (repartition.get(r) != target) {
                        return "Repartition topic " + r + " has " + repartition.get(r) + " partitions, not " + target + ".";
                    }
                }
            }
        }
        return null;
    }
}
