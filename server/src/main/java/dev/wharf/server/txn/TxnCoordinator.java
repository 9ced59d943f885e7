package dev.wharf.server.txn;

import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction coordinator (KIP-98), transaction version 1: hands out producer ids and epochs
 * per transactional id (fencing the previous holder of the id), records which partitions a
 * transaction touches, and ends it: the decision (PrepareCommit or PrepareAbort) is written to
 * {@code __transaction_state} and answered, then markers go to every partition and the
 * CompleteCommit or CompleteAbort record closes it ({@link TxnCompletion}). Every change is written
 * before it applies; while one is in flight the id answers CONCURRENT_TRANSACTIONS, which clients
 * retry. Transactions open longer than their timeout are aborted with a bumped epoch, fencing
 * their producer, as Kafka does.
 *
 * <p>Threads: any io thread; an id's state is guarded by its {@link TxnMetadata}'s monitor, never
 * held across a write or a ZooKeeper call.
 */
public final class TxnCoordinator {
    private static final Logger log = LoggerFactory.getLogger(TxnCoordinator.class);

    /** Allocates cluster-unique producer ids (ZooKeeper's producer id block). */
    public interface ProducerIds {
        long next() throws Exception;
    }

    public record InitResult(ErrorCode error, long producerId, short producerEpoch) {
        static InitResult error(ErrorCode e) {
            return new InitResult(e, -1, (short) -1);
        }
    }

    private final TxnStore store;
    /** A decided transaction's markers and completion. */
    private final TxnCompletion completion;
    private final ProducerIds producerIds;
    private final ToIntFunction<String> partitionsOfTopic;
    private final int maxTimeoutMs;
    private final LongSupplier clock;

    /** The broker's coordinator: markers sent from {@code markerThread}, producer ids from ZooKeeper. */
    public static TxnCoordinator create(dev.wharf.server.BrokerConfig config, dev.wharf.controller.ZkMetadataStore metadata,
            TxnStore store, java.util.concurrent.ScheduledExecutorService markerThread) {
        // a leader answers a marker once its ISR has it, after up to 30 s: the socket waits longer
        TxnMarkers markers = new TxnMarkers(metadata, store, config.interBrokerListener(), 40_000, markerThread);
        return new TxnCoordinator(store, markers::send, metadata::nextProducerId,
                topic -> metadata.topic(topic).map(t -> t.partitions().size()).orElse(-1),
                config.get(dev.wharf.server.config.BrokerKeys.TRANSACTION_MAX_TIMEOUT_MS), System::currentTimeMillis);
    }

    TxnCoordinator(TxnStore store, Consumer<TxnMarkers.Job> markers, ProducerIds producerIds, ToIntFunction<String> partitionsOfTopic,
            int maxTimeoutMs, LongSupplier clock) {
        this.store = store;
        this.completion = new TxnCompletion(store, markers, clock);
        this.producerIds = producerIds;
        this.partitionsOfTopic = partitionsOfTopic;
        this.maxTimeoutMs = maxTimeoutMs;
        this.clock = clock;
        store.onLoaded(completion::completePrepared);
    }

    // ---- InitProducerId

    /**
     * A producer with {@code transactionalId} starts (or restarts): the id's next epoch, which
     * fences every earlier producer of the id; an open transaction is aborted first (the answer is
     * CONCURRENT_TRANSACTIONS until it is). {@code expectedProducerId}/{@code expectedEpoch}
     * (v3+, -1 when absent) resume a producer that knows its id (KIP-360).
     */
    public CompletableFuture<InitResult> initProducerId(String transactionalId, int timeoutMs, long expectedProducerId,
            short expectedEpoch, boolean fencedIsProducerFenced) {
        if (timeoutMs <= 0 || timeoutMs > maxTimeoutMs) {
            return done(InitResult.error(ErrorCode.INVALID_TRANSACTION_TIMEOUT));
        }
        Optional<TxnStore.Loaded> where = store.coordinating(transactionalId);
        if (where.isEmpty()) {
            return done(InitResult.error(ErrorCode.NOT_COORDINATOR));
        }
        TxnMetadata known = store.get(transactionalId);
        long freshProducerId;
        try {
            freshProducerId = known == null || known.producerId < 0 ? producerIds.next() : -1;
        } catch (Exception e) {
            log.warn("no producer id for {}: {}", transactionalId, e.toString());
            return done(InitResult.error(ErrorCode.COORDINATOR_NOT_AVAILABLE));
        }
        TxnMetadata txn = store.getOrCreate(transactionalId, where.get().coordinatorEpoch());
        long now = clock.getAsLong();
        TxnRecords.Stored next;
        synchronized (txn) {
            if (txn.pending != null) {
                return done(InitResult.error(ErrorCode.CONCURRENT_TRANSACTIONS));
            }
            if (txn.producerId < 0) {
                if (freshProducerId < 0) {
                    return done(InitResult.error(ErrorCode.CONCURRENT_TRANSACTIONS)); // another request is creating it
                }
                next = new TxnRecords.Stored(freshProducerId, -1, -1, (short) 0, (short) -1, timeoutMs, TxnState.EMPTY,
                        List.of(), now, -1, (short) 0);
            } else {
                // KIP-360: a producer resuming names the id and epoch it had, checked first: a zombie must not
                // abort its successor's transaction; a retry of the bump it asked for gets the epoch it got
                boolean resuming = expectedProducerId >= 0;
                boolean current = expectedProducerId == txn.producerId && expectedEpoch == txn.producerEpoch;
                boolean retry = expectedProducerId == txn.producerId && expectedEpoch == txn.lastProducerEpoch
                        && !current;
                if (resuming && !current && !retry) {
                    return done(InitResult.error(fencedIsProducerFenced ? ErrorCode.PRODUCER_FENCED
                            : ErrorCode.INVALID_PRODUCER_EPOCH));
                }
                if (txn.state.preparing() || txn.state == TxnState.PREPARE_EPOCH_FENCE || txn.state == TxnState.DEAD) {
                    return done(InitResult.error(ErrorCode.CONCURRENT_TRANSACTIONS));
                }
                if (txn.state == TxnState.ONGOING) {
                    abortFenced(where.get(), txn, now);
                    return done(InitResult.error(ErrorCode.CONCURRENT_TRANSACTIONS));
                }
                if (resuming && retry) {
                    return done(new InitResult(ErrorCode.NONE, txn.producerId, txn.producerEpoch));
                }
                next = txn.bumped(now, resuming, () -> newProducerId(transactionalId)).withTimeout(timeoutMs);
            }
            txn.pending = next;
        }
        TxnRecords.Stored written = next;
        return store.write(where.get(), txn, next).thenApply(error -> error == ErrorCode.NONE
                ? new InitResult(ErrorCode.NONE, written.producerId(), written.producerEpoch()) : InitResult.error(error));
    }

    /**
     * Ends an open transaction whose producer was replaced or timed out: the epoch is bumped (the
     * old producer is fenced: its next request gets PRODUCER_FENCED) and the transaction aborted
     * with it. Called holding the id's monitor with no write pending.
     */
    private void abortFenced(TxnStore.Loaded where, TxnMetadata txn, long now) {
        txn.state = TxnState.PREPARE_EPOCH_FENCE; // in memory only: what is written is the abort
        TxnRecords.Stored abort = txn.prepared(false, now, () -> newProducerId(txn.transactionalId));
        txn.pending = abort;
        store.write(where, txn, abort).thenAccept(error -> {
            if (error == ErrorCode.NONE) {
                completion.sendMarkers(where, txn);
            } else {
                synchronized (txn) {
                    if (txn.state == TxnState.PREPARE_EPOCH_FENCE) {
                        txn.state = TxnState.ONGOING; // not written: the next attempt starts over
                    }
                }
            }
        });
    }

    // ---- AddPartitionsToTxn, AddOffsetsToTxn

    /**
     * Adds partitions to the producer's transaction (starting it if none is open); per partition
     * the error, all alike unless a partition does not exist (that one UNKNOWN_TOPIC_OR_PARTITION,
     * the rest OPERATION_NOT_ATTEMPTED).
     */
    public CompletableFuture<Map<TopicPartition, ErrorCode>> addPartitions(String transactionalId, long producerId,
            short producerEpoch, List<TopicPartition> partitions, boolean fencedIsProducerFenced) {
        return addPartitions(transactionalId, producerId, producerEpoch, partitions, fencedIsProducerFenced, false);
    }

    /**
     * The same; {@code version2} when a partition leader or group coordinator adds them on behalf
     * of a transaction version 2 client (Produce v12+, TxnOffsetCommit v5+), which sends no
     * AddPartitionsToTxn of its own.
     */
    public CompletableFuture<Map<TopicPartition, ErrorCode>> addPartitions(String transactionalId, long producerId,
            short producerEpoch, List<TopicPartition> partitions, boolean fencedIsProducerFenced, boolean version2) {
        Map<TopicPartition, ErrorCode> unknown = new HashMap<>();
        for (TopicPartition tp : partitions) {
            int count = partitionsOfTopic.applyAsInt(tp.topic());
            if (tp.partition() < 0 || tp.partition() >= count) {
                unknown.put(tp, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
            }
        }
        if (!unknown.isEmpty()) {
            partitions.forEach(tp -> unknown.putIfAbsent(tp, ErrorCode.OPERATION_NOT_ATTEMPTED));
            return done(unknown);
        }
        return addChecked(transactionalId, producerId, producerEpoch, partitions, fencedIsProducerFenced, version2)
                .thenApply(error -> all(partitions, error));
    }

    private CompletableFuture<ErrorCode> addChecked(String transactionalId, long producerId, short producerEpoch,
            List<TopicPartition> partitions, boolean fencedIsProducerFenced, boolean version2) {
        Optional<TxnStore.Loaded> where = store.coordinating(transactionalId);
        if (where.isEmpty()) {
            return done(ErrorCode.NOT_COORDINATOR);
        }
        TxnMetadata txn = store.get(transactionalId);
        if (txn == null) {
            return done(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
        }
        TxnRecords.Stored next;
        synchronized (txn) {
            if (txn.pending != null) {
                return done(ErrorCode.CONCURRENT_TRANSACTIONS);
            }
            ErrorCode error = checkProducer(txn, producerId, producerEpoch, fencedIsProducerFenced);
            if (error != ErrorCode.NONE) {
                return done(error);
            }
            if (txn.state.preparing() || txn.state == TxnState.PREPARE_EPOCH_FENCE) {
                return done(ErrorCode.CONCURRENT_TRANSACTIONS);
            }
            if (txn.state == TxnState.DEAD) {
                return done(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
            }
            if (txn.state == TxnState.ONGOING && txn.partitions.containsAll(partitions)) {
                return done(ErrorCode.NONE);
            }
            Set<TopicPartition> union = new LinkedHashSet<>(txn.state == TxnState.ONGOING ? txn.partitions : Set.of());
            union.addAll(partitions);
            next = txn.transition(TxnState.ONGOING, List.copyOf(union), clock.getAsLong())
                    .withClientVersion(version2 ? (short) 2 : (short) 0);
            txn.pending = next;
        }
        return store.write(where.get(), txn, next);
    }

    private static ErrorCode checkProducer(TxnMetadata txn, long producerId, short producerEpoch,
            boolean fencedIsProducerFenced) {
        if (producerId != txn.producerId) {
            return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
        }
        if (producerEpoch != txn.producerEpoch) {
            return fencedIsProducerFenced ? ErrorCode.PRODUCER_FENCED : ErrorCode.INVALID_PRODUCER_EPOCH;
        }
        return ErrorCode.NONE;
    }

    private static Map<TopicPartition, ErrorCode> all(List<TopicPartition> partitions, ErrorCode error) {
        Map<TopicPartition, ErrorCode> out = new HashMap<>();
        partitions.forEach(tp -> out.put(tp, error));
        return out;
    }

    /** Adds the group's {@code __consumer_offsets} partition (given) to the transaction: AddOffsetsToTxn. */
    public CompletableFuture<ErrorCode> addOffsetsPartition(String transactionalId, long producerId, short producerEpoch,
            TopicPartition offsetsPartition, boolean fencedIsProducerFenced) {
        return addChecked(transactionalId, producerId, producerEpoch, List.of(offsetsPartition), fencedIsProducerFenced,
                false);
    }

    /**
     * Whether the partitions are in the producer's open transaction (AddPartitionsToTxn v4+ with
     * VerifyOnly, KIP-890): NONE for those that are, INVALID_TXN_STATE for the rest; nothing is written.
     */
    public Map<TopicPartition, ErrorCode> verify(String transactionalId, long producerId, short producerEpoch,
            List<TopicPartition> partitions) {
        boolean coordinating = store.coordinating(transactionalId).isPresent();
        TxnMetadata txn = coordinating ? store.get(transactionalId) : null;
        ErrorCode error;
        Set<TopicPartition> in = Set.of();
        if (!coordinating) {
            error = ErrorCode.NOT_COORDINATOR;
        } else if (txn == null) {
            error = ErrorCode.INVALID_PRODUCER_ID_MAPPING;
        } else {
            synchronized (txn) {
                error = checkProducer(txn, producerId, producerEpoch, true);
                if (error == ErrorCode.NONE && txn.pending != null) {
                    error = ErrorCode.CONCURRENT_TRANSACTIONS;
                }
                if (error == ErrorCode.NONE && txn.state == TxnState.ONGOING) {
                    in = Set.copyOf(txn.partitions);
                }
            }
        }
        Map<TopicPartition, ErrorCode> out = new HashMap<>();
        for (TopicPartition tp : partitions) {
            out.put(tp, error != ErrorCode.NONE ? error : in.contains(tp) ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE);
        }
        return out;
    }

    // ---- EndTxn

    /** EndTxn's answer: the error, and the producer id and epoch the client goes on with (EndTxn v5+). */
    public record EndResult(ErrorCode error, long producerId, short producerEpoch) {
        static EndResult error(ErrorCode e) {
            return new EndResult(e, -1, (short) -1);
        }
    }

    /**
     * Commits or aborts the producer's transaction; answered once the decision is durable (markers
     * follow). {@code version2} (EndTxn v5+): the epoch is bumped with the decision, and the answer
     * carries the producer id and epoch for the next transaction (see {@link EndTxnRules}).
     */
    public CompletableFuture<EndResult> endTransaction(String transactionalId, long producerId, short producerEpoch,
            boolean commit, boolean fencedIsProducerFenced, boolean version2) {
        Optional<TxnStore.Loaded> where = store.coordinating(transactionalId);
        if (where.isEmpty()) {
            return done(EndResult.error(ErrorCode.NOT_COORDINATOR));
        }
        TxnMetadata txn = store.get(transactionalId);
        if (txn == null || txn.producerId < 0) {
            return done(EndResult.error(ErrorCode.INVALID_PRODUCER_ID_MAPPING));
        }
        TxnRecords.Stored next;
        synchronized (txn) {
            EndTxnRules.Outcome outcome = EndTxnRules.decide(new EndTxnRules.Current(txn.state, txn.pending != null,
                    txn.producerId, txn.previousProducerId, txn.producerEpoch), producerId, producerEpoch, commit, version2);
            if (outcome instanceof EndTxnRules.Outcome.Answer a) {
                ErrorCode error = a.error() == ErrorCode.PRODUCER_FENCED && !fencedIsProducerFenced
                        ? ErrorCode.INVALID_PRODUCER_EPOCH : a.error();
                return done(error == ErrorCode.NONE ? new EndResult(error, txn.producerId, txn.producerEpoch)
                        : EndResult.error(error));
            }
            next = version2 ? txn.prepared(commit, clock.getAsLong(), () -> newProducerId(transactionalId))
                    : txn.transition(commit ? TxnState.PREPARE_COMMIT : TxnState.PREPARE_ABORT, txn.partitionList(),
                            clock.getAsLong());
            if (txn.state != TxnState.ONGOING) {
                next = next.withState(next.state(), List.of(), next.lastUpdateMs(), next.lastUpdateMs()); // an empty abort
            }
            txn.pending = next;
        }
        TxnRecords.Stored written = next;
        return store.write(where.get(), txn, next).thenApply(error -> {
            if (error != ErrorCode.NONE) {
                return EndResult.error(error);
            }
            completion.sendMarkers(where.get(), txn);
            // the ids the client goes on with: those after the completion
            return written.nextProducerId() >= 0 ? new EndResult(error, written.nextProducerId(), (short) 0)
                    : new EndResult(error, written.producerId(), written.producerEpoch());
        });
    }

    private long newProducerId(String transactionalId) {
        try {
            return producerIds.next();
        } catch (Exception e) {
            throw new IllegalStateException("no producer id for " + transactionalId, e);
        }
    }

    // ---- timers

    /** Aborts transactions open longer than their timeout, fencing their producers; returns how many. */
    public int abortTimedOut() {
        long now = clock.getAsLong();
        int aborted = 0;
        for (TxnMetadata txn : List.copyOf(store.all())) {
            Optional<TxnStore.Loaded> where = store.coordinating(txn.transactionalId);
            if (where.isEmpty()) {
                continue;
            }
            synchronized (txn) {
                if (txn.state == TxnState.ONGOING && txn.pending == null && now - txn.startMs > txn.timeoutMs) {
                    log.info("aborting the transaction of {} (producer {} epoch {}): open {} ms, longer than its timeout",
                            txn.transactionalId, txn.producerId, txn.producerEpoch, now - txn.startMs);
                    abortFenced(where.get(), txn, now);
                    aborted++;
                }
            }
        }
        return aborted;
    }

    /** Forgets ids idle (no transaction open) for {@code expirationMs}: a tombstone each; returns how many. */
    public int expireIdle(long expirationMs) {
        long now = clock.getAsLong();
        int expired = 0;
        for (TxnMetadata txn : List.copyOf(store.all())) {
            Optional<TxnStore.Loaded> where = store.coordinating(txn.transactionalId);
            if (where.isEmpty()) {
                continue;
            }
            TxnRecords.Stored dead;
            synchronized (txn) {
                if (!txn.state.idle() || txn.pending != null || now - txn.lastUpdateMs < expirationMs) {
                    continue;
                }
                dead = txn.transition(TxnState.DEAD, List.of(), now);
                txn.pending = dead;
            }
            store.write(where.get(), txn, dead);
            expired++;
        }
        return expired;
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
