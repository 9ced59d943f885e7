package dev.wharf.server.group;

import dev.wharf.controller.BrokerInfo;
import dev.wharf.controller.TopicInfo;
import dev.wharf.logstore.PartitionLog;
import dev.wharf.server.BrokerConfig;
import dev.wharf.server.PartitionManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code __consumer_offsets} as the broker's {@link PartitionManager} has it: the one place the
 * group package reaches into the broker's partitions. Stateless; any thread.
 */
final class BrokerOffsetsTopic implements OffsetsTopic {
    private static final Logger log = LoggerFactory.getLogger(BrokerOffsetsTopic.class);

    private final PartitionManager partitions;
    private final BrokerConfig config;

    BrokerOffsetsTopic(PartitionManager partitions) {
        this.partitions = partitions;
        this.config = partitions.config();
    }

    @Override
    public BrokerConfig config() {
        return config;
    }

    @Override
    public OptionalInt partitionCount() {
        return partitions.topic(NAME).map(t -> OptionalInt.of(t.partitions().size())).orElse(OptionalInt.empty());
    }

    @Override
    public List<Integer> ledPartitions() {
        List<Integer> out = new ArrayList<>();
        partitions.topic(NAME).ifPresent(t -> t.partitions().stream()
                .filter(p -> p.leader() == config.brokerId()).forEach(p -> out.add(p.partition())));
        return out;
    }

    @Override
    public Optional<PartitionLog> log(int partition) {
        return partitions.topic(NAME).flatMap(t -> partitions.log(t, partition));
    }

    @Override
    public int leaderEpoch(int partition) {
        return partitions.leaderEpoch(partitions.topic(NAME).orElseThrow(), partition);
    }

    @Override
    public int partitionsOf(String topic) {
        return partitions.topic(topic).map(t -> t.partitions().size()).orElse(-1);
    }

    @Override
    public void onTopicDeleted(Consumer<String> listener) {
        partitions.onTopicDeleted(listener);
    }

    @Override
    public Optional<BrokerInfo> coordinatorFor(String groupId) throws Exception {
        TopicInfo topic = createIfAbsent();
        int leader = topic.partitions().get(OffsetsTopic.partitionFor(groupId, topic.partitions().size())).leader();
        return partitions.metadata().liveBrokers().stream().filter(b -> b.id() == leader).findFirst();
    }

    private TopicInfo createIfAbsent() throws Exception {
        Optional<TopicInfo> existing = partitions.topic(NAME);
        if (existing.isPresent()) {
            return existing.get();
        }
        int replicas = Math.max(1, Math.min(config.getInt("offsets.topic.replication.factor"),
                partitions.metadata().liveBrokers().size()));
        Map<String, String> configs = Map.of("cleanup.policy", "compact",
                "segment.bytes", Integer.toString(config.getInt("offsets.topic.segment.bytes")));
        try {
            TopicInfo created = partitions.createTopic(NAME, config.getInt("offsets.topic.num.partitions"),
                    replicas, configs);
            log.info("created {} with {} partitions", NAME, created.partitions().size());
            return created;
        } catch (Exception e) {
            // another broker (or request) created it first
            return partitions.topic(NAME).orElseThrow(() -> e);
        }
    }
}
