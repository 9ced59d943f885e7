package dev.wharf.compat;

/**
 * {@link TransactionsIT} with the broker finalizing {@code transaction.version} 1: the 4.4 clients
 * then speak the original protocol (AddPartitionsToTxn and AddOffsetsToTxn, no epoch bump per
 * transaction), as against a Kafka cluster that was not upgraded, and fenced or timed-out
 * producers get PRODUCER_FENCED.
 */
class TransactionsV1IT extends TransactionsIT {
    @Override
    protected int transactionVersion() {
        return 1;
    }
}
