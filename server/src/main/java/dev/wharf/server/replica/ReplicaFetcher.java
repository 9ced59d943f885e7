package dev.wharf.server.replica;

import dev.wharf.controller.BrokerInfo;
import dev.wharf.logstore.LeaderEpochCache;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.network.BrokerConnection;
import dev.wharf.server.network.InterBrokerListener;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.FetchRequest;
import dev.wharf.wire.message.FetchResponse;
import dev.wharf.wire.records.BufferRecords;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the partitions this broker follows from one leader broker: one thread, one connection,
 * Fetch requests as a replica (the replica id in {@code ReplicaState}), long-polled at the leader
 * ({@code replica.fetch.wait.max.ms}), each answered batch appended as it came (offsets, epochs
 * and bytes as the leader stored them). Each fetch names the latest epoch this log has
 * ({@code LastFetchedEpoch}, KIP-320); when the leader answers with a diverging epoch, the log is
 * cut back to where the two agree (the smaller of the leader's end of that epoch and this log's
 * own) and fetching goes on from there, so a replica that led once and wrote what nobody else got
 * drops exactly that, never what was committed.
 *
 * <p>Partitions over the follower replication throttle ({@link ReplicationThrottles}) are left
 * out of fetches until the rate falls.
 *
 * <p>Threads: its own ({@code wharf-replica-fetcher-<leader>}); partitions are added and removed
 * from {@code wharf-zk-events} through a concurrent map. Appends are fenced by the leader epoch the
 * partition was added with: a response that arrives after the partition moved on is dropped.
 */
final class ReplicaFetcher implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ReplicaFetcher.class);
    private static final long EPOCH_ERROR_BACKOFF_MS = 50;
    /** How soon partitions left out by the follower throttle are looked at again when nothing else is fetched. */
    private static final long THROTTLED_RECHECK_MS = 100;

    /** What a partition is fetched with: the leader epoch it follows and when it may be fetched again. */
    private record Fetching(Partition partition, int leaderEpoch, long notBeforeMs) {}

    /** How this fetcher reaches and asks its leader. */
    record Settings(int brokerId, InterBrokerListener listener, int maxWaitMs, int minBytes, int partitionMaxBytes,
            int responseMaxBytes, int socketTimeoutMs, long backoffMs, int largestFrame) {}

    private final int leaderId;
    private final Settings settings;
    private final ReplicationThrottles throttles;
    private final Supplier<List<BrokerInfo>> liveBrokers;
    private final Supplier<Long> brokerEpoch;
    private final Map<TopicPartition, Fetching> partitions = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private final BrokerConnection connection;

    ReplicaFetcher(int leaderId, Settings settings, ReplicationThrottles throttles, Supplier<List<BrokerInfo>> liveBrokers,
            Supplier<Long> brokerEpoch) {
        this.leaderId = leaderId;
        this.settings = settings;
        this.throttles = throttles;
        this.liveBrokers = liveBrokers;
        this.brokerEpoch = brokerEpoch;
        this.connection = new BrokerConnection("wharf-replica-fetcher-" + settings.brokerId(), settings.listener(),
                settings.socketTimeoutMs(),
                settings.largestFrame());
        this.thread = new Thread(this, "wharf-replica-fetcher-" + leaderId);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    void add(Partition p, int leaderEpoch) {
        partitions.put(p.topicPartition(), new Fetching(p, leaderEpoch, 0));
        synchronized (this) {
            notifyAll();
        }
    }

    void remove(Partition p) {
        Fetching f = partitions.get(p.topicPartition());
        if (f != null && f.partition() == p) {
            partitions.remove(p.topicPartition(), f);
        }
    }

    boolean isEmpty() {
        return partitions.isEmpty();
    }

    void close() {
        running = false;
        thread.interrupt();
        closeConnection();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        while (running) {
            try {
                List<Fetching> ready = ready();
                if (ready.isEmpty()) {
                    continue;
                }
                fetchOnce(ready);
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (running) {
                    log.warn("fetch from broker {} failed; retrying in {} ms: {}", leaderId, settings.backoffMs(), e.toString());
                    closeConnection();
                    pause(settings.backoffMs());
                }
            }
        }
        closeConnection();
    }

    /** The partitions that may be fetched now; waits (bounded) while there are none. */
    private List<Fetching> ready() throws InterruptedException {
        long now = System.currentTimeMillis();
        List<Fetching> out = new ArrayList<>();
        long wait = 500;
        for (Fetching f : partitions.values()) {
            if (f.notBeforeMs() <= now && throttles.followerHoldsBack(f.partition(), now)) {
                wait = Math.min(wait, THROTTLED_RECHECK_MS); // over the follower throttle: left out for now
            } else if (f.notBeforeMs() <= now) {
                out.add(f);
            } else {
                wait = Math.min(wait, f.notBeforeMs() - now);
            }
        }
        if (out.isEmpty()) {
            synchronized (this) {
                wait(Math.max(1, wait));
            }
        }
        return out;
    }

    private void pause(long ms) {
        try {
            synchronized (this) {
                wait(Math.max(1, ms));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void fetchOnce(List<Fetching> ready) throws IOException {
        Map<UUID, Map<Integer, Fetching>> byTopic = new HashMap<>();
        Map<UUID, FetchRequest.FetchTopic> topics = new HashMap<>();
        for (Fetching f : ready) {
            Partition p = f.partition();
            topics.computeIfAbsent(p.topicId(), id -> new FetchRequest.FetchTopic().setTopic(p.topicPartition().topic())
                    .setTopicId(id).setPartitions(new ArrayList<>()))
                    .partitions().add(new FetchRequest.FetchPartition().setPartition(p.topicPartition().partition())
                            .setCurrentLeaderEpoch(f.leaderEpoch()).setFetchOffset(p.logEndOffset())
                            .setLastFetchedEpoch(p.latestLogEpoch()).setLogStartOffset(p.logStartOffset())
                            .setPartitionMaxBytes(settings.partitionMaxBytes()));
            byTopic.computeIfAbsent(p.topicId(), id -> new HashMap<>()).put(p.topicPartition().partition(), f);
        }
        // v15+ names the replica in ReplicaState (the old ReplicaId field must stay -1)
        FetchRequest request = new FetchRequest()
                .setReplicaState(new FetchRequest.ReplicaState().setReplicaId(settings.brokerId())
                        .setReplicaEpoch(brokerEpoch.get()))
                .setMaxWaitMs(settings.maxWaitMs()).setMinBytes(settings.minBytes()).setMaxBytes(settings.responseMaxBytes())
                .setIsolationLevel((byte) 0).setSessionId(0).setSessionEpoch(-1)
                .setTopics(new ArrayList<>(topics.values())).setForgottenTopicsData(new ArrayList<>()).setRackId("");
        FetchResponse response = call(request);
        if (response.errorCode() != ErrorCode.NONE.code) {
            throw new IOException("fetch refused with error code " + response.errorCode());
        }
        for (FetchResponse.FetchableTopicResponse t : response.responses()) {
            Map<Integer, Fetching> asked = byTopic.getOrDefault(t.topicId(), Map.of());
            for (FetchResponse.PartitionData pd : t.partitions()) {
                Fetching f = asked.get(pd.partitionIndex());
                if (f != null && partitions.get(f.partition().topicPartition()) == f) {
                    handle(f, pd);
                }
            }
        }
    }

    private void handle(Fetching f, FetchResponse.PartitionData pd) {
        Partition p = f.partition();
        ErrorCode error = ErrorCode.forCode(pd.errorCode());
        try {
            switch (error) {
                case NONE -> copied(f, pd);
                case OFFSET_OUT_OF_RANGE -> {
                    if (p.logEndOffset() < pd.logStartOffset()) {
                        p.followerWrites().restartAt(pd.logStartOffset(), f.leaderEpoch());
                    } else if (pd.highWatermark() >= 0) {
                        p.followerWrites().truncate(pd.highWatermark(), f.leaderEpoch());
                    }
                }
                case NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH, UNKNOWN_TOPIC_OR_PARTITION,
                        UNKNOWN_TOPIC_ID -> backOff(f, EPOCH_ERROR_BACKOFF_MS); // the metadata will say more
                default -> {
                    log.warn("fetching {} from broker {} failed with {}", p.topicPartition(), leaderId, error);
                    backOff(f, settings.backoffMs());
                }
            }
        } catch (IOException | RuntimeException e) {
            log.error("cannot apply what broker {} sent for {}", leaderId, p.topicPartition(), e);
            backOff(f, settings.backoffMs());
        }
    }

    private void copied(Fetching f, FetchResponse.PartitionData pd) throws IOException {
        Partition p = f.partition();
        FetchResponse.EpochEndOffset diverging = pd.divergingEpoch();
        if (diverging != null && (diverging.epoch() >= 0 || diverging.endOffset() >= 0)) {
            p.followerWrites().truncate(truncationOffset(p, diverging), f.leaderEpoch());
            return;
        }
        if (pd.records() instanceof BufferRecords records && records.buffer().readableBytes() > 0) {
            int bytes = records.buffer().readableBytes();
            if (p.followerWrites().append(records.buffer(), f.leaderEpoch()) != null) {
                p.meters().replicated(bytes);
            }
            throttles.copied(p, bytes, System.currentTimeMillis());
        }
        p.followerWrites().followLeaderHighWatermark(pd.highWatermark());
        if (pd.logStartOffset() > p.logStartOffset() && pd.logStartOffset() <= p.highWatermark()) {
            p.deleteRecordsBefore(pd.logStartOffset()); // the leader's DeleteRecords or retention moved its start
        }
    }

    /**
     * Where this log stops agreeing with the leader's: the end of the leader's epoch it reported,
     * or of this log's own latest epoch at most that one, whichever comes first.
     */
    static long truncationOffset(Partition p, FetchResponse.EpochEndOffset diverging) {
        if (diverging.epoch() < 0 || diverging.endOffset() < 0) {
            return p.highWatermark(); // the leader knows no such epoch: keep only what was committed
        }
        LeaderEpochCache.EpochEndOffset local = p.endOffsetForEpoch(diverging.epoch());
        long ours = local.epoch() < 0 ? p.logEndOffset() : local.endOffset();
        return Math.max(0, Math.min(diverging.endOffset(), ours));
    }

    private void backOff(Fetching f, long ms) {
        partitions.replace(f.partition().topicPartition(), f,
                new Fetching(f.partition(), f.leaderEpoch(), System.currentTimeMillis() + ms));
    }

    private FetchResponse call(FetchRequest request) throws IOException {
        if (!connection.connected()) {
            Optional<BrokerInfo.Endpoint> endpoint = liveBrokers.get().stream().filter(b -> b.id() == leaderId).findFirst()
                    .flatMap(b -> b.endpoint(settings.listener().name()));
            if (endpoint.isEmpty()) {
                throw new IOException("broker " + leaderId + " is not registered with a listener named "
                        + settings.listener().name());
            }
            connection.connect(endpoint.get());
            log.info("fetching from broker {} at {}", leaderId, endpoint.get());
        }
        return (FetchResponse) connection.call(ApiKey.FETCH, ApiKey.FETCH.highestVersion, request);
    }

    private void closeConnection() {
        connection.close();
    }
}
