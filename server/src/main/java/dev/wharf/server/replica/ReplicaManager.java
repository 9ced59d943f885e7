package dev.wharf.server.replica;

import dev.wharf.controller.MetadataListener;
import dev.wharf.controller.TopicInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.logstore.LogConfig;
import dev.wharf.logstore.LogManager;
import dev.wharf.logstore.PartitionLog;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.DynamicBrokerConfig;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.TopicSettings;
import dev.wharf.server.config.BrokerKeys;
import io.netty.util.Timer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partition replicas of this broker: opens a {@link Partition} for every partition the
 * metadata assigns here, makes each leader or follower as the metadata says (epoch-fenced: a
 * replica only moves to a newer leader epoch), points the {@link ReplicaFetchers} at the leaders
 * its followers copy from, writes its leaders' ISR changes to ZooKeeper, finds the partition a
 * request addresses (or the error that explains why there is none), applies topic changes and
 * deletions, and checkpoints the high watermarks. Topic settings come from the broker's
 * configuration in force: when a dynamic broker config changes, every topic is applied again, so
 * partitions that do not override a key follow its new default at once.
 *
 * <p>Threads: metadata and dynamic config changes arrive on {@code wharf-zk-events} ({@link #subscribe}), one at a
 * time; lookups come from every handler thread and read a concurrent map; ISR writes run on the
 * I/O pool. Checkpoints are written by the broker's scheduler and at shutdown, one at a time
 * ({@link HighWatermarks} is synchronized).
 */
public final class ReplicaManager implements IsrChanger {
    private static final Logger log = LoggerFactory.getLogger(ReplicaManager.class);

    /** The leader partition a request addressed, or why there is none. */
    public record Lookup(Partition partition, ErrorCode error) {
        public boolean found() {
            return partition != null;
        }
    }

    /** Told, on {@code wharf-zk-events}, when this broker starts or stops leading a partition; must not block. */
    public interface LeadershipListener {
        void leadershipChanged(Partition partition, boolean leading);
    }

    private final DynamicBrokerConfig config;
    private volatile HostingListener hosting = HostingListener.NONE;
    private final int brokerId;
    private final ZkMetadataStore metadata;
    private final LogManager logs;
    private final Executor io;
    private final PartitionWaiters waiters;
    private final ReplicaFetchers fetchers;
    private final ReplicationThrottles throttles;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    /** Replicas whose log dir failed: not reopened until a restart (KIP-112). */
    private final java.util.Set<TopicPartition> offline = ConcurrentHashMap.newKeySet();
    private volatile StorageEvents storage = StorageEvents.NONE;
    private final OfflineSinceStart offlineSinceStart;
    /** Told, on {@code wharf-zk-events}, of each replica found offline because its dir was unreadable at start-up. */
    private volatile java.util.function.Consumer<TopicPartition> offlineAtStart = tp -> {};
    private final List<LeadershipListener> leadershipListeners = new CopyOnWriteArrayList<>();
    private final HighWatermarks highWatermarks;

    public ReplicaManager(DynamicBrokerConfig config, ZkMetadataStore metadata, LogManager logs, Timer timer, Executor io,
            ReplicationThrottles throttles) {
        this.config = config;
        this.throttles = throttles;
        this.brokerId = config.staticConfig().brokerId();
        this.metadata = metadata;
        this.logs = logs;
        this.io = io;
        this.waiters = PartitionWaiters.on(timer);
        this.fetchers = new ReplicaFetchers(config.staticConfig(), metadata, throttles);
        this.offlineSinceStart = new OfflineSinceStart(logs);
        this.highWatermarks = new HighWatermarks(logs);
    }

    /** The replication throttles, which the leader's side of follower fetches applies. */
    public ReplicationThrottles throttles() {
        return throttles;
    }

    public PartitionWaiters waiters() {
        return waiters;
    }

    /** Tells {@code listener} of partitions opened and dropped from now on (set before {@link #subscribe}). */
    public void onHosting(HostingListener listener) {
        this.hosting = listener;
    }

    /** Replicas here whose log dir failed (OfflineReplicaCount). */
    public int offlineReplicas() {
        return offline.size();
    }

    /** Every partition hosted here now (the metrics' gauges read them). */
    public java.util.Collection<Partition> hostedPartitions() {
        return partitions.values();
    }

    /** Tells {@code listener} of every later change of leadership on this broker. */
    public void onLeadershipChange(LeadershipListener listener) {
        leadershipListeners.add(listener);
    }

    /**
     * The partition {@code partition} of {@code topic} if this broker leads it, checked against
     * the leader epoch the client believes current (-1: no check). {@code byId}: the request named
     * the topic by id, so an unknown topic is UNKNOWN_TOPIC_ID.
     */
    public Lookup leader(Optional<TopicInfo> topic, int partition, int currentLeaderEpoch, boolean byId) {
        return replica(topic, partition, currentLeaderEpoch, byId, false);
    }

    /**
     * The replica a consumer may read from here (KIP-392: Fetch v11+ may go to a follower, which
     * serves up to its own high watermark): this broker's replica of the partition, leader or
     * follower, in {@code currentLeaderEpoch}; else the error, as for {@link #leader}.
     */
    public Lookup readable(Optional<TopicInfo> topic, int partition, int currentLeaderEpoch, boolean byId) {
        return replica(topic, partition, currentLeaderEpoch, byId, true);
    }

    private Lookup replica(Optional<TopicInfo> topic, int partition, int currentLeaderEpoch, boolean byId,
            boolean followerToo) {
        if (topic.isEmpty()) {
            return new Lookup(null, byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        }
        if (partition < 0 || partition >= topic.get().partitions().size()) {
            return new Lookup(null, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        }
        Partition p = replica(topic.get(), partition);
        if (p == null) {
            boolean failed = offline.contains(new TopicPartition(topic.get().name(), partition));
            return new Lookup(null, failed ? ErrorCode.KAFKA_STORAGE_ERROR : ErrorCode.NOT_LEADER_OR_FOLLOWER);
        }
        ErrorCode epochError = p.checkLeaderEpoch(currentLeaderEpoch);
        if (epochError != ErrorCode.NONE) {
            return new Lookup(null, epochError);
        }
        return p.isLeader() || followerToo ? new Lookup(p, ErrorCode.NONE) : new Lookup(null, ErrorCode.NOT_LEADER_OR_FOLLOWER);
    }

    /** The partition of an existing topic that this broker leads right now. */
    public Optional<Partition> leaderPartition(TopicInfo topic, int partition) {
        Partition p = partition >= 0 && partition < topic.partitions().size() ? replica(topic, partition) : null;
        return p != null && p.isLeader() ? Optional.of(p) : Optional.empty();
    }

    /** This broker's replica of a partition of {@code topic} (that very topic, not an older one of its name), or null. */
    private Partition replica(TopicInfo topic, int partition) {
        Partition p = partitions.get(new TopicPartition(topic.name(), partition));
        return p != null && p.topicId().equals(topic.id()) ? p : null;
    }

    /**
     * Follows the metadata and the dynamic broker configs from now on, starting with every topic
     * as it is (at start-up, before the first request).
     */
    public void subscribe() throws Exception {
        config.onChange((before, now) -> brokerConfigChanged());
        offlineSinceStart.syncing(true); // the subscription delivers every topic at once, before returning
        metadata.subscribe(new MetadataListener() {
            @Override
            public void topicChanged(String name, Optional<TopicInfo> now) {
                try {
                    ReplicaManager.this.topicChanged(name, now);
                } catch (RuntimeException e) {
                    // one topic's trouble (a bad config, a log that cannot open) must not stop the others
                    log.error("cannot apply the metadata of topic={}", name, e);
                }
            }
        });
        offlineSinceStart.syncing(false);
    }

    /**
     * Applies a change of the cluster metadata to this broker's replicas of the topic: opens the
     * partitions assigned here, applies leadership with its epoch, new configs, and deletion (also
     * of a topic deleted and created again under the same name, whose old partitions go).
     */
    void topicChanged(String name, Optional<TopicInfo> now) {
        for (Partition p : partitions.values()) {
            if (p.topicPartition().topic().equals(name) && (now.isEmpty() || !now.get().id().equals(p.topicId()))) {
                drop(p.topicPartition(), p);
            }
        }
        if (now.isEmpty()) {
            return;
        }
        TopicInfo topic = now.get();
        dropReplicasMovedAway(topic);
        if (topic.partitions().stream().noneMatch(info -> info.replicas().contains(brokerId))) {
            return;
        }
        TopicSettings settings = TopicSettings.of(config.current(), topic.configs()); // parsed once for all its partitions
        long nowMs = System.currentTimeMillis();
        for (TopicInfo.PartitionInfo info : topic.partitions()) {
            if (!info.replicas().contains(brokerId)) {
                continue;
            }
            TopicPartition tp = new TopicPartition(name, info.partition());
            offlineSinceStart.assigned(topic.id(), tp);
            if (offline.contains(tp)) {
                continue; // its log dir failed
            }
            Partition p = partitions.get(tp);
            if (p == null && offlineSinceStart.isOffline(topic.id(), tp)) {
                offline.add(tp); // never created empty: its log may be in the dir unreadable since start-up
                log.warn("replica of {} is in no online log dir while a dir is offline: offline here", tp);
                offlineAtStart.accept(tp);
                continue;
            }
            if (p == null) {
                p = open(tp, topic.id(), settings);
                partitions.put(tp, p);
                p.meters(hosting.opened(p));
            }
            applyRole(p, info, nowMs);
        }
        applySettings(topic, settings);
    }

    /**
     * Drops this broker's replicas of partitions no longer assigned here (a reassignment moved
     * them away, maybe while this broker was down): stops fetching, deletes the log.
     */
    private void dropReplicasMovedAway(TopicInfo topic) {
        for (TopicInfo.PartitionInfo info : topic.partitions()) {
            if (info.replicas().contains(brokerId)) {
                continue;
            }
            TopicPartition tp = new TopicPartition(topic.name(), info.partition());
            Partition p = partitions.get(tp);
            if (p != null) {
                log.info("no longer a replica of {} (replicas {}): deleting it here", tp, info.replicas());
                drop(tp, p);
            } else if (logs.get(tp).isPresent()) {
                log.info("deleting the log of {}, which is not assigned here (replicas {})", tp, info.replicas());
                deleteLog(tp);
            }
        }
    }

    private void applyRole(Partition p, TopicInfo.PartitionInfo info, long nowMs) {
        if (info.leader() == brokerId) {
            if (p.makeLeader(info, nowMs)) {
                fetchers.remove(p);
                log.info("leading {} in epoch {} isr={}", p.topicPartition(), info.leaderEpoch(), info.isr());
                leadershipListeners.forEach(l -> l.leadershipChanged(p, true));
            }
        } else {
            boolean wasLeader = p.isLeader();
            if (p.makeFollower(info)) {
                fetchers.remove(p);
                if (info.leader() >= 0) {
                    fetchers.add(p, info.leader(), info.leaderEpoch());
                }
                log.info("following {} led by {} in epoch {}", p.topicPartition(), info.leader(), info.leaderEpoch());
                if (wasLeader) {
                    leadershipListeners.forEach(l -> l.leadershipChanged(p, false));
                }
            }
        }
    }

    /** Forgets a partition whose topic is gone, or which moved away: stops fetching it, answers its waiting requests and deletes its log. */
    private void drop(TopicPartition tp, Partition p) {
        if (!partitions.remove(tp, p)) {
            return; // dropped already
        }
        fetchers.remove(p);
        if (p.isLeader()) {
            leadershipListeners.forEach(l -> l.leadershipChanged(p, false));
        }
        hosting.closed(p);
        waiters.completeAll(tp);
        deleteLog(tp);
    }

    /** Deletes the log of a partition whose topic is gone (or not assigned here), and forgets its checkpointed high watermark. */
    private void deleteLog(TopicPartition tp) {
        highWatermarks.forget(tp);
        try {
            logs.delete(tp);
        } catch (IOException e) {
            log.error("cannot delete the log of a deleted topic partition={}", tp, e);
        }
    }

    private Partition open(TopicPartition tp, java.util.UUID topicId, TopicSettings settings) {
        PartitionLog partitionLog = logs.getOrCreate(tp, settings.logConfig());
        Long hw = highWatermarks.take(tp);
        partitionLog.resetHighWatermark(hw != null ? hw : partitionLog.logStartOffset());
        Partition p = new Partition(topicId, partitionLog, brokerId, ProduceConfig.of(settings), waiters, this);
        p.storageEvents(storage);
        return p;
    }

    /** Where the partitions opened from now on report I/O errors and truncations (set before {@link #subscribe}). */
    void storageEvents(StorageEvents events) {
        this.storage = events;
    }

    /** Where replicas found offline at their first opening (their dir unreadable since start-up) are reported. */
    void onOfflineAtStart(java.util.function.Consumer<TopicPartition> listener) {
        this.offlineAtStart = listener;
    }

    /** Whether this broker's replica of {@code tp} is in a failed log dir. */
    boolean isOffline(TopicPartition tp) {
        return offline.contains(tp);
    }

    /** This broker's replica of {@code tp}, if it has one open. */
    public Optional<Partition> hosted(TopicPartition tp) {
        return Optional.ofNullable(partitions.get(tp));
    }

    /**
     * A log dir failed: its replicas stop here, until a restart (their requests get
     * KAFKA_STORAGE_ERROR, as in Kafka); returns them. On the thread that handles the failure.
     */
    List<TopicPartition> takeOffline(Path dir) {
        List<TopicPartition> gone = new java.util.ArrayList<>();
        for (Partition p : partitions.values()) {
            TopicPartition tp = p.topicPartition();
            if (LogManager.dirOf(p.log()).equals(dir) && offline.add(tp) && partitions.remove(tp, p)) {
                fetchers.remove(p);
                if (p.isLeader()) {
                    leadershipListeners.forEach(l -> l.leadershipChanged(p, false));
                }
                hosting.closed(p);
                waiters.completeAll(tp);
                gone.add(tp);
            }
        }
        return gone;
    }

    /** Applies a topic's configuration to its live partitions. */
    private void applySettings(TopicInfo topic, TopicSettings settings) {
        LogConfig logConfig = settings.logConfig();
        ProduceConfig produceConfig = ProduceConfig.of(settings);
        for (TopicInfo.PartitionInfo info : topic.partitions()) {
            Partition p = replica(topic, info.partition());
            if (p != null) {
                p.log().updateConfig(logConfig);
                p.updateProduceConfig(produceConfig);
            }
        }
    }

    /** Applies every topic again over the broker's new defaults; on {@code wharf-zk-events}. */
    private void brokerConfigChanged() {
        for (TopicInfo topic : metadata.topics().values()) {
            if (topic.partitions().stream().noneMatch(info -> info.replicas().contains(brokerId))) {
                continue;
            }
            try {
                applySettings(topic, TopicSettings.of(config.current(), topic.configs()));
            } catch (RuntimeException e) {
                // one topic's trouble must not keep the new defaults from the others
                log.error("cannot apply the new broker defaults to topic={}", topic.name(), e);
            }
        }
    }

    /**
     * Drops a deleted topic's partitions: answers their waiting requests, then deletes their logs,
     * including logs never opened as partitions since this broker started. A topic re-created
     * under this name starts afresh, producer state too.
     */
    public void topicDeleted(TopicInfo topic) {
        for (TopicInfo.PartitionInfo info : topic.partitions()) {
            TopicPartition tp = new TopicPartition(topic.name(), info.partition());
            Partition p = partitions.get(tp);
            if (p != null && p.topicId().equals(topic.id())) {
                drop(tp, p);
            } else if (p == null && logs.get(tp).isPresent()) {
                deleteLog(tp);
            }
        }
    }

    /** Writes a leader's ISR change on the I/O pool and tells the partition how it went. */
    @Override
    public void alterIsr(Partition partition, int leaderEpoch, int partitionEpoch, List<Integer> isr) {
        io.execute(() -> {
            TopicInfo.PartitionInfo written = null;
            int before = partition.inSyncReplicas().size();
            try {
                written = metadata.alterIsr(partition.topicPartition().topic(), partition.topicPartition().partition(),
                        leaderEpoch, partitionEpoch, isr).orElse(null);
                if (written != null) {
                    hosting.isrChanged(before, written.isr().size());
                }
            } catch (Exception e) {
                log.warn("cannot change the ISR of {} to {}: {}", partition.topicPartition(), isr, e.toString());
            }
            partition.isrChangeDone(written);
        });
    }

    /** Proposes to drop followers that lagged longer than {@code replica.lag.time.max.ms} from the ISRs (on a schedule). */
    public void maybeShrinkIsrs() {
        long now = System.currentTimeMillis();
        long maxLag = config.get(BrokerKeys.REPLICA_LAG_TIME_MAX_MS);
        for (Partition p : partitions.values()) {
            p.maybeShrinkIsr(now, maxLag);
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
    public void checkpointHighWatermarks() {
        highWatermarks.checkpoint(partitions::get);
    }

    /** At clean shutdown: the fetchers stop, then the high watermarks go to disk (the logs save their producer state as they close). */
    public void shutdown() {
        fetchers.close();
        checkpointHighWatermarks();
    }
}
