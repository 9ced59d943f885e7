package dev.wharf.server.txn;

import dev.wharf.logstore.TopicPartition;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * One transactional id as its coordinator knows it: the producer id and epoch it hands out, the
 * state of its current transaction and the partitions in it. Changes are written to
 * {@code __transaction_state} before they apply: while a write is in flight {@link #pending} is
 * set and every request for the id is answered CONCURRENT_TRANSACTIONS, as in Kafka.
 *
 * <p>Threads: guarded by its own monitor; never held across I/O.
 */
final class TxnMetadata {
    final String transactionalId;
    /** The {@code __transaction_state} partition's leader epoch when it was loaded: the epoch markers carry. */
    final int coordinatorEpoch;
    /** -1 until its first InitProducerId is written. */
    long producerId = -1;
    long previousProducerId = -1;
    /** The producer id a transaction version 2 completion moves to (the epoch was exhausted); -1 for none. */
    long nextProducerId = -1;
    short producerEpoch;
    /** The epoch before the last bump, -1 if none: a retry of the request that bumped it is recognised. */
    short lastProducerEpoch = -1;
    int timeoutMs;
    TxnState state = TxnState.EMPTY;
    final Set<TopicPartition> partitions = new LinkedHashSet<>();
    long lastUpdateMs;
    long startMs = -1;
    /** The transaction version its client last spoke: 0 (KIP-98) or 2 (KIP-890, an epoch bump per transaction). */
    short clientVersion;
    /** A change written but not yet applied (null when none). */
    TxnRecords.Stored pending;

    TxnMetadata(String transactionalId, int coordinatorEpoch) {
        this.transactionalId = transactionalId;
        this.coordinatorEpoch = coordinatorEpoch;
    }

    /** The state as stored now. */
    TxnRecords.Stored stored() {
        return new TxnRecords.Stored(producerId, previousProducerId, nextProducerId, producerEpoch, lastProducerEpoch,
                timeoutMs, state, List.copyOf(partitions), lastUpdateMs, startMs, clientVersion);
    }

    /** A change of state from now, to be written: same producer, epoch and timeout unless changed afterwards. */
    TxnRecords.Stored transition(TxnState next, List<TopicPartition> nextPartitions, long nowMs) {
        long start = next == TxnState.ONGOING && state != TxnState.ONGOING ? nowMs : next == TxnState.EMPTY ? -1 : startMs;
        return stored().withState(next, nextPartitions, nowMs, start);
    }

    /**
     * Empty in the next epoch (InitProducerId); a new producer id at epoch 0 once the epoch is
     * exhausted (KIP-360). The epoch bumped from is remembered only for a producer that named it
     * (so that its retry is recognised), as Kafka does.
     */
    TxnRecords.Stored bumped(long nowMs, boolean rememberEpoch, LongSupplier newProducerId) {
        TxnRecords.Stored empty = transition(TxnState.EMPTY, List.of(), nowMs);
        if (producerEpoch >= EndTxnRules.EXHAUSTED_EPOCH) {
            return empty.withProducer(newProducerId.getAsLong(), producerId, -1, (short) 0, (short) -1);
        }
        return empty.withProducer(producerId, previousProducerId, -1, (short) (producerEpoch + 1),
                rememberEpoch ? producerEpoch : -1);
    }

    /**
     * The Prepare record of a decision that bumps the epoch (transaction version 2, and every abort
     * that fences a producer): the markers carry the new epoch; when it is the last one of the
     * producer id, the id to move to once complete is chosen now (KIP-360).
     */
    TxnRecords.Stored prepared(boolean commit, long nowMs, LongSupplier newProducerId) {
        TxnRecords.Stored p = transition(commit ? TxnState.PREPARE_COMMIT : TxnState.PREPARE_ABORT, partitionList(), nowMs);
        long nextId = producerEpoch >= EndTxnRules.EXHAUSTED_EPOCH ? newProducerId.getAsLong() : -1;
        return p.withProducer(producerId, previousProducerId, nextId, (short) (producerEpoch + 1), producerEpoch);
    }

    /** CompleteCommit or CompleteAbort; after an exhausted epoch, the producer id chosen at Prepare at epoch 0. */
    TxnRecords.Stored completed(boolean commit, long nowMs) {
        TxnRecords.Stored done = transition(commit ? TxnState.COMPLETE_COMMIT : TxnState.COMPLETE_ABORT, List.of(), nowMs);
        return nextProducerId < 0 ? done
                : done.withProducer(nextProducerId, producerId, -1, (short) 0, lastProducerEpoch);
    }

    /** Makes a written change the current state. */
    void apply(TxnRecords.Stored s) {
        producerId = s.producerId();
        previousProducerId = s.previousProducerId();
        nextProducerId = s.nextProducerId();
        producerEpoch = s.producerEpoch();
        lastProducerEpoch = s.lastProducerEpoch();
        timeoutMs = s.timeoutMs();
        state = s.state();
        partitions.clear();
        partitions.addAll(s.partitions());
        lastUpdateMs = s.lastUpdateMs();
        startMs = s.startMs();
        clientVersion = s.clientVersion();
    }

    List<TopicPartition> partitionList() {
        return new ArrayList<>(partitions);
    }
}
