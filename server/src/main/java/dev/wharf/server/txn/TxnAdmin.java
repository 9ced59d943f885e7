package dev.wharf.server.txn;

import dev.wharf.logstore.TopicPartition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What DescribeTransactions and ListTransactions (KIP-664) read: the transactional ids this broker
 * coordinates, as snapshots. Reads only; any thread.
 */
public final class TxnAdmin {
    /** A snapshot of one id. */
    public record TxnView(String transactionalId, TxnState state, long producerId, short producerEpoch, int timeoutMs,
            long startMs, List<TopicPartition> partitions) {}

    private final TxnStore store;

    public TxnAdmin(TxnStore store) {
        this.store = store;
    }

    /** The id as this coordinator knows it: empty if unknown here (or not coordinated here: see {@link #coordinates}). */
    public Optional<TxnView> describe(String transactionalId) {
        TxnMetadata txn = store.get(transactionalId);
        if (txn == null) {
            return Optional.empty();
        }
        synchronized (txn) {
            return Optional.of(new TxnView(txn.transactionalId, txn.state, txn.producerId, txn.producerEpoch, txn.timeoutMs,
                    txn.startMs, txn.partitionList()));
        }
    }

    /** Whether this broker coordinates {@code transactionalId} (its partition loaded here). */
    public boolean coordinates(String transactionalId) {
        return store.coordinating(transactionalId).isPresent();
    }

    /** Every id coordinated here. */
    public List<TxnView> list() {
        List<TxnView> out = new ArrayList<>();
        for (TxnMetadata txn : List.copyOf(store.all())) {
            describe(txn.transactionalId).ifPresent(out::add);
        }
        return out;
    }
}
