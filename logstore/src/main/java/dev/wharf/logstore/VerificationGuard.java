package dev.wharf.logstore;

/**
 * A verification in progress (KIP-890) for a producer's transactional batches of {@code epoch}:
 * set when the leader asks the coordinator whether they may open a transaction on the partition,
 * voided by that producer's next marker or append ({@link ProducerStateTable}). {@code version2}:
 * of a transaction version 2 client. {@code lowestSequence}: the lowest first sequence of the
 * batches verified under it, the only one that may open the transaction here. Guarded by the
 * table's monitor.
 */
final class VerificationGuard {
    final short epoch;
    final boolean version2;
    int lowestSequence;

    VerificationGuard(short epoch, boolean version2, int firstSequence) {
        this.epoch = epoch;
        this.version2 = version2;
        this.lowestSequence = firstSequence;
    }

    /**
     * Whether a marker of {@code markerEpoch} ends the transaction being verified. Version 2 ends
     * a transaction with a marker of the next epoch, so a marker of the batch's own epoch closes
     * the transaction before it, which the coordinator finishes before it confirms the next.
     */
    boolean voidedBy(short markerEpoch) {
        return markerEpoch > epoch || (markerEpoch == epoch && !version2);
    }
}
