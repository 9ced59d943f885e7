package dev.wharf.server.api;

import dev.wharf.controller.InvalidReplicaAssignmentException;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.TopicNames;
import dev.wharf.wire.message.CreateTopicsRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The checks a CreateTopics topic passes on its own, before its configs and the cluster are looked
 * at, with Kafka's errors and messages: a legal name; replica lists or counts, not both; counts
 * above 0, or -1 for the broker's default (KIP-464); and replica lists numbered 0 to n - 1, each
 * once ({@link #replicaLists}). Stateless.
 */
final class NewTopicChecks {
    /**
     * The most partitions one CreateTopics or CreatePartitions request may add (Kafka's, since
     * KAFKA-17870 and KAFKA-19673): a count of two billion would otherwise have the broker build
     * replica lists until its heap ran out.
     */
    static final int MAX_NEW_PARTITIONS_PER_REQUEST = 10_000;
    static final String TOO_MANY_PARTITIONS = "Excessively large number of partitions per request.";

    /** Why a topic was refused. */
    record Refusal(ErrorCode error, String message) {}

    private NewTopicChecks() {}

    /** Null when the topic's name and counts may be asked for; otherwise why not. */
    static Refusal check(CreateTopicsRequest.CreatableTopic t) {
        if (!TopicNames.isValid(t.name())) {
            return new Refusal(ErrorCode.INVALID_TOPIC_EXCEPTION, ErrorCode.clipped(TopicNames.invalidity(t.name())));
        }
        if (!t.assignments().isEmpty() && (t.numPartitions() != -1 || t.replicationFactor() != -1)) {
            return new Refusal(ErrorCode.INVALID_REQUEST, "Both numPartitions or replicationFactor and replica "
                    + "assignments were set; with assignments, both must be -1.");
        }
        if (t.numPartitions() == 0 || t.numPartitions() < -1) {
            return new Refusal(ErrorCode.INVALID_PARTITIONS,
                    "Number of partitions must be larger than 0, or -1 to use the default value.");
        }
        if (t.replicationFactor() == 0 || t.replicationFactor() < -1) {
            return new Refusal(ErrorCode.INVALID_REPLICATION_FACTOR,
                    "Replication factor must be larger than 0, or -1 to use the default value.");
        }
        return null;
    }

    /** The replica lists of a request, by partition number; the partitions must be numbered 0 to n - 1, each once. */
    static List<List<Integer>> replicaLists(List<CreateTopicsRequest.CreatableReplicaAssignment> assignments) {
        Map<Integer, List<Integer>> byIndex = new TreeMap<>();
        for (CreateTopicsRequest.CreatableReplicaAssignment a : assignments) {
            if (byIndex.put(a.partitionIndex(), a.brokerIds()) != null) {
                throw new InvalidReplicaAssignmentException("Partition " + a.partitionIndex() + " is assigned twice.");
            }
        }
        List<List<Integer>> out = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> e : byIndex.entrySet()) {
            if (e.getKey() != out.size()) {
                throw new InvalidReplicaAssignmentException("Partitions must be numbered 0 to n - 1; the assignment "
                        + "has partitions " + byIndex.keySet() + ".");
            }
            out.add(List.copyOf(e.getValue()));
        }
        return out;
    }
}
