package dev.wharf.server.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class StreamsConfiguredTopologyTest {
    /** A word count: subtopology 0 reads input and writes the repartition topic, 1 reads it and keeps a store. */
    private static StreamsTopology wordCount(int repartitionPartitions) {
        return new StreamsTopology(0, List.of(
                new StreamsTopology.Subtopology("0", List.of("input"), List.of(), List.of(), List.of("app-rep"), List.of(),
                        List.of()),
                new StreamsTopology.Subtopology("1", List.of(), List.of(),
                        List.of(new StreamsTopology.TopicInfo("app-changelog", 0, (short) 0, Map.of())), List.of(),
                        List.of(new StreamsTopology.TopicInfo("app-rep", repartitionPartitions, (short) 0, Map.of())),
                        List.of())));
    }

    private static StreamsConfiguredTopology configure(StreamsTopology t, Map<String, Integer> topics) {
        return StreamsConfiguredTopology.configure(t,
                n -> topics.containsKey(n) ? OptionalInt.of(topics.get(n)) : OptionalInt.empty(), topics.keySet());
    }

    // internal topics are sized as Kafka's broker sizes them: the repartition topic like the subtopology writing
    // it, the changelog like its subtopology's task count; missing ones are to be created
    @Test
    void internalTopicsDerivedAndToCreate() {
        StreamsConfiguredTopology c = configure(wordCount(0), Map.of("input", 4));
        assertEquals(StreamsStatus.MISSING_INTERNAL_TOPICS, c.problem());
        Map<String, Integer> sizes = new HashMap<>();
        c.toCreate().forEach(t -> sizes.put(t.name(), t.partitions()));
        assertEquals(Map.of("app-rep", 4, "app-changelog", 4), sizes);
        c.toCreate().forEach(t -> assertEquals(t.name().equals("app-rep") ? "delete" : "compact",
                t.configs().get("cleanup.policy")));

        StreamsConfiguredTopology ready = configure(wordCount(0), Map.of("input", 4, "app-rep", 4, "app-changelog", 4));
        assertNull(ready.problem());
        assertEquals(Map.of("0", 4, "1", 4), ready.tasks());
    }

    // a repartition topic's fixed count wins; an existing internal topic of another size is an error
    @Test
    void fixedCountsAndWrongSizes() {
        StreamsConfiguredTopology fixed = configure(wordCount(2), Map.of("input", 4, "app-rep", 2, "app-changelog", 2));
        assertNull(fixed.problem());
        assertEquals(Map.of("0", 4, "1", 2), fixed.tasks());
        StreamsConfiguredTopology wrong = configure(wordCount(0), Map.of("input", 4, "app-rep", 3, "app-changelog", 4));
        assertEquals(StreamsStatus.INCORRECTLY_PARTITIONED_TOPICS, wrong.problem());
    }

    // repartition topics chained through subtopologies (listed last to first) take the size of the first input
    @Test
    void chainedRepartitionTopics() {
        StreamsTopology.TopicInfo rep1 = new StreamsTopology.TopicInfo("rep1", 0, (short) 0, Map.of());
        StreamsTopology.TopicInfo rep2 = new StreamsTopology.TopicInfo("rep2", 0, (short) 0, Map.of());
        StreamsTopology chain = new StreamsTopology(0, List.of(
                new StreamsTopology.Subtopology("2", List.of(), List.of(), List.of(), List.of(), List.of(rep2), List.of()),
                new StreamsTopology.Subtopology("1", List.of(), List.of(), List.of(), List.of("rep2"), List.of(rep1),
                        List.of()),
                new StreamsTopology.Subtopology("0", List.of("input"), List.of(), List.of(), List.of("rep1"), List.of(),
                        List.of())));
        StreamsConfiguredTopology c = configure(chain, Map.of("input", 5, "rep1", 5, "rep2", 5));
        assertNull(c.problem());
        assertEquals(Map.of("0", 5, "1", 5, "2", 5), c.tasks());
        assertEquals(StreamsStatus.INCORRECTLY_PARTITIONED_TOPICS,
                configure(chain, Map.of("input", 5, "rep1", 5, "rep2", 3)).problem());
    }

    // a missing source topic: nothing to assign, and MISSING_SOURCE_TOPICS
    @Test
    void missingSourceTopic() {
        StreamsConfiguredTopology c = configure(wordCount(0), Map.of());
        assertEquals(StreamsStatus.MISSING_SOURCE_TOPICS, c.problem());
        assertEquals(Map.of(), c.tasks());
    }

    // source topics of a copartition group must agree
    @Test
    void copartitionedSourcesMustAgree() {
        StreamsTopology join = new StreamsTopology(0, List.of(new StreamsTopology.Subtopology("0", List.of("left", "right"),
                List.of(), List.of(), List.of(), List.of(),
                List.of(new StreamsTopology.CopartitionGroup(List.of((short) 0, (short) 1), List.of(), List.of())))));
        assertEquals(StreamsStatus.INCORRECTLY_PARTITIONED_TOPICS, configure(join, Map.of("left", 2, "right", 3)).problem());
        assertNull(configure(join, Map.of("left", 3, "right", 3)).problem());
    }
}
