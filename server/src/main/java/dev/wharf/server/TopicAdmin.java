package dev.wharf.server;

import dev.wharf.controller.BrokerInfo;
import dev.wharf.controller.ReplicaPlacement;
import dev.wharf.controller.ReplicaPlacement.MixedRacks;
import dev.wharf.controller.TopicInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.replica.ReplicaManager;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Topic administration as the admin APIs ask for it: validates, writes the change to the cluster
 * metadata, then applies it to this broker's replicas (creating the partitions it leads, applying
 * configs, deleting logs) and tells whoever listens for deletions. Replicas go where a request's
 * replica lists say, else where {@link ReplicaPlacement} puts them: for admin requests, refusing
 * when only some brokers have a rack; for topics created on first use, then placing by id (Kafka's
 * "safe" mode). The {@code check} methods run the same checks without writing (validateOnly).
 * Thread-safe; called from the I/O pool.
 */
public final class TopicAdmin {
    private final ZkMetadataStore metadata;
    private final ReplicaManager replicas;
    private final List<Consumer<String>> deletionListeners = new CopyOnWriteArrayList<>();

    public TopicAdmin(ZkMetadataStore metadata, ReplicaManager replicas) {
        this.metadata = metadata;
        this.replicas = replicas;
    }

    /** Creates a topic in the cluster metadata, its replicas placed by {@link ReplicaPlacement} (every broker opens its replicas as it sees it). */
    public TopicInfo createTopic(String name, int partitions, int replicationFactor, Map<String, String> configs)
            throws Exception {
        TopicConfigs.validate(configs);
        return metadata.createTopic(name, partitions, replicationFactor, configs);
    }

    /** Creates a topic with the replicas given for each partition (by number; the first leads). */
    public TopicInfo createTopic(String name, List<List<Integer>> assignment, Map<String, String> configs)
            throws Exception {
        TopicConfigs.validate(configs);
        return metadata.createTopic(name, assignment, configs);
    }

    /**
     * Creates a topic on first use (a Metadata request, a coordinator's internal topic): as
     * {@link #createTopic(String, int, int, Map)}, but with brokers' racks used only when every
     * live broker has one, so a half-configured cluster still works.
     */
    public TopicInfo autoCreateTopic(String name, int partitions, int replicationFactor, Map<String, String> configs)
            throws Exception {
        List<List<Integer>> assignment = ReplicaPlacement.over(metadata.liveBrokers(), MixedRacks.IGNORE_RACKS)
                .forNewTopic(partitions, replicationFactor);
        return createTopic(name, assignment, configs);
    }

    /** Throws what {@link #createTopic(String, int, int, Map)} would for these counts, and writes nothing. */
    public void checkCreate(int partitions, int replicationFactor) throws Exception {
        ReplicaPlacement.over(metadata.liveBrokers(), MixedRacks.REFUSE).forNewTopic(partitions, replicationFactor);
    }

    /** Throws what {@link #createTopic(String, List, Map)} would for these replicas, and writes nothing. */
    public void checkCreate(List<List<Integer>> assignment) throws Exception {
        ReplicaPlacement.checkAssignment(assignment, liveBrokerIds(), OptionalInt.empty());
    }


    /** Replaces a topic's config overrides (after validating them); every broker applies them to its replicas as it sees the change. */
    public TopicInfo setTopicConfigs(TopicInfo topic, Map<String, String> overrides) throws Exception {
        TopicConfigs.validate(overrides);
        // the write updates the metadata cache before it returns, whose listener (the replica manager) applies it
        return metadata.setTopicConfigs(topic.name(), overrides);
    }

    /** Grows a topic to {@code count} partitions, placed like a new topic's. */
    public TopicInfo addPartitions(TopicInfo topic, int count) throws Exception {
        return metadata.addPartitions(topic.name(), count);
    }

    /** Adds one partition per replica list given, with those replicas. */
    public TopicInfo addPartitions(TopicInfo topic, List<List<Integer>> newAssignments) throws Exception {
        return metadata.addPartitions(topic.name(), newAssignments);
    }

    /** Throws what {@link #addPartitions(TopicInfo, int)} would, and writes nothing. */
    public void checkAddPartitions(TopicInfo topic, int count) throws Exception {
        ReplicaPlacement.over(metadata.liveBrokers(), MixedRacks.REFUSE).forNewPartitions(replicaLists(topic), count);
    }

    /** Throws what {@link #addPartitions(TopicInfo, List)} would, and writes nothing. */
    public void checkAddPartitions(TopicInfo topic, List<List<Integer>> newAssignments) throws Exception {
        ReplicaPlacement.checkAssignment(newAssignments, liveBrokerIds(),
                OptionalInt.of(topic.partitions().get(0).replicas().size()));
    }


    private static List<List<Integer>> replicaLists(TopicInfo topic) {
        return topic.partitions().stream().map(TopicInfo.PartitionInfo::replicas).toList();
    }

    private List<Integer> liveBrokerIds() throws Exception {
        return metadata.liveBrokers().stream().map(BrokerInfo::id).toList();
    }

    /** Runs {@code listener} with the name of every topic deleted from now on (after its logs are gone). */
    public void onTopicDeleted(Consumer<String> listener) {
        deletionListeners.add(listener);
    }

    /** Deletes a topic: its metadata, then its partitions and logs; then tells the listeners. */
    public void deleteTopic(TopicInfo topic) throws Exception {
        metadata.deleteTopic(topic.name());
        replicas.topicDeleted(topic);
        deletionListeners.forEach(l -> l.accept(topic.name()));
    }
}
