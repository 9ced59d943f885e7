package dev.wharf.server.txn;

import dev.wharf.controller.BrokerInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.BrokerConfig;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.TopicAdmin;
import dev.wharf.server.TopicConfigs;
import dev.wharf.server.config.BrokerKeys;
import dev.wharf.server.coordinator.CoordinatorLog;
import dev.wharf.server.coordinator.CoordinatorTopic;
import dev.wharf.server.coordinator.InternalTopic;
import dev.wharf.server.coordinator.PartitionWriter;
import dev.wharf.server.replica.Partition;
import dev.wharf.server.replica.ReplicaManager;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactional ids this broker coordinates and where their state is stored: the partitions of
 * {@code __transaction_state} it leads, each loaded (its ids rebuilt) when leadership arrives or on
 * first use, with its {@link PartitionWriter}. The coordinator epoch of a partition is its leader
 * epoch at load: markers carry it, and partition leaders refuse markers of an older one.
 *
 * <p>Threads: any io thread. The maps are concurrent; {@code loading} lets one partition load at a
 * time; an id's {@link TxnMetadata} is guarded by its own monitor.
 */
public final class TxnStore {
    private static final Logger log = LoggerFactory.getLogger(TxnStore.class);
    public static final String TOPIC = TxnRecords.TOPIC;

    /** A loaded partition: its writer and the coordinator epoch it was loaded in. */
    record Loaded(int partition, PartitionWriter writer, int coordinatorEpoch) {}

    private final CoordinatorTopic topic;
    private final Executor io;
    private final long writeTimeoutMs;
    private final Map<String, TxnMetadata> txns = new ConcurrentHashMap<>();
    private final Map<Integer, Loaded> loaded = new ConcurrentHashMap<>();
    private final Object loading = new Object();
    private volatile Consumer<List<TxnMetadata>> loadedListener = l -> {};

    public TxnStore(BrokerConfig config, ZkMetadataStore metadata, TopicAdmin admin, ReplicaManager replicas, Executor io) {
        this(new InternalTopic(new InternalTopic.Spec(TOPIC, config.get(BrokerKeys.TRANSACTION_STATE_LOG_NUM_PARTITIONS),
                config.get(BrokerKeys.TRANSACTION_STATE_LOG_REPLICATION_FACTOR),
                BrokerKeys.TRANSACTION_STATE_LOG_REPLICATION_FACTOR.name(), topicConfigs(config)), config.brokerId(), metadata,
                admin, replicas), io, config.get(BrokerKeys.OFFSETS_COMMIT_TIMEOUT_MS));
    }

    TxnStore(CoordinatorTopic topic, Executor io, long writeTimeoutMs) {
        this.topic = topic;
        this.io = io;
        this.writeTimeoutMs = writeTimeoutMs;
    }

    /** {@code __transaction_state} as Kafka creates it: compacted, never unclean, uncompressed. */
    private static Map<String, String> topicConfigs(BrokerConfig config) {
        return Map.ofEntries(Map.entry("cleanup.policy", "compact"),
                TopicConfigs.segmentSize(config.get(BrokerKeys.TRANSACTION_STATE_LOG_SEGMENT_BYTES)),
                Map.entry("min.insync.replicas", Integer.toString(config.get(BrokerKeys.TRANSACTION_STATE_LOG_MIN_ISR))),
                Map.entry("unclean.leader.election.enable", "false"), Map.entry("compression.type", "uncompressed"));
    }

    /** Called with the ids of each partition once loaded (the coordinator completes their prepared transactions). */
    void onLoaded(Consumer<List<TxnMetadata>> listener) {
        this.loadedListener = listener;
    }

    /** The broker coordinating {@code transactionalId}, creating {@code __transaction_state} on first use. */
    public Optional<BrokerInfo> coordinatorFor(String transactionalId) throws Exception {
        return topic.coordinatorFor(transactionalId);
    }

    /** The broker coordinating {@code transactionalId} by the metadata cache, -1 if none (nothing is created). */
    public int coordinatorIdOf(String transactionalId) {
        return topic.leaderOf(transactionalId);
    }

    /** The partition holding {@code transactionalId}, or -1 before the topic exists. */
    int partitionOf(String transactionalId) {
        OptionalInt count = topic.partitionCount();
        return count.isEmpty() ? -1 : InternalTopic.partitionFor(transactionalId, count.getAsInt());
    }

    /**
     * The loaded partition holding {@code transactionalId} if this broker coordinates it (loading it
     * the first time); empty otherwise (NOT_COORDINATOR).
     */
    Optional<Loaded> coordinating(String transactionalId) {
        int partition = partitionOf(transactionalId);
        return partition < 0 ? Optional.empty() : loaded(partition);
    }

    /** Whether this broker still coordinates {@code partition} in {@code coordinatorEpoch} (a marker job goes on). */
    boolean stillCoordinating(int partition, int coordinatorEpoch) {
        Loaded l = loaded.get(partition);
        return l != null && l.coordinatorEpoch() == coordinatorEpoch;
    }

    TxnMetadata get(String transactionalId) {
        return txns.get(transactionalId);
    }

    /** The id's metadata, created (Empty, no producer yet) if unknown. */
    TxnMetadata getOrCreate(String transactionalId, int coordinatorEpoch) {
        return txns.computeIfAbsent(transactionalId, id -> new TxnMetadata(id, coordinatorEpoch));
    }

    void forget(TxnMetadata txn) {
        txns.remove(txn.transactionalId, txn);
    }

    Collection<TxnMetadata> all() {
        return txns.values();
    }

    /**
     * Writes {@code next} as the id's state and applies it once every in-sync replica has it. The
     * caller has set {@code txn.pending} to it (under the monitor); it is cleared either way. The
     * future completes with NONE, or NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE as Kafka answers
     * when its write fails.
     */
    CompletableFuture<ErrorCode> write(Loaded where, TxnMetadata txn, TxnRecords.Stored next) {
        byte[] key = TxnRecords.key(txn.transactionalId);
        byte[] value = next.state() == TxnState.DEAD ? null : TxnRecords.value(next);
        return where.writer().write(new PartitionWriter.LogWrite<ErrorCode>() {
            @Override
            public List<CoordinatorLog.Entry> records() {
                return List.of(new CoordinatorLog.Entry(key, value));
            }

            @Override
            public ErrorCode applied() {
                synchronized (txn) {
                    txn.apply(next);
                    txn.pending = null;
                }
                if (next.state() == TxnState.DEAD) {
                    forget(txn);
                }
                return ErrorCode.NONE;
            }

            @Override
            public ErrorCode failed(Exception cause) {
                synchronized (txn) {
                    txn.pending = null;
                }
                return PartitionWriter.errorFor(cause);
            }
        });
    }

    /** This broker leads {@code partition} now: its ids load from this replica. */
    public void load(int partition) {
        try {
            loaded(partition);
        } catch (RuntimeException e) {
            log.warn("cannot load {}-{}; the first request for one of its ids tries again", TOPIC, partition, e);
        }
    }

    /** This broker no longer leads {@code partition}: its ids are forgotten here; their markers stop. */
    public void unload(int partition) {
        synchronized (loading) {
            Loaded removed = loaded.remove(partition);
            if (removed == null) {
                return;
            }
            removed.writer().retire(); // writes queued for the old leadership fail with NOT_COORDINATOR
        }
        OptionalInt count = topic.partitionCount();
        int unloaded = 0;
        for (TxnMetadata txn : List.copyOf(txns.values())) {
            if (count.isEmpty() || InternalTopic.partitionFor(txn.transactionalId, count.getAsInt()) == partition) {
                txns.remove(txn.transactionalId, txn);
                unloaded++;
            }
        }
        log.info("unloaded {} transactional ids of {}-{}: another broker coordinates them now", unloaded, TOPIC, partition);
    }

    /** Loads every partition this broker leads (at start-up). */
    public void loadAll() {
        topic.ledPartitions().forEach(this::load);
    }

    private Optional<Loaded> loaded(int partition) {
        Loaded existing = loaded.get(partition);
        if (existing != null) {
            return Optional.of(existing);
        }
        Optional<Partition> leader = topic.partition(partition);
        if (leader.isEmpty()) {
            return Optional.empty();
        }
        List<TxnMetadata> restored = new ArrayList<>();
        Loaded now;
        synchronized (loading) {
            existing = loaded.get(partition);
            if (existing != null) {
                return Optional.of(existing);
            }
            int coordinatorEpoch = leader.get().leaderEpoch();
            try {
                CoordinatorLog stored = CoordinatorLog.load(leader.get());
                for (CoordinatorLog.Entry e : stored.entries()) {
                    TxnMetadata txn = new TxnMetadata(TxnRecords.readKey(e.key()), coordinatorEpoch);
                    txn.apply(TxnRecords.readValue(e.value()));
                    txns.put(txn.transactionalId, txn);
                    restored.add(txn);
                }
                now = new Loaded(partition, new PartitionWriter(stored, io, writeTimeoutMs), coordinatorEpoch);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot load " + TOPIC + "-" + partition, e);
            }
            loaded.put(partition, now);
        }
        if (!restored.isEmpty()) { // fifty empty partitions at every start say nothing
            log.info("loaded {} transactional ids from {}-{} (coordinator epoch {})", restored.size(), TOPIC, partition,
                    now.coordinatorEpoch());
        }
        loadedListener.accept(restored);
        return Optional.of(now);
    }
}
