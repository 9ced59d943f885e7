package dev.wharf.server;

import dev.wharf.controller.TopicInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.logstore.LogConfig;
import dev.wharf.logstore.LogManager;
import dev.wharf.logstore.PartitionLog;
import dev.wharf.logstore.TopicPartition;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The partitions this broker leads: topic metadata from the controller store, logs from the log
 * manager, and the waiters of long-polling fetches, woken when an append lands.
 */
public final class PartitionManager {
    private final BrokerConfig config;
    private final ZkMetadataStore metadata;
    private final LogManager logs;
    private final Map<TopicPartition, List<Runnable>> appendWaiters = new ConcurrentHashMap<>();
    private final List<Consumer<String>> topicDeletionListeners = new CopyOnWriteArrayList<>();

    PartitionManager(BrokerConfig config, ZkMetadataStore metadata, LogManager logs) {
        this.config = config;
        this.metadata = metadata;
        this.logs = logs;
    }

    public BrokerConfig config() {
        return config;
    }

    public ZkMetadataStore metadata() {
        return metadata;
    }

    /** Every partition log on this broker. */
    public Map<TopicPartition, PartitionLog> logs() {
        return logs.all();
    }

    public Optional<TopicInfo> topic(String name) {
        return metadata.topic(name);
    }

    public Optional<TopicInfo> topic(UUID id) {
        return metadata.topic(id);
    }

    /** The log of a partition of an existing topic that this broker leads (created on first use). */
    public Optional<PartitionLog> log(TopicInfo topic, int partition) {
        if (partition < 0 || partition >= topic.partitions().size()
                || topic.partitions().get(partition).leader() != config.brokerId()) {
            return Optional.empty();
        }
        TopicPartition tp = new TopicPartition(topic.name(), partition);
        Optional<PartitionLog> existing = logs.get(tp);
        if (existing.isPresent()) {
            return existing;
        }
        // a request holding metadata from before a delete must not bring the deleted log back
        boolean stillExists = metadata.topic(topic.name()).map(t -> t.id().equals(topic.id())).orElse(false);
        return stillExists ? Optional.of(logs.getOrCreate(tp, logConfig(topic))) : Optional.empty();
    }

    public int leaderEpoch(TopicInfo topic, int partition) {
        return topic.partitions().get(partition).leaderEpoch();
    }

    /**
     * Why {@link #log} found no log: another broker leads the partition (the client's metadata
     * is stale; it refreshes and goes there), or the topic or partition does not exist.
     */
    public ErrorCode noLogError(Optional<TopicInfo> topic, int partition, boolean byId) {
        if (topic.isEmpty()) {
            return byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        }
        List<TopicInfo.PartitionInfo> ps = topic.get().partitions();
        boolean ledElsewhere = partition >= 0 && partition < ps.size() && ps.get(partition).leader() != config.brokerId();
        return ledElsewhere ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    }

    /**
     * Checks the leader epoch a client believes current (-1: no check): an older one is fenced,
     * a newer one means this broker is behind; either way the client refreshes its metadata.
     */
    public ErrorCode checkLeaderEpoch(TopicInfo topic, int partition, int currentLeaderEpoch) {
        int epoch = leaderEpoch(topic, partition);
        if (currentLeaderEpoch < 0 || currentLeaderEpoch == epoch) {
            return ErrorCode.NONE;
        }
        return currentLeaderEpoch < epoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH;
    }

    private LogConfig logConfig(TopicInfo topic) {
        return config.logConfig().with(TopicConfigs.logOverrides(topic.configs()));
    }

    /** Creates a topic in the cluster metadata and the logs of the partitions this broker leads. */
    public TopicInfo createTopic(String name, int partitions, int replicationFactor, Map<String, String> configs)
            throws Exception {
        TopicConfigs.validate(configs);
        TopicInfo t = metadata.createTopic(name, partitions, replicationFactor, configs);
        for (int p = 0; p < partitions; p++) {
            log(t, p);
        }
        return t;
    }

    /**
     * Replaces a topic's config overrides (after validating them) and applies them to the live
     * logs of its partitions.
     */
    public TopicInfo setTopicConfigs(TopicInfo topic, Map<String, String> overrides) throws Exception {
        TopicConfigs.validate(overrides);
        TopicInfo updated = metadata.setTopicConfigs(topic.name(), overrides);
        for (TopicInfo.PartitionInfo p : updated.partitions()) {
            logs.get(new TopicPartition(topic.name(), p.partition())).ifPresent(l -> l.updateConfig(logConfig(updated)));
        }
        return updated;
    }

    /** Grows a topic to {@code count} partitions and creates the logs of those this broker leads. */
    public TopicInfo addPartitions(TopicInfo topic, int count) throws Exception {
        TopicInfo updated = metadata.addPartitions(topic.name(), count);
        for (int p = topic.partitions().size(); p < count; p++) {
            log(updated, p);
        }
        return updated;
    }

    /** Runs {@code listener} with the name of every topic deleted from now on (after its logs are gone). */
    public void onTopicDeleted(Consumer<String> listener) {
        topicDeletionListeners.add(listener);
    }

    /** Deletes a topic: its metadata, then the logs of its partitions; then tells the listeners. */
    public void deleteTopic(TopicInfo topic) throws Exception {
        metadata.deleteTopic(topic.name());
        for (TopicInfo.PartitionInfo p : topic.partitions()) {
            TopicPartition tp = new TopicPartition(topic.name(), p.partition());
            logs.delete(tp);
        }
        topicDeletionListeners.forEach(l -> l.accept(topic.name()));
    }

    /**
     * Forgets producers idle for longer than producer.id.expiration.ms, on every partition;
     * returns how many partition entries were dropped.
     */
    int expireProducers(long nowMs) {
        return logs.expireProducers(nowMs, config.getInt("producer.id.expiration.ms"));
    }

    /** Nothing left to do: each partition log snapshots its producer state when it closes. */
    void saveProducerStates() {}

    /** Runs {@code waiter} once, after the next append to {@code tp}. */
    public void onNextAppend(TopicPartition tp, Runnable waiter) {
        appendWaiters.computeIfAbsent(tp, k -> new CopyOnWriteArrayList<>()).add(waiter);
    }

    /** Forgets a waiter that was answered another way (its deadline passed). */
    public void stopWaiting(TopicPartition tp, Runnable waiter) {
        List<Runnable> waiters = appendWaiters.get(tp);
        if (waiters != null) {
            waiters.remove(waiter);
        }
    }

    /** Wakes the fetches waiting on {@code tp}. */
    public void appended(TopicPartition tp) {
        List<Runnable> waiters = appendWaiters.remove(tp);
        if (waiters != null) {
            waiters.forEach(Runnable::run);
        }
    }
}
