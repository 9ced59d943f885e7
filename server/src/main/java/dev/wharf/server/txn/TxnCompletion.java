package dev.wharf.server.txn;

import dev.wharf.server.ErrorCode;
import java.util.HashSet;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What follows a transaction's decision (PrepareCommit or PrepareAbort, written): its markers go to
 * every partition it touched ({@link TxnMarkers}), then the CompleteCommit or CompleteAbort record
 * closes it. Also run for every prepared transaction found when a {@code __transaction_state}
 * partition loads: the previous coordinator decided it, possibly without completing it.
 *
 * <p>Threads: markers are sent from the io thread that wrote the decision, or that loaded the
 * partition; the completion is written from the markers' thread ({@code wharf-txn-markers}) once
 * the last marker is. An id's state is guarded by its {@link TxnMetadata}'s monitor, never held
 * across a write.
 */
final class TxnCompletion {
    private static final Logger log = LoggerFactory.getLogger(TxnCompletion.class);

    private final TxnStore store;
    /** Sends a decided transaction's markers ({@link TxnMarkers}); its job says what to do once all are written. */
    private final Consumer<TxnMarkers.Job> markers;
    private final LongSupplier clock;

    TxnCompletion(TxnStore store, Consumer<TxnMarkers.Job> markers, LongSupplier clock) {
        this.store = store;
        this.markers = markers;
        this.clock = clock;
    }

    /** Sends the markers of the id's prepared transaction, then writes its completion. */
    void sendMarkers(TxnStore.Loaded where, TxnMetadata txn) {
        TxnMarkers.Job job;
        synchronized (txn) {
            if (!txn.state.preparing()) {
                return;
            }
            boolean commit = txn.state == TxnState.PREPARE_COMMIT;
            job = new TxnMarkers.Job(txn.transactionalId, where.partition(), where.coordinatorEpoch(), txn.producerId,
                    txn.producerEpoch, commit, new HashSet<>(txn.partitions), () -> complete(where, txn, commit));
        }
        markers.accept(job);
    }

    private void complete(TxnStore.Loaded where, TxnMetadata txn, boolean commit) {
        TxnRecords.Stored next;
        synchronized (txn) {
            TxnState expected = commit ? TxnState.PREPARE_COMMIT : TxnState.PREPARE_ABORT;
            if (txn.state != expected || txn.pending != null) {
                return;
            }
            next = txn.completed(commit, clock.getAsLong());
            txn.pending = next;
        }
        store.write(where, txn, next).thenAccept(error -> {
            if (error != ErrorCode.NONE) {
                log.info("cannot complete the transaction of {} ({}); the next coordinator does", txn.transactionalId, error);
            }
        });
    }

    /** The ids of a partition just loaded: those with a prepared transaction get its markers and completion. */
    void completePrepared(List<TxnMetadata> loaded) {
        for (TxnMetadata txn : loaded) {
            boolean preparing;
            synchronized (txn) {
                preparing = txn.state.preparing();
            }
            if (preparing) {
                store.coordinating(txn.transactionalId).ifPresent(where -> sendMarkers(where, txn));
            }
        }
    }
}
