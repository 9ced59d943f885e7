package dev.wharf.server.group;

import dev.wharf.server.coordinator.CoordinatorLog;
import dev.wharf.server.coordinator.PartitionWriter;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.config.BrokerKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed offsets as the handlers see them: OffsetCommit (the group, of whatever kind, only
 * says whether the member and generation may commit), OffsetFetch, OffsetDelete, retention, and
 * removal with a deleted topic. Offsets live in the {@link OffsetTable}; each change is decided
 * and appended on the group's {@link PartitionWriter} and answered once durable.
 *
 * <p>Threads: io threads call in; decisions run on the partition writer under the group's
 * monitor, appends on the writer with no monitor held. No state of its own.
 */
public final class GroupOffsets {
    private static final Logger log = LoggerFactory.getLogger(GroupOffsets.class);

    /** One partition's offset to commit. */
    public record OffsetToCommit(String topic, int partition, long offset, int leaderEpoch, String metadata) {}

    /** OffsetDelete's answer: a group-level error, or NONE and an error for each partition asked for. */
    public record DeleteResult(ErrorCode error, Map<TopicPartition, ErrorCode> partitions) {}

    private final GroupStore store;
    private final OffsetsTopic topic;
    private final LongSupplier clock;
    private final int maxMetadata;
    private final OffsetRetention retention;

    /** Told of offsets committed, expired and deleted, as each change is applied, and of rebalances (the metrics). */
    public interface Counts {
        void committed(int offsets);

        void expired(int offsets);

        void deleted(int offsets);

        /** A rebalance of a group of this type completed (classic: to Stable; consumer: a heartbeat bumped the epoch). */
        default void rebalanced(GroupType type) {
        }

        Counts NONE = new Counts() {
            public void committed(int offsets) { }
            public void expired(int offsets) { }
            public void deleted(int offsets) { }
        };
    }

    private volatile Counts counts = Counts.NONE;

    /** How many offsets are committed here, over every group (read when the metrics are). */
    public int count() {
        return store.offsets().count();
    }

    /** From now on, tells {@code counts} of what changes (set once, at start-up). */
    public void countWith(Counts counts) {
        this.counts = counts;
        store.countWith(counts);
    }

    public GroupOffsets(GroupStore store, LongSupplier clock) {
        this.store = store;
        this.topic = store.topic();
        this.clock = clock;
        this.maxMetadata = store.config().get(BrokerKeys.OFFSET_METADATA_MAX_BYTES);
        this.retention = new OffsetRetention(store, clock);
        topic.onTopicDeleted(retention::topicDeleted);
    }

    /** OffsetCommit: an error per partition, in the order given, once the accepted ones are durable. */
    public CompletableFuture<List<ErrorCode>> commitOffsets(String groupId, String memberId, String groupInstanceId,
            int generation, long retentionMs, List<OffsetToCommit> offsets, short version) {
        Optional<PartitionWriter> writer = store.writerFor(groupId);
        if (writer.isEmpty()) {
            return CompletableFuture.completedFuture(offsets.stream().map(o -> ErrorCode.NOT_COORDINATOR).toList());
        }
        Group group = store.group(groupId);
        if (group == null) {
            if (generation >= 0) {
                ErrorCode e = version >= 9 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION;
                return CompletableFuture.completedFuture(offsets.stream().map(o -> e).toList());
            }
            // a consumer managing its own partitions: the group exists for its offsets alone
            group = store.getOrCreateClassic(groupId);
        }
        List<ErrorCode> errors = new ArrayList<>();
        Map<TopicPartition, CommittedOffset> accepted = new LinkedHashMap<>();
        check(offsets, retentionMs, errors, accepted);
        return writer.get().write(new Commit(group, memberId, groupInstanceId, generation, false, version, errors,
                accepted));
    }

    /**
     * Checks each offset (an existing partition, metadata within bounds): an error per offset in
     * {@code errors}, in order, and the ones that pass in {@code accepted}.
     */
    private void check(List<OffsetToCommit> offsets, long retentionMs, List<ErrorCode> errors,
            Map<TopicPartition, CommittedOffset> accepted) {
        long now = clock.getAsLong();
        for (OffsetToCommit o : offsets) {
            String metadata = o.metadata() == null ? "" : o.metadata();
            if (o.partition() < 0 || o.partition() >= topic.partitionsOf(o.topic())) {
                errors.add(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
            } else if (metadata.length() > maxMetadata) {
                errors.add(ErrorCode.OFFSET_METADATA_TOO_LARGE);
            } else {
                accepted.put(new TopicPartition(o.topic(), o.partition()), new CommittedOffset(o.offset(),
                        o.leaderEpoch(), metadata, now, retentionMs >= 0 ? now + retentionMs : -1));
                errors.add(ErrorCode.NONE);
            }
        }
    }

    /**
     * TxnOffsetCommit: the offsets are written in the producer's transaction and stay pending
     * (OffsetFetch with require_stable answers UNSTABLE_OFFSET_COMMIT for them) until its marker
     * commits or drops them. The group checks the commit as Kafka does: a consumer's generation and
     * member id (KIP-447) fence a zombie after a rebalance; a commit naming no member passes a
     * classic group but not a consumer group with members.
     */
    public CompletableFuture<List<ErrorCode>> commitTransactionalOffsets(String groupId, long producerId,
            short producerEpoch, String memberId, String groupInstanceId, int generation, List<OffsetToCommit> offsets) {
        Optional<PartitionWriter> writer = store.writerFor(groupId);
        if (writer.isEmpty()) {
            return CompletableFuture.completedFuture(offsets.stream().map(o -> ErrorCode.NOT_COORDINATOR).toList());
        }
        Group group = store.group(groupId);
        if (group == null) {
            if (generation >= 0) {
                // a generation of a group that is not there
                return CompletableFuture.completedFuture(offsets.stream().map(o -> ErrorCode.ILLEGAL_GENERATION).toList());
            }
            group = store.getOrCreateClassic(groupId);
        }
        List<ErrorCode> errors = new ArrayList<>();
        Map<TopicPartition, CommittedOffset> accepted = new LinkedHashMap<>();
        check(offsets, -1, errors, accepted);
        String member = memberId == null ? "" : memberId;
        return writer.get().write(new Commit(group, member, groupInstanceId, generation, true, (short) -1, errors,
                accepted) {
            @Override
            public List<ErrorCode> applied() {
                store.offsets().putPending(producerId, group().groupId(), accepted());
                return errors();
            }

            @Override
            public long producerId() {
                return producerId;
            }

            @Override
            public short producerEpoch() {
                return producerEpoch;
            }
        });
    }

    /** A commit, checked against the group when its turn to be written comes. */
    private class Commit implements PartitionWriter.LogWrite<List<ErrorCode>> {
        private final Group group;
        private final String memberId;
        private final String groupInstanceId;
        private final int generation;
        private final boolean transactional;
        private final short apiVersion;
        private List<ErrorCode> errors;
        private Map<TopicPartition, CommittedOffset> accepted;

        Commit(Group group, String memberId, String groupInstanceId, int generation, boolean transactional,
                short apiVersion, List<ErrorCode> errors, Map<TopicPartition, CommittedOffset> accepted) {
            this.group = group;
            this.memberId = memberId;
            this.groupInstanceId = groupInstanceId;
            this.generation = generation;
            this.transactional = transactional;
            this.apiVersion = apiVersion;
            this.errors = errors;
            this.accepted = accepted;
        }

        @Override
        public List<CoordinatorLog.Entry> records() {
            ErrorCode validated;
            synchronized (group) {
                validated = group.validateOffsetCommit(memberId, groupInstanceId, generation, transactional,
                        apiVersion, clock.getAsLong());
            }
            // as Kafka: a producer knows ILLEGAL_GENERATION (its commit failed), not the new protocols' error
            ErrorCode groupError = transactional && validated == ErrorCode.STALE_MEMBER_EPOCH
                    ? ErrorCode.ILLEGAL_GENERATION : validated;
            if (groupError != ErrorCode.NONE) {
                errors = errors.stream().map(e -> groupError).toList();
                accepted = Map.of();
            }
            return entries();
        }

        List<CoordinatorLog.Entry> entries() {
            List<CoordinatorLog.Entry> entries = new ArrayList<>(accepted.size());
            accepted.forEach((tp, o) -> entries.add(GroupPersistence.offsetEntry(group.groupId(), tp, o)));
            return entries;
        }

        Group group() {
            return group;
        }

        Map<TopicPartition, CommittedOffset> accepted() {
            return accepted;
        }

        List<ErrorCode> errors() {
            return errors;
        }

        @Override
        public List<ErrorCode> applied() {
            store.offsets().putAll(group.groupId(), accepted);
            counts.committed(accepted.size());
            return errors;
        }

        @Override
        public List<ErrorCode> failed(Exception cause) {
            PartitionWriter.logFailure(log, "cannot store offsets of group " + group.groupId(), cause);
            ErrorCode error = PartitionWriter.errorFor(cause);
            return errors.stream().map(x -> x == ErrorCode.NONE ? error : x).toList();
        }
    }

    /**
     * OffsetFetch for one group: the committed offsets of the given partitions (null: every
     * partition with one); empty when this broker does not coordinate the group.
     */
    public Optional<Map<TopicPartition, CommittedOffset>> fetchOffsets(String groupId, List<TopicPartition> requested) {
        if (store.writerFor(groupId).isEmpty()) {
            return Optional.empty();
        }
        Map<TopicPartition, CommittedOffset> out = new LinkedHashMap<>();
        if (requested == null) {
            out.putAll(store.offsets().all(groupId));
        } else {
            for (TopicPartition tp : requested) {
                CommittedOffset o = store.offsets().get(groupId, tp);
                if (o != null) {
                    out.put(tp, o);
                }
            }
        }
        return Optional.of(out);
    }

    /** OffsetDelete: answered once the tombstones are durable. */
    public CompletableFuture<DeleteResult> deleteOffsets(String groupId, List<TopicPartition> requested) {
        Optional<PartitionWriter> writer = store.writerFor(groupId);
        if (writer.isEmpty()) {
            return CompletableFuture.completedFuture(new DeleteResult(ErrorCode.NOT_COORDINATOR, Map.of()));
        }
        Group group = store.group(groupId);
        if (group == null) {
            return CompletableFuture.completedFuture(new DeleteResult(ErrorCode.GROUP_ID_NOT_FOUND, Map.of()));
        }
        return writer.get().write(new PartitionWriter.LogWrite<>() {
            private DeleteResult result;

            @Override
            public List<CoordinatorLog.Entry> records() {
                synchronized (group) {
                    result = decideDeletion(group, requested);
                }
                List<TopicPartition> gone = new ArrayList<>();
                result.partitions().forEach((tp, e) -> {
                    if (e == ErrorCode.NONE && store.offsets().get(groupId, tp) != null) {
                        gone.add(tp);
                    }
                });
                return GroupPersistence.tombstones(group, gone, false);
            }

            @Override
            public DeleteResult applied() {
                result.partitions().forEach((tp, e) -> {
                    if (e == ErrorCode.NONE) {
                        store.offsets().remove(groupId, List.of(tp));
                        counts.deleted(1);
                    }
                });
                return result;
            }

            @Override
            public DeleteResult failed(Exception cause) {
                PartitionWriter.logFailure(log, "cannot delete offsets of group " + groupId, cause);
                return new DeleteResult(PartitionWriter.errorFor(cause), Map.of());
            }
        });
    }

    /** Which of the partitions may lose their offsets, as Kafka decides it (holding the group's monitor). */
    private static DeleteResult decideDeletion(Group group, List<TopicPartition> requested) {
        if (group.isDead()) {
            return new DeleteResult(ErrorCode.GROUP_ID_NOT_FOUND, Map.of());
        }
        Group.Subscriptions subscriptions = group.subscriptions();
        Set<String> subscribed; // null: every topic counts as subscribed
        if (subscriptions instanceof Group.Subscriptions.None) {
            subscribed = Set.of();
        } else if (subscriptions instanceof Group.Subscriptions.Topics t) {
            subscribed = t.topics();
        } else if (subscriptions instanceof Group.Subscriptions.Unreadable) {
            subscribed = null;
        } else {
            return new DeleteResult(ErrorCode.NON_EMPTY_GROUP, Map.of());
        }
        Map<TopicPartition, ErrorCode> out = new LinkedHashMap<>();
        for (TopicPartition tp : requested) {
            boolean inUse = subscribed == null || subscribed.contains(tp.topic());
            out.put(tp, inUse ? ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC : ErrorCode.NONE);
        }
        return new DeleteResult(ErrorCode.NONE, out);
    }

    /** Queues the removal of offsets past their retention (see {@link OffsetRetention#expire}); how many were due. */
    public int expireOffsets() {
        int due = retention.expire();
        counts.expired(due);
        return due;
    }

    /** Whether an open transaction holds an offset of the group's partition (OffsetFetch require_stable: UNSTABLE_OFFSET_COMMIT). */
    public boolean unstable(String groupId, String topicName, int partition) {
        if (topicName.isEmpty() || partition < 0) { // no partition is named so: nothing of it is pending
            return false;
        }
        return store.offsets().hasPending(groupId, new TopicPartition(topicName, partition));
    }

    /** One group's answer to OffsetFetch: a group-level error, or offsets by topic name in request order. */
    public record FetchedGroup(ErrorCode error, Map<String, List<PartitionOffset>> topics) {}

    /** A partition's committed offset, or the "nothing committed" one (offset -1). */
    public record PartitionOffset(int partition, CommittedOffset offset) {}

    /**
     * OffsetFetch's view of a group: the committed offsets of the requested partitions by topic
     * (null: every partition with an offset, sorted), -1 where nothing is committed.
     */
    public FetchedGroup fetchRequested(String groupId, Map<String, List<Integer>> requested) {
        return fetchRequested(groupId, requested, null, -1);
    }

    /**
     * OffsetFetch v9+: as {@link #fetchRequested(String, Map)}, for a member of a consumer group
     * naming itself and its epoch, which the group checks first (STALE_MEMBER_EPOCH, UNKNOWN_MEMBER_ID).
     */
    public FetchedGroup fetchRequested(String groupId, Map<String, List<Integer>> requested, String memberId,
            int memberEpoch) {
        if (memberId != null || memberEpoch >= 0) {
            if (store.writerFor(groupId).isEmpty()) {
                return new FetchedGroup(ErrorCode.NOT_COORDINATOR, new LinkedHashMap<>());
            }
            Group group = store.group(groupId);
            ErrorCode error;
            if (group == null) {
                error = ErrorCode.GROUP_ID_NOT_FOUND;
            } else {
                synchronized (group) {
                    error = group.validateOffsetFetch(memberId, memberEpoch);
                }
            }
            if (error != ErrorCode.NONE) {
                return new FetchedGroup(error, new LinkedHashMap<>());
            }
        }
        List<TopicPartition> tps = null;
        if (requested != null) {
            tps = new ArrayList<>();
            for (Map.Entry<String, List<Integer>> e : requested.entrySet()) {
                for (int p : e.getValue()) {
                    if (!e.getKey().isEmpty() && p >= 0) {
                        tps.add(new TopicPartition(e.getKey(), p));
                    }
                }
            }
        }
        Optional<Map<TopicPartition, CommittedOffset>> found = fetchOffsets(groupId, tps);
        Map<String, List<PartitionOffset>> out = new LinkedHashMap<>();
        ErrorCode error = found.isEmpty() ? ErrorCode.NOT_COORDINATOR : ErrorCode.NONE;
        if (found.isEmpty() && requested == null) {
            return new FetchedGroup(error, out);
        }
        if (requested == null) {
            found.get().forEach((tp, o) -> out.computeIfAbsent(tp.topic(), k -> new ArrayList<>())
                    .add(new PartitionOffset(tp.partition(), o)));
            out.values().forEach(ps -> ps.sort((a, b) -> Integer.compare(a.partition(), b.partition())));
        } else {
            CommittedOffset none = new CommittedOffset(-1, -1, "", -1, -1);
            requested.forEach((topic, ps) -> {
                for (int p : ps) {
                    // v1 has no group-level error: each requested partition carries it
                    CommittedOffset o = found.isEmpty() || topic.isEmpty() || p < 0 ? null
                            : found.get().get(new TopicPartition(topic, p));
                    out.computeIfAbsent(topic, k -> new ArrayList<>()).add(new PartitionOffset(p, o == null ? none : o));
                }
            });
        }
        return new FetchedGroup(error, out);
    }
}
