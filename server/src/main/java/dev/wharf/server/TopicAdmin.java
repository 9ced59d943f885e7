package dev.wharf.server;

import dev.wharf.controller.TopicInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.replica.ReplicaManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Topic administration as the admin APIs ask for it: validates, writes the change to the cluster
 * metadata, then applies it to this broker's replicas (creating the partitions it leads, applying
 * configs, deleting logs) and tells whoever listens for deletions. Thread-safe; called from the
 * I/O pool.
 */
public final class TopicAdmin {
    private final ZkMetadataStore metadata;
    private final ReplicaManager replicas;
    private final List<Consumer<String>> deletionListeners = new CopyOnWriteArrayList<>();

    public TopicAdmin(ZkMetadataStore metadata, ReplicaManager replicas) {
        this.metadata = metadata;
        this.replicas = replicas;
    }

    /** Creates a topic in the cluster metadata (every broker opens its replicas as it sees it, this one at once). */
    public TopicInfo createTopic(String name, int partitions, int replicationFactor, Map<String, String> configs)
            throws Exception {
        TopicConfigs.validate(configs);
        return metadata.createTopic(name, partitions, replicationFactor, configs);
    }

    /** Replaces a topic's config overrides (after validating them) and applies them to its live partitions. */
    public TopicInfo setTopicConfigs(TopicInfo topic, Map<String, String> overrides) throws Exception {
        TopicConfigs.validate(overrides);
        TopicInfo updated = metadata.setTopicConfigs(topic.name(), overrides);
        replicas.topicConfigChanged(updated);
        return updated;
    }

    /** Grows a topic to {@code count} partitions (the replicas open as the metadata reaches each broker). */
    public TopicInfo addPartitions(TopicInfo topic, int count) throws Exception {
        return metadata.addPartitions(topic.name(), count);
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
