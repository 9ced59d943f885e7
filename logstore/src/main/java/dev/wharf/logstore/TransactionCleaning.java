package dev.wharf.logstore;

import dev.wharf.wire.records.ControlRecord;
import dev.wharf.wire.records.RecordBatch;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one cleaning round knows of transactions (KIP-98), learned batch by batch in offset order,
 * as Kafka's CleanedTransactionMetadata:
 *
 * <ul>
 *   <li>a transactional data batch of a producer inside an aborted transaction (known ahead from
 *       the transaction indexes) is discarded;
 *   <li>an ABORT marker stays while this pass still met data of its transaction (its index entry
 *       then survives too, see {@link SwapPreparation}); with no data left it may go, once its
 *       delete horizon has passed;
 *   <li>a COMMIT marker may go once no data batch of its transaction is met before it.
 * </ul>
 *
 * Cleaning never passes the last stable offset, so every transaction it meets is decided. One
 * per round, used by one thread.
 */
final class TransactionCleaning {
    private final Deque<AbortedTxn> ahead;
    /** Producers inside an aborted transaction: whether this pass met a data batch of it. */
    private final Map<Long, Boolean> ongoingAborted = new HashMap<>();
    private final Set<Long> ongoingCommitted = new HashSet<>();

    /** {@code aborted}: the aborted transactions meeting the range about to be read, in any order. */
    TransactionCleaning(List<AbortedTxn> aborted) {
        this.ahead = new ArrayDeque<>(aborted.stream().distinct()
                .sorted(Comparator.comparingLong(AbortedTxn::firstOffset)).toList());
    }

    /** Whether a data batch's records are to be discarded (it belongs to an aborted transaction). */
    boolean onDataBatch(RecordBatch batch) {
        if (!batch.isTransactional()) {
            return false;
        }
        startTransactionsUpTo(batch.lastOffset());
        long pid = batch.producerId();
        if (ongoingAborted.containsKey(pid)) {
            ongoingAborted.put(pid, true);
            return true;
        }
        ongoingCommitted.add(pid);
        return false;
    }

    /** Whether a control batch's marker is no longer needed (its transaction has no data left). */
    boolean onControlBatch(RecordBatch batch) {
        startTransactionsUpTo(batch.lastOffset());
        if (batch.recordCount() == 0) {
            return false; // an empty header kept for its offsets: nothing to decide
        }
        long pid = batch.producerId();
        return switch (ControlRecord.parse(batch.records().get(0)).type()) {
            case ABORT -> !Boolean.TRUE.equals(ongoingAborted.remove(pid));
            case COMMIT -> !ongoingCommitted.remove(pid);
        };
    }

    private void startTransactionsUpTo(long offset) {
        while (!ahead.isEmpty() && ahead.peekFirst().firstOffset() <= offset) {
            ongoingAborted.putIfAbsent(ahead.removeFirst().producerId(), false);
        }
    }
}
