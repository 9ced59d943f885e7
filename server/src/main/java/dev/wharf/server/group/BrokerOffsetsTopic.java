package dev.wharf.server.group;

import dev.wharf.controller.BrokerInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.BrokerConfig;
import dev.wharf.server.TopicAdmin;
import dev.wharf.server.TopicConfigs;
import dev.wharf.server.coordinator.InternalTopic;
import dev.wharf.server.config.BrokerKeys;
import dev.wharf.server.replica.Partition;
import dev.wharf.server.replica.ReplicaManager;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * {@code __consumer_offsets} as the broker has it: an {@link InternalTopic} with the offsets
 * settings, and the topics' deletions from topic administration. The one place the group package
 * reaches into the rest of the broker. Any thread.
 */
final class BrokerOffsetsTopic implements OffsetsTopic {
    private final BrokerConfig config;
    private final ZkMetadataStore metadata;
    private final TopicAdmin admin;
    private final InternalTopic topic;

    BrokerOffsetsTopic(BrokerConfig config, ZkMetadataStore metadata, TopicAdmin admin, ReplicaManager replicas) {
        this.config = config;
        this.metadata = metadata;
        this.admin = admin;
        Map<String, String> configs = Map.ofEntries(Map.entry("cleanup.policy", "compact"),
                TopicConfigs.segmentSize(config.get(BrokerKeys.OFFSETS_TOPIC_SEGMENT_BYTES)));
        this.topic = new InternalTopic(new InternalTopic.Spec(NAME, config.get(BrokerKeys.OFFSETS_TOPIC_NUM_PARTITIONS),
                config.get(BrokerKeys.OFFSETS_TOPIC_REPLICATION_FACTOR), BrokerKeys.OFFSETS_TOPIC_REPLICATION_FACTOR.name(),
                configs), config.brokerId(), metadata, admin, replicas);
    }

    @Override
    public BrokerConfig config() {
        return config;
    }

    @Override
    public OptionalInt partitionCount() {
        return topic.partitionCount();
    }

    @Override
    public List<Integer> ledPartitions() {
        return topic.ledPartitions();
    }

    @Override
    public Optional<Partition> partition(int partition) {
        return topic.partition(partition);
    }

    @Override
    public int partitionsOf(String topicName) {
        return metadata.topic(topicName).map(t -> t.partitions().size()).orElse(-1);
    }

    @Override
    public void onTopicDeleted(Consumer<String> listener) {
        admin.onTopicDeleted(listener);
    }

    @Override
    public Optional<BrokerInfo> coordinatorFor(String groupId) throws Exception {
        return topic.coordinatorFor(groupId);
    }
}
