package dev.wharf.server.group;

import dev.wharf.controller.BrokerInfo;
import dev.wharf.controller.TopicInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.BrokerConfig;
import dev.wharf.server.TopicAdmin;
import dev.wharf.server.config.BrokerKeys;
import dev.wharf.server.replica.Partition;
import dev.wharf.server.replica.ReplicaManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code __consumer_offsets} as the broker has it: topics from the metadata cache, partitions
 * from the replica manager, creation through topic administration. The one place the group package
 * reaches into the rest of the broker. Stateless; any thread.
 */
final class BrokerOffsetsTopic implements OffsetsTopic {
    private static final Logger log = LoggerFactory.getLogger(BrokerOffsetsTopic.class);

    private final BrokerConfig config;
    private final ZkMetadataStore metadata;
    private final TopicAdmin admin;
    private final ReplicaManager replicas;

    BrokerOffsetsTopic(BrokerConfig config, ZkMetadataStore metadata, TopicAdmin admin, ReplicaManager replicas) {
        this.config = config;
        this.metadata = metadata;
        this.admin = admin;
        this.replicas = replicas;
    }

    @Override
    public BrokerConfig config() {
        return config;
    }

    @Override
    public OptionalInt partitionCount() {
        return metadata.topic(NAME).map(t -> OptionalInt.of(t.partitions().size())).orElse(OptionalInt.empty());
    }

    @Override
    public List<Integer> ledPartitions() {
        List<Integer> out = new ArrayList<>();
        metadata.topic(NAME).ifPresent(t -> t.partitions().stream()
                .filter(p -> p.leader() == config.brokerId()).forEach(p -> out.add(p.partition())));
        return out;
    }

    @Override
    public Optional<Partition> partition(int partition) {
        return metadata.topic(NAME).flatMap(t -> replicas.leaderPartition(t, partition));
    }

    @Override
    public int partitionsOf(String topic) {
        return metadata.topic(topic).map(t -> t.partitions().size()).orElse(-1);
    }

    @Override
    public void onTopicDeleted(Consumer<String> listener) {
        admin.onTopicDeleted(listener);
    }

    @Override
    public Optional<BrokerInfo> coordinatorFor(String groupId) throws Exception {
        TopicInfo topic = createIfAbsent();
        int leader = topic.partitions().get(OffsetsTopic.partitionFor(groupId, topic.partitions().size())).leader();
        return metadata.liveBrokers().stream().filter(b -> b.id() == leader).findFirst();
    }

    private TopicInfo createIfAbsent() throws Exception {
        Optional<TopicInfo> existing = metadata.topic(NAME);
        if (existing.isPresent()) {
            return existing.get();
        }
        int replicationFactor = Math.max(1, Math.min(config.get(BrokerKeys.OFFSETS_TOPIC_REPLICATION_FACTOR),
                metadata.liveBrokers().size()));
        Map<String, String> configs = Map.of("cleanup.policy", "compact",
                "segment.bytes", Integer.toString(config.get(BrokerKeys.OFFSETS_TOPIC_SEGMENT_BYTES)));
        try {
            TopicInfo created = admin.createTopic(NAME, config.get(BrokerKeys.OFFSETS_TOPIC_NUM_PARTITIONS),
                    replicationFactor, configs);
            log.info("created {} with {} partitions", NAME, created.partitions().size());
            return created;
        } catch (Exception e) {
            // another broker (or request) created it first
            return metadata.topic(NAME).orElseThrow(() -> e);
        }
    }
}
