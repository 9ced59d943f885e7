package dev.wharf.server.coordinator;

import dev.wharf.controller.BrokerInfo;
import dev.wharf.controller.TopicInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.TopicAdmin;
import dev.wharf.server.replica.Partition;
import dev.wharf.server.replica.ReplicaManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A coordinator's internal topic ({@code __consumer_offsets}, {@code __transaction_state}) as the
 * broker has it: created on first use, keys mapped to partitions as Kafka maps them, the coordinator
 * of a key being the leader of its partition.
 *
 * <p>The topic gets its configured replication factor, never fewer: until that many brokers are
 * registered it is not created and keys have no coordinator (FindCoordinator answers
 * COORDINATOR_NOT_AVAILABLE and clients retry), as in Kafka. Shrinking the factor to the brokers up
 * at the time would leave the topic under-replicated for good once the rest join.
 *
 * <p>No state but the last shortfall logged (so a retrying client does not flood the log); any thread.
 */
public final class InternalTopic implements CoordinatorTopic {
    private static final Logger log = LoggerFactory.getLogger(InternalTopic.class);

    /** How the topic is created: its partitions, replicas, the setting that chose them, and its configs. */
    public record Spec(String name, int partitions, int replicationFactor, String replicationFactorKey,
            Map<String, String> configs) {}

    private final Spec spec;
    private final int brokerId;
    private final ZkMetadataStore metadata;
    private final TopicAdmin admin;
    private final ReplicaManager replicas;
    /** The live broker count of the last "too few brokers" line logged; -1 for none. */
    private volatile int shortfallLogged = -1;

    public InternalTopic(Spec spec, int brokerId, ZkMetadataStore metadata, TopicAdmin admin, ReplicaManager replicas) {
        this.spec = spec;
        this.brokerId = brokerId;
        this.metadata = metadata;
        this.admin = admin;
        this.replicas = replicas;
    }

    /** The partition of a key (a group or transactional id): Kafka's mapping, so that tools agree. */
    public static int partitionFor(String key, int partitionCount) {
        return (key.hashCode() & 0x7fffffff) % partitionCount;
    }

    public String name() {
        return spec.name();
    }

    /** How many partitions the topic has; empty before it is created. */
    @Override
    public OptionalInt partitionCount() {
        return metadata.topic(spec.name()).map(t -> OptionalInt.of(t.partitions().size())).orElse(OptionalInt.empty());
    }

    /** The partitions this broker leads, by the metadata cache. */
    @Override
    public List<Integer> ledPartitions() {
        List<Integer> out = new ArrayList<>();
        metadata.topic(spec.name()).ifPresent(t -> t.partitions().stream()
                .filter(p -> p.leader() == brokerId).forEach(p -> out.add(p.partition())));
        return out;
    }

    /** A partition this broker leads right now; empty otherwise. */
    @Override
    public Optional<Partition> partition(int partition) {
        return metadata.topic(spec.name()).flatMap(t -> replicas.leaderPartition(t, partition));
    }

    /**
     * The live broker leading the partition of {@code key}, creating the topic on first use as
     * Kafka does; empty when that partition has no live leader, or while too few brokers are
     * registered for the topic's replication factor.
     */
    @Override
    public Optional<BrokerInfo> coordinatorFor(String key) throws Exception {
        Optional<TopicInfo> topic = createIfAbsent();
        if (topic.isEmpty()) {
            return Optional.empty();
        }
        List<TopicInfo.PartitionInfo> partitions = topic.get().partitions();
        int leader = partitions.get(partitionFor(key, partitions.size())).leader();
        return metadata.liveBrokers().stream().filter(b -> b.id() == leader).findFirst();
    }

    /** The broker leading the partition of {@code key} by the metadata cache (nothing is created); -1 if none. */
    @Override
    public int leaderOf(String key) {
        return metadata.topic(spec.name()).map(t -> t.partitions().get(partitionFor(key, t.partitions().size())).leader())
                .orElse(-1);
    }

    /** The topic, created first when there is none and enough brokers are registered; empty while too few are. */
    private Optional<TopicInfo> createIfAbsent() throws Exception {
        Optional<TopicInfo> existing = metadata.topic(spec.name());
        if (existing.isPresent()) {
            return existing;
        }
        int live = metadata.liveBrokers().size();
        if (live < spec.replicationFactor()) {
            if (shortfallLogged != live) {
                shortfallLogged = live;
                log.warn("not creating {} yet: {} live brokers, fewer than {}={}; its keys have no coordinator until "
                        + "enough brokers register", spec.name(), live, spec.replicationFactorKey(), spec.replicationFactor());
            }
            return Optional.empty();
        }
        try {
            TopicInfo created = admin.autoCreateTopic(spec.name(), spec.partitions(), spec.replicationFactor(), spec.configs());
            log.info("created {} with {} partitions and {} replicas each", spec.name(), created.partitions().size(),
                    spec.replicationFactor());
            return Optional.of(created);
        } catch (Exception e) {
            // another broker (or request) created it first
            return Optional.of(metadata.topic(spec.name()).orElseThrow(() -> e));
        }
    }
}
