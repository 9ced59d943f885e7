package dev.wharf.server.group;

import dev.wharf.controller.BrokerInfo;
import dev.wharf.server.replica.Partition;
import dev.wharf.server.BrokerConfig;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * What the group coordinator needs from the rest of the broker: the partitions of
 * {@code __consumer_offsets} and their replicas, and which topics exist. {@link BrokerOffsetsTopic}
 * answers from the broker's partitions; tests answer from a directory of logs.
 */
interface OffsetsTopic {
    String NAME = "__consumer_offsets";

    BrokerConfig config();

    /** How many partitions {@code __consumer_offsets} has; empty before it is created. */
    OptionalInt partitionCount();

    /** The partitions of {@code __consumer_offsets} this broker leads. */
    List<Integer> ledPartitions();

    /** A partition of {@code __consumer_offsets} this broker leads (created on first use); empty otherwise. */
    Optional<Partition> partition(int partition);

    /** How many partitions a topic has; -1 when there is no such topic. */
    int partitionsOf(String topic);

    /** Runs {@code listener} with the name of every topic deleted from now on. */
    void onTopicDeleted(Consumer<String> listener);

    /**
     * The live broker leading the partition of {@code groupId}, creating the topic on first use as
     * Kafka does; empty when that partition has no live leader, or while fewer brokers are
     * registered than the topic's replication factor (so it cannot be created yet).
     */
    Optional<BrokerInfo> coordinatorFor(String groupId) throws Exception;

    /** The partition a group's records go to (Kafka's mapping). */
    static int partitionFor(String groupId, int partitionCount) {
        return dev.wharf.server.coordinator.InternalTopic.partitionFor(groupId, partitionCount);
    }
}
