package dev.wharf.server.txn;

import java.util.Optional;

/**
 * The states of a transactional id (Kafka's TransactionState, with its ids as stored and its
 * names as DescribeTransactions and ListTransactions report them). PrepareEpochFence lives only in
 * memory: the abort it leads to is written as PrepareAbort.
 */
public enum TxnState {
    EMPTY(0, "Empty"),
    ONGOING(1, "Ongoing"),
    PREPARE_COMMIT(2, "PrepareCommit"),
    PREPARE_ABORT(3, "PrepareAbort"),
    COMPLETE_COMMIT(4, "CompleteCommit"),
    COMPLETE_ABORT(5, "CompleteAbort"),
    DEAD(6, "Dead"),
    PREPARE_EPOCH_FENCE(7, "PrepareEpochFence");

    public final byte id;
    public final String displayName;

    TxnState(int id, String displayName) {
        this.id = (byte) id;
        this.displayName = displayName;
    }

    /** No transaction in progress: a new one may start, the id may expire. */
    public boolean idle() {
        return this == EMPTY || this == COMPLETE_COMMIT || this == COMPLETE_ABORT;
    }

    /** Decided, markers on their way: the coordinator completes it, even after a failover. */
    public boolean preparing() {
        return this == PREPARE_COMMIT || this == PREPARE_ABORT;
    }

    public static TxnState byId(byte id) {
        for (TxnState s : values()) {
            if (s.id == id) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown transaction state " + id);
    }

    public static Optional<TxnState> byName(String name) {
        for (TxnState s : values()) {
            if (s.displayName.equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
