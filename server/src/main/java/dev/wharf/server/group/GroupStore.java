package dev.wharf.server.group;

import dev.wharf.server.coordinator.CoordinatorLog;
import dev.wharf.server.coordinator.PartitionWriter;
import dev.wharf.controller.BrokerInfo;
import dev.wharf.server.BrokerConfig;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.TopicAdmin;
import dev.wharf.server.config.BrokerKeys;
import dev.wharf.server.replica.Partition;
import dev.wharf.server.replica.ReplicaManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The groups this broker coordinates, their committed offsets, and where both are stored: the
 * partitions of {@code __consumer_offsets} it leads, each with its {@link PartitionWriter}, loaded
 * (and its groups rebuilt) the first time a group there is asked for, or at start-up.
 *
 * <p>Threads: any io thread. The maps are concurrent. {@code loading} lets one partition load at a
 * time; the loader takes no group monitor, so a thread holding one may wait for a load.
 */
public final class GroupStore {
    private static final Logger log = LoggerFactory.getLogger(GroupStore.class);
    public static final String OFFSETS_TOPIC = OffsetsTopic.NAME;

    private final OffsetsTopic topic;
    private final BrokerConfig config;
    private final Executor io;
    private final LongSupplier clock;
    private final Map<String, Group> groups = new ConcurrentHashMap<>();
    private final OffsetTable offsets = new OffsetTable();
    private final Map<Integer, PartitionWriter> writers = new ConcurrentHashMap<>();
    private final Object loading = new Object();
    private final List<Consumer<Collection<Group>>> loadedListeners = new CopyOnWriteArrayList<>();

    /**
     * @param io where each partition's writer appends, one write at a time per partition; it must
     *     run tasks on its own threads, never in the caller (callers queue writes holding a group's monitor)
     */
    public GroupStore(BrokerConfig config, ZkMetadataStore metadata, TopicAdmin admin, ReplicaManager replicas,
            Executor io, LongSupplier clock) {
        this(new BrokerOffsetsTopic(config, metadata, admin, replicas), io, clock);
    }

    GroupStore(OffsetsTopic topic, Executor io, LongSupplier clock) {
        this.topic = topic;
        this.config = topic.config();
        this.io = io;
        this.clock = clock;
    }

    OffsetsTopic topic() {
        return topic;
    }

    BrokerConfig config() {
        return config;
    }

    OffsetTable offsets() {
        return offsets;
    }

    /** Where rebalances are counted (the metrics; set once, at start-up, by {@link GroupOffsets#countWith}). */
    private volatile GroupOffsets.Counts counts = GroupOffsets.Counts.NONE;

    GroupOffsets.Counts counts() {
        return counts;
    }

    void countWith(GroupOffsets.Counts counts) {
        this.counts = counts;
    }

    /**
     * Adds a listener called with the groups of each partition once it is loaded (each kind's
     * coordinator starts the timers of its own groups; register before the first load).
     */
    void onLoaded(Consumer<Collection<Group>> listener) {
        loadedListeners.add(listener);
    }

    /** The group of any kind, if this broker knows it (call {@link #writerFor} first: it loads the partition). */
    Group group(String groupId) {
        return groups.get(groupId);
    }

    /** The group if it is of this kind; null when there is none, or the id names a group of another kind. */
    <G extends Group> G group(String groupId, Class<G> kind) {
        Group g = groups.get(groupId);
        return kind.isInstance(g) ? kind.cast(g) : null;
    }

    /** The group of this kind, created by {@code factory} if unknown; null if the id names a group of another kind. */
    <G extends Group> G getOrCreate(String groupId, Class<G> kind, Function<String, G> factory) {
        Group g = groups.computeIfAbsent(groupId, factory::apply);
        return kind.isInstance(g) ? kind.cast(g) : null;
    }

    /**
     * Puts {@code next} in place of {@code current} under the same id (a group converting from one
     * protocol to another); false if {@code current} is no longer the group under that id.
     */
    boolean replace(Group current, Group next) {
        return groups.replace(current.groupId(), current, next);
    }

    /** The classic group, or null when there is none (or the id names a group of another kind). */
    ClassicGroup classicGroup(String groupId) {
        return group(groupId, ClassicGroup.class);
    }

    /** The classic group, created empty if unknown; null if the id names a group of another kind. */
    ClassicGroup getOrCreateClassic(String groupId) {
        return getOrCreate(groupId, ClassicGroup.class, id -> new ClassicGroup(id, clock.getAsLong()));
    }

    /**
     * This broker no longer leads {@code partition} of {@code __consumer_offsets} (another broker
     * took over, or the topic went): its groups and offsets are forgotten here, members waiting on
     * a join or sync are told NOT_COORDINATOR, and requests for them get NOT_COORDINATOR from now on
     * so that clients find the new coordinator, which loads them from its replica.
     */
    public void unload(int partition) {
        OptionalInt count = topic.partitionCount();
        synchronized (loading) {
            PartitionWriter writer = writers.remove(partition);
            if (writer == null) {
                return;
            }
            writer.retire();
        }
        int unloaded = 0;
        for (Group g : List.copyOf(groups.values())) {
            if (count.isPresent() && OffsetsTopic.partitionFor(g.groupId(), count.getAsInt()) != partition) {
                continue;
            }
            synchronized (g) {
                g.unload(clock.getAsLong());
            }
            groups.remove(g.groupId(), g);
            offsets.removeGroup(g.groupId());
            unloaded++;
        }
        log.info("unloaded {} groups of {}-{}: another broker coordinates them now", unloaded, OFFSETS_TOPIC, partition);
    }

    /**
     * This broker leads {@code partition} of {@code __consumer_offsets} now: its groups and offsets
     * load from this replica (on the calling io thread), before the first request asks for them.
     */
    public void load(int partition) {
        try {
            writer(partition);
        } catch (RuntimeException e) {
            log.warn("cannot load {}-{}; the first request for one of its groups tries again", OFFSETS_TOPIC, partition, e);
        }
    }

    /** Forgets a group that went Dead. */
    void remove(Group group) {
        groups.remove(group.groupId(), group);
    }

    Collection<Group> all() {
        return groups.values();
    }

    /**
     * The broker coordinating {@code groupId}, creating {@code __consumer_offsets} on first use, as
     * Kafka does; empty when its partition has no live leader or too few brokers are registered
     * for the topic's replication factor.
     */
    public Optional<BrokerInfo> coordinatorFor(String groupId) throws Exception {
        return topic.coordinatorFor(groupId);
    }

    /** The partition of {@code __consumer_offsets} holding {@code groupId}; empty before the topic exists. */
    public OptionalInt partitionOf(String groupId) {
        OptionalInt count = topic.partitionCount();
        return count.isEmpty() ? count : OptionalInt.of(OffsetsTopic.partitionFor(groupId, count.getAsInt()));
    }

    /**
     * A transaction marker was written to {@code partition} of {@code __consumer_offsets}: the
     * producer's offsets committed there in the transaction become committed, or are dropped.
     */
    public void markerWritten(int partition, long producerId, boolean commit) {
        PartitionWriter writer = writers.get(partition);
        OptionalInt count = topic.partitionCount();
        if (writer == null || count.isEmpty()) {
            return;
        }
        writer.coordinatorLog().completeTransaction(producerId, commit);
        offsets.completePending(producerId, commit,
                groupId -> OffsetsTopic.partitionFor(groupId, count.getAsInt()) == partition);
    }

    /** Loads every partition of {@code __consumer_offsets} this broker leads (at start-up). */
    public void loadAll() throws IOException {
        long start = clock.getAsLong();
        List<Integer> led = topic.ledPartitions();
        if (led.isEmpty()) {
            return;
        }
        for (int p : led) {
            writer(p);
        }
        log.info("loaded {} groups from {} in {} ms", groups.size(), OFFSETS_TOPIC, clock.getAsLong() - start);
    }

    /**
     * The writer of the partition holding {@code groupId} if this broker coordinates it, loading
     * its groups the first time; empty otherwise (NOT_COORDINATOR).
     */
    Optional<PartitionWriter> writerFor(String groupId) {
        OptionalInt count = topic.partitionCount();
        if (count.isEmpty()) {
            return Optional.empty();
        }
        return writer(OffsetsTopic.partitionFor(groupId, count.getAsInt()));
    }

    private Optional<PartitionWriter> writer(int partition) {
        PartitionWriter existing = writers.get(partition);
        if (existing != null) {
            return Optional.of(existing);
        }
        Optional<Partition> offsetsPartition = topic.partition(partition);
        if (offsetsPartition.isEmpty()) {
            return Optional.empty();
        }
        // one load at a time; the loader takes no group monitor, so a timer holding one cannot block it
        synchronized (loading) {
            existing = writers.get(partition);
            if (existing != null) {
                return Optional.of(existing);
            }
            try {
                CoordinatorLog loaded = CoordinatorLog.load(offsetsPartition.get());
                Map<String, Group> restored = new HashMap<>();
                GroupPersistence.restore(loaded.entries(), clock.getAsLong(), restored, offsets);
                loaded.pendingTransactions().forEach((producerId, entries) ->
                        GroupPersistence.restorePending(producerId, entries, offsets));
                groups.putAll(restored);
                PartitionWriter writer = new PartitionWriter(loaded, io, config.get(BrokerKeys.OFFSETS_COMMIT_TIMEOUT_MS));
                writers.put(partition, writer);
                loadedListeners.forEach(l -> l.accept(restored.values()));
                return Optional.of(writer);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load " + OFFSETS_TOPIC + "-" + partition, e);
            }
        }
    }
}
