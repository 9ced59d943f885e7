package dev.wharf.server.share;

import dev.wharf.controller.TopicInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.purgatory.DelayedOperation;
import dev.wharf.server.replica.Partition;
import dev.wharf.server.replica.ReplicaManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * What a partition leader does for share consumers, below the ShareFetch and ShareAcknowledge
 * handlers: applies acknowledgements (answered once the new state is durable), hands out records
 * ({@link ShareFetcher}), waits for records up to the request's MaxWaitMs in the fetch purgatory
 * (woken by new records, and by records released or expired), and releases what a member holds
 * when its share session closes or forgets a partition.
 *
 * <p>Threads: handler threads call in; futures complete on io threads, the partition writer's
 * thread or the state-call thread. No state of its own beyond its collaborators.
 */
final class ShareLeader {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ShareLeader.class);
    /** One acknowledgement batch of a request. */
    record Ack(long first, long last, byte[] types) {}

    /** The answer for one partition: an error, or the acquired runs and their batches. */
    record Answer(ErrorCode error, ShareFetcher.Fetched fetched, int leaderId, int leaderEpoch) {
        static Answer error(ErrorCode error, int leaderId, int leaderEpoch) {
            return new Answer(error, null, leaderId, leaderEpoch);
        }
    }

    private final ZkMetadataStore metadata;
    private final ReplicaManager replicas;
    private final SharePartitions partitions;
    private final ShareSettings settings;
    private final LongSupplier clock;

    ShareLeader(ZkMetadataStore metadata, ReplicaManager replicas, SharePartitions partitions, ShareSettings settings,
            LongSupplier clock) {
        this.metadata = metadata;
        this.replicas = replicas;
        this.partitions = partitions;
        this.settings = settings;
        this.clock = clock;
    }

    ShareSettings settings() {
        return settings;
    }

    Optional<TopicInfo> topic(UUID topicId) {
        return metadata.topic(topicId);
    }

    /** Where clients of {@code listener} reach broker {@code id} (for NodeEndpoints), if it is registered. */
    Optional<dev.wharf.controller.BrokerInfo> broker(int id) {
        try {
            return metadata.liveBrokers().stream().filter(b -> b.id() == id).findFirst();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** The leader metadata knows for a partition not led here (id -1 when none), with its epoch. */
    int[] knownLeader(ShareSessions.TopicIdPartition tp) {
        Answer a = led(tp).error();
        return a == null ? new int[] {-1, -1} : new int[] {a.leaderId(), a.leaderEpoch()};
    }

    /** The replica this broker leads, or the error with the leader metadata knows of. */
    private record Led(Partition partition, Answer error) {}

    private Led led(ShareSessions.TopicIdPartition tp) {
        Optional<TopicInfo> topic = metadata.topic(tp.topicId());
        ReplicaManager.Lookup lookup = replicas.leader(topic, tp.partition(), -1, true);
        if (lookup.found()) {
            return new Led(lookup.partition(), null);
        }
        int leader = -1;
        int epoch = -1;
        if (topic.isPresent() && tp.partition() >= 0 && tp.partition() < topic.get().partitions().size()) {
            TopicInfo.PartitionInfo p = topic.get().partitions().get(tp.partition());
            leader = p.leader();
            epoch = p.leaderEpoch();
        }
        return new Led(null, Answer.error(lookup.error(), leader, epoch));
    }

    /** Applies acknowledgements, partition by partition; each answered once its state is durable. */
    CompletableFuture<Map<ShareSessions.TopicIdPartition, ErrorCode>> acknowledge(String groupId, String memberId,
            Map<ShareSessions.TopicIdPartition, List<Ack>> acks) {
        Map<ShareSessions.TopicIdPartition, CompletableFuture<ErrorCode>> pending = new LinkedHashMap<>();
        acks.forEach((tp, batches) -> {
            Led led = led(tp);
            if (led.partition() == null) {
                pending.put(tp, CompletableFuture.completedFuture(led.error().error()));
                return;
            }
            pending.put(tp, partitions.get(groupId, led.partition()).thenCompose(h -> {
                long now = clock.getAsLong();
                int lockMs = settings.lockDurationMs(groupId);
                int limit = settings.deliveryLimit(groupId);
                ErrorCode error = ErrorCode.NONE;
                boolean renewed = false;
                for (Ack a : batches) {
                    ErrorCode e = h.state.acknowledge(memberId, a.first(), a.last(), a.types(), now, lockMs, limit);
                    if (e != ErrorCode.NONE) {
                        error = e;
                    }
                    for (byte t : a.types()) {
                        renewed |= t == SharePartition.RENEW;
                    }
                }
                if (renewed) {
                    partitions.expireLater(h, lockMs);
                }
                partitions.wake(h); // released records may go to a waiting fetch
                ErrorCode answer = error;
                return partitions.persist(h).thenApply(persisted -> answer != ErrorCode.NONE ? answer : persisted);
            }).exceptionally(ShareLeader::errorOf));
        });
        return CompletableFuture.allOf(pending.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
            Map<ShareSessions.TopicIdPartition, ErrorCode> out = new LinkedHashMap<>();
            pending.forEach((tp, f) -> out.put(tp, f.join()));
            return out;
        });
    }

    /** The member's share session closed or dropped these partitions: what it holds there goes back. */
    void release(String groupId, String memberId, List<ShareSessions.TopicIdPartition> tps) {
        for (ShareSessions.TopicIdPartition tp : tps) {
            Led led = led(tp);
            if (led.partition() != null) {
                partitions.get(groupId, led.partition()).thenAccept(h -> {
                    if (h.state.releaseMember(memberId, settings.deliveryLimit(groupId)) > 0) {
                        partitions.persist(h);
                        partitions.wake(h);
                    }
                });
            }
        }
    }

    /**
     * Acquires records of the session's partitions for the member; with none to give and
     * {@code maxWaitMs} above zero, waits in the fetch purgatory for some. A new session reloads
     * idle share-partitions (see {@link SharePartitions#get(String, Partition, boolean)}).
     */
    CompletableFuture<Map<ShareSessions.TopicIdPartition, Answer>> fetch(String groupId, String memberId,
            List<ShareSessions.TopicIdPartition> tps, int maxRecords, int maxBytes, int maxWaitMs, boolean newSession) {
        Map<ShareSessions.TopicIdPartition, Answer> errors = new LinkedHashMap<>();
        Map<ShareSessions.TopicIdPartition, CompletableFuture<SharePartitions.Held>> loading = new LinkedHashMap<>();
        for (ShareSessions.TopicIdPartition tp : tps) {
            Led led = led(tp);
            if (led.partition() == null) {
                errors.put(tp, led.error());
            } else {
                loading.put(tp, partitions.get(groupId, led.partition(), newSession));
            }
        }
        return CompletableFuture.allOf(loading.values().stream().map(f -> f.handle((h, e) -> null))
                .toArray(CompletableFuture[]::new)).thenCompose(v -> {
                    Map<ShareSessions.TopicIdPartition, SharePartitions.Held> held = new LinkedHashMap<>();
                    loading.forEach((tp, f) -> {
                        try {
                            held.put(tp, f.join());
                        } catch (RuntimeException e) {
                            errors.put(tp, Answer.error(errorOf(e), -1, -1));
                        }
                    });
                    ShareFetchWait wait = new ShareFetchWait(groupId, memberId, held, errors, maxRecords, maxBytes,
                            maxWaitMs);
                    if (held.isEmpty() || !errors.isEmpty() || maxWaitMs <= 0) {
                        wait.attempt(true);
                        return wait.result;
                    }
                    List<TopicPartition> keys = new ArrayList<>();
                    held.values().forEach(h -> keys.add(h.partition.topicPartition()));
                    replicas.waiters().fetches().tryCompleteElseWatch(wait, keys);
                    return wait.result;
                });
    }

    /** A share fetch waiting for records to acquire, until one of its partitions has some or time runs out. */
    private final class ShareFetchWait extends DelayedOperation {
        final CompletableFuture<Map<ShareSessions.TopicIdPartition, Answer>> result = new CompletableFuture<>();
        private final String groupId;
        private final String memberId;
        private final Map<ShareSessions.TopicIdPartition, SharePartitions.Held> held;
        private final Map<ShareSessions.TopicIdPartition, Answer> answers;
        private final int maxRecords;
        private final int maxBytes;

        ShareFetchWait(String groupId, String memberId, Map<ShareSessions.TopicIdPartition, SharePartitions.Held> held,
                Map<ShareSessions.TopicIdPartition, Answer> errors, int maxRecords, int maxBytes, int maxWaitMs) {
            super(maxWaitMs);
            this.groupId = groupId;
            this.memberId = memberId;
            this.held = held;
            this.answers = new LinkedHashMap<>(errors);
            this.maxRecords = maxRecords;
            this.maxBytes = maxBytes;
        }

        /** Acquires what there is; true if anything was. With {@code answer}, answers whatever came. */
        boolean attempt(boolean answer) {
            long deadline = clock.getAsLong() + settings.lockDurationMs(groupId);
            int maxLocks = settings.maxRecordLocks(groupId);
            int left = maxRecords;
            boolean any = false;
            for (Map.Entry<ShareSessions.TopicIdPartition, SharePartitions.Held> e : held.entrySet()) {
                SharePartitions.Held h = e.getValue();
                ShareFetcher.Fetched f;
                try {
                    f = left <= 0 ? new ShareFetcher.Fetched(List.of(), new byte[0])
                            : ShareFetcher.acquire(h.state, h.partition, memberId, left, maxBytes, deadline, maxLocks,
                                    settings.readCommitted(groupId));
                } catch (RuntimeException failure) {
                    // a log that cannot be read (storage error, corrupt batch): this partition's answer, not the caller's
                    // problem (this may run on the thread of an append that woke the wait)
                    log.warn("cannot read records of {} for share group {}", h.partition.topicPartition(), groupId, failure);
                    answers.put(e.getKey(), Answer.error(ErrorCode.forException(failure), -1, h.leaderEpoch));
                    continue;
                }
                if (!f.isEmpty()) {
                    any = true;
                    for (SharePartition.Acquired a : f.acquired()) {
                        left -= (int) (a.last() - a.first() + 1);
                    }
                    partitions.expireLater(h, settings.lockDurationMs(groupId));
                    // the delivery counts go with the state: a record that keeps failing its consumers reaches the
                    // delivery limit even across leader changes (not waited for: writes of one share-partition coalesce)
                    partitions.persist(h);
                }
                answers.put(e.getKey(), new Answer(ErrorCode.NONE, f, -1, h.leaderEpoch));
            }
            if (any || answer) {
                result.complete(answers);
            }
            return any;
        }

        @Override
        protected boolean tryComplete() {
            return attempt(false) && forceComplete();
        }

        @Override
        protected void onComplete() {
            if (!result.isDone()) {
                attempt(true); // the deadline: whatever there is now, most likely nothing
            }
        }
    }

    static ErrorCode errorOf(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && !(t instanceof SharePartitions.ShareStateException)) {
            t = t.getCause();
        }
        if (t instanceof SharePartitions.ShareStateException s) {
            return s.error == ErrorCode.NOT_COORDINATOR || s.error == ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
                    ? ErrorCode.COORDINATOR_NOT_AVAILABLE : s.error;
        }
        return ErrorCode.forException(e);
    }
}
