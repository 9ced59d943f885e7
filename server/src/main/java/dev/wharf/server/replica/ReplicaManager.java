package dev.wharf.server.replica;

import dev.wharf.controller.MetadataListener;
import dev.wharf.controller.TopicInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.logstore.LogConfig;
import dev.wharf.logstore.LogManager;
import dev.wharf.logstore.PartitionLog;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.BrokerConfig;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.TopicSettings;
import dev.wharf.server.config.BrokerKeys;
import dev.wharf.server.purgatory.DelayedOperationPurgatory;
import io.netty.util.Timer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partition replicas of this broker: finds the {@link Partition} a request addresses (or the
 * error that explains why there is none), creates partitions as the metadata assigns them here,
 * applies topic changes and deletions to them, checkpoints their high watermarks and owns the
 * purgatory where fetches wait for them.
 *
 * <p>Threads: lookups come from every handler thread; the partition table is a concurrent map
 * and a partition is created once (under the map's lock for its key). Checkpoints are written by
 * the broker's scheduler and at shutdown, one at a time ({@link #checkpointHighWatermarks} is
 * synchronized).
 */
public final class ReplicaManager {
    private static final Logger log = LoggerFactory.getLogger(ReplicaManager.class);

    /** The leader partition a request addressed, or why there is none. */
    public record Lookup(Partition partition, ErrorCode error) {
        public boolean found() {
            return partition != null;
        }
    }

    private final BrokerConfig config;
    private final ZkMetadataStore metadata;
    private final LogManager logs;
    private final DelayedOperationPurgatory<TopicPartition> fetchPurgatory;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    /** High watermarks as last checkpointed, for logs not opened as partitions since. Guarded by this. */
    private final Map<TopicPartition, Long> checkpointed = new HashMap<>();

    public ReplicaManager(BrokerConfig config, ZkMetadataStore metadata, LogManager logs, Timer timer) {
        this.config = config;
        this.metadata = metadata;
        this.logs = logs;
        this.fetchPurgatory = new DelayedOperationPurgatory<>("fetch", timer);
        for (Path dir : config.logDirs()) {
            checkpointed.putAll(new HighWatermarkCheckpoint(dir).read());
        }
    }

    public DelayedOperationPurgatory<TopicPartition> fetchPurgatory() {
        return fetchPurgatory;
    }

    /**
     * The partition {@code partition} of {@code topic} if this broker leads it, checked against
     * the leader epoch the client believes current (-1: no check). {@code byId}: the request named
     * the topic by id, so an unknown topic is UNKNOWN_TOPIC_ID.
     */
    public Lookup leader(Optional<TopicInfo> topic, int partition, int currentLeaderEpoch, boolean byId) {
        Optional<Partition> found = topic.flatMap(t -> leaderPartition(t, partition));
        if (found.isEmpty()) {
            return new Lookup(null, noPartitionError(topic, partition, byId));
        }
        ErrorCode epochError = found.get().checkLeaderEpoch(currentLeaderEpoch);
        return epochError == ErrorCode.NONE ? new Lookup(found.get(), ErrorCode.NONE) : new Lookup(null, epochError);
    }

    /** The partition of an existing topic that this broker leads, created on first use. */
    public Optional<Partition> leaderPartition(TopicInfo topic, int partition) {
        if (partition < 0 || partition >= topic.partitions().size()) {
            return Optional.empty();
        }
        TopicInfo.PartitionInfo info = topic.partitions().get(partition);
        if (info.leader() != config.brokerId()) {
            return Optional.empty();
        }
        TopicPartition tp = new TopicPartition(topic.name(), partition);
        Partition p = partitions.get(tp);
        if (p == null || !p.topicId().equals(topic.id())) {
            // a request holding metadata from before a delete must not bring the deleted log back
            boolean stillExists = metadata.topic(topic.name()).map(t -> t.id().equals(topic.id())).orElse(false);
            if (!stillExists) {
                return Optional.empty();
            }
            if (p != null) {
                drop(tp, p); // left by a deleted topic of the same name
            }
            p = partitions.computeIfAbsent(tp, k -> open(k, topic));
        }
        p.becomeLeader(info.leaderEpoch()); // no-op unless the metadata moved to a newer epoch
        return Optional.of(p);
    }

    /**
     * Applies a change of the cluster metadata to this broker's partitions of the topic: leadership
     * gained or lost with its epoch, new configs, and deletion (also of a topic deleted and
     * created again under the same name, whose old partitions go). Runs on the metadata cache's
     * thread, registered by {@link #subscribe()}.
     */
    void topicChanged(String name, Optional<TopicInfo> now) {
        for (Partition p : partitions.values()) {
            TopicPartition tp = p.topicPartition();
            if (!tp.topic().equals(name)) {
                continue;
            }
            if (now.isEmpty() || !now.get().id().equals(p.topicId())) {
                drop(tp, p);
            } else if (tp.partition() < now.get().partitions().size()) {
                TopicInfo.PartitionInfo info = now.get().partitions().get(tp.partition());
                if (info.leader() == config.brokerId()) {
                    p.becomeLeader(info.leaderEpoch());
                } else {
                    p.becomeFollower(info.leaderEpoch());
                }
            }
        }
        now.ifPresent(this::topicConfigChanged);
    }

    /** Follows the metadata cache from now on (at start-up, before the first request). */
    public void subscribe() {
        metadata.subscribe(new MetadataListener() {
            @Override
            public void topicChanged(String name, Optional<TopicInfo> now) {
                ReplicaManager.this.topicChanged(name, now);
            }
        });
    }

    /** Forgets a partition whose topic is gone: answers its waiting fetches and deletes its log. */
    private void drop(TopicPartition tp, Partition p) {
        if (!partitions.remove(tp, p)) {
            return; // another thread dropped it first
        }
        fetchPurgatory.completeAll(tp);
        deleteLog(tp);
    }

    /** Deletes the log of a partition whose topic is gone, and forgets its checkpointed high watermark. */
    private void deleteLog(TopicPartition tp) {
        synchronized (this) {
            checkpointed.remove(tp);
        }
        try {
            logs.delete(tp);
        } catch (IOException e) {
            log.error("cannot delete the log of a deleted topic partition={}", tp, e);
        }
    }

    private Partition open(TopicPartition tp, TopicInfo topic) {
        TopicSettings settings = TopicSettings.of(config, topic.configs());
        PartitionLog partitionLog = logs.getOrCreate(tp, settings.logConfig());
        Long hw;
        synchronized (this) {
            hw = checkpointed.remove(tp);
        }
        partitionLog.resetHighWatermark(hw != null ? hw : partitionLog.logStartOffset());
        return new Partition(topic.id(), partitionLog, config.brokerId(), ProduceConfig.of(settings), fetchPurgatory);
    }

    private ErrorCode noPartitionError(Optional<TopicInfo> topic, int partition, boolean byId) {
        if (topic.isEmpty()) {
            return byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        }
        List<TopicInfo.PartitionInfo> ps = topic.get().partitions();
        boolean ledElsewhere = partition >= 0 && partition < ps.size() && ps.get(partition).leader() != config.brokerId();
        return ledElsewhere ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    }

    /** Applies a topic's new configuration to its live partitions. */
    public void topicConfigChanged(TopicInfo topic) {
        TopicSettings settings = TopicSettings.of(config, topic.configs()); // parsed once for all its partitions
        LogConfig logConfig = settings.logConfig();
        ProduceConfig produceConfig = ProduceConfig.of(settings);
        for (TopicInfo.PartitionInfo info : topic.partitions()) {
            Partition p = partitions.get(new TopicPartition(topic.name(), info.partition()));
            if (p != null) {
                p.log().updateConfig(logConfig);
                p.updateProduceConfig(produceConfig);
            }
        }
    }

    /**
     * Drops a deleted topic's partitions: answers their waiting fetches, then deletes their logs,
     * including logs never opened as partitions since this broker started. A topic re-created
     * under this name starts afresh, producer state too.
     */
    public void topicDeleted(TopicInfo topic) throws IOException {
        for (TopicInfo.PartitionInfo info : topic.partitions()) {
            TopicPartition tp = new TopicPartition(topic.name(), info.partition());
            Partition p = partitions.get(tp);
            if (p != null && p.topicId().equals(topic.id())) {
                drop(tp, p);
            } else if (p == null) {
                deleteLog(tp);
            }
        }
    }

    /** Every partition log on this broker, opened as a partition or not (DescribeLogDirs). */
    public Map<TopicPartition, PartitionLog> logs() {
        return logs.all();
    }

    /** Forgets producers idle for longer than producer.id.expiration.ms; how many entries went. */
    public int expireProducers(long nowMs) {
        return logs.expireProducers(nowMs, config.get(BrokerKeys.PRODUCER_ID_EXPIRATION_MS));
    }

    /** Writes every log directory's {@code replication-offset-checkpoint}. */
    public synchronized void checkpointHighWatermarks() {
        Map<Path, Map<TopicPartition, Long>> byDir = new HashMap<>();
        for (Map.Entry<TopicPartition, PartitionLog> e : logs.all().entrySet()) {
            Partition p = partitions.get(e.getKey());
            Long hw = p != null ? Long.valueOf(p.highWatermark()) : checkpointed.get(e.getKey());
            if (hw != null) {
                byDir.computeIfAbsent(e.getValue().dir().toAbsolutePath().normalize().getParent(), d -> new HashMap<>()).put(e.getKey(), hw);
            }
        }
        for (Path dir : config.logDirs()) {
            try {
                new HighWatermarkCheckpoint(dir).write(byDir.getOrDefault(dir.toAbsolutePath().normalize(), Map.of()));
            } catch (IOException e) {
                log.warn("cannot checkpoint high watermarks dir={}", dir, e);
            }
        }
    }

    /** At clean shutdown, after the last append: the high watermarks to disk (the logs save their producer state as they close). */
    public void shutdown() {
        checkpointHighWatermarks();
    }
}
