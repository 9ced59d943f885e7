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
 * reaches into the rest of the broker.
 *
 * <p>The topic gets {@code offsets.topic.replication.factor} replicas, never fewer: until that many
 * brokers are registered it is not created and no group has a coordinator (FindCoordinator answers
 * COORDINATOR_NOT_AVAILABLE and clients retry), as in Kafka. Shrinking the factor to the brokers up
 * at the time would leave the topic under-replicated for good once the rest join.
 *
 * <p>No state but the last shortfall logged (so a retrying client does not flood the log); any thread.
 */
final class BrokerOffsetsTopic implements OffsetsTopic {
    private static final Logger log = LoggerFactory.getLogger(BrokerOffsetsTopic.class);

    private final BrokerConfig config;
    private final ZkMetadataStore metadata;
    private final TopicAdmin admin;
    private final ReplicaManager replicas;
    /** The live broker count of the last "too few brokers" line logged; -1 for none. */
    private volatile int shortfallLogged = -1;

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
        Optional<TopicInfo> topic = createIfAbsent();
        if (topic.isEmpty()) {
            return Optional.empty();
        }
        List<TopicInfo.PartitionInfo> partitions = topic.get().partitions();
        int leader = partitions.get(OffsetsTopic.partitionFor(groupId, partitions.size())).leader();
        return metadata.liveBrokers().stream().filter(b -> b.id() == leader).findFirst();
    }

    /** The topic, created first when there is none and enough brokers are registered; empty while too few are. */
    private Optional<TopicInfo> createIfAbsent() throws Exception {
        Optional<TopicInfo> existing = metadata.topic(NAME);
        if (existing.isPresent()) {
            return existing;
        }
        int replicationFactor = config.get(BrokerKeys.OFFSETS_TOPIC_REPLICATION_FACTOR);
        int live = metadata.liveBrokers().size();
        if (live < replicationFactor) {
            if (shortfallLogged != live) {
                shortfallLogged = live;
                log.warn("not creating {} yet: {} live brokers, fewer than offsets.topic.replication.factor={}; groups "
                        + "have no coordinator until enough brokers register", NAME, live, replicationFactor);
            }
            return Optional.empty();
        }
        Map<String, String> configs = Map.of("cleanup.policy", "compact",
                "segment.bytes", Integer.toString(config.get(BrokerKeys.OFFSETS_TOPIC_SEGMENT_BYTES)));
        try {
            TopicInfo created = admin.autoCreateTopic(NAME, config.get(BrokerKeys.OFFSETS_TOPIC_NUM_PARTITIONS),
                    replicationFactor, configs);
            log.info("created {} with {} partitions and {} replicas each", NAME, created.partitions().size(),
                    replicationFactor);
            return Optional.of(created);
        } catch (Exception e) {
            // another broker (or request) created it first
            return Optional.of(metadata.topic(NAME).orElseThrow(() -> e));
        }
    }
}
