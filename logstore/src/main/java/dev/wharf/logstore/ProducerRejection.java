package dev.wharf.logstore;

/**
 * Why the producer state refused a batch; named after the Kafka error the broker answers with.
 */
public enum ProducerRejection {
    /** The batch's producer epoch is older than the producer's current one: a zombie, fenced. */
    INVALID_PRODUCER_EPOCH,
    /** The batch's first sequence does not follow the producer's last (or is not 0 in a new epoch). */
    OUT_OF_ORDER_SEQUENCE_NUMBER,
    /** A transaction marker from a coordinator older than the one that wrote the producer's last marker. */
    TRANSACTION_COORDINATOR_FENCED,
    /**
     * A transactional batch that would open a transaction the coordinator did not confirm, or
     * whose confirmation a marker or epoch bump voided since (KIP-890, KAFKA-14884).
     */
    INVALID_TXN_STATE
}
