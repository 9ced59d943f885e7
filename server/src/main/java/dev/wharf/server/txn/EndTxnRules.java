package dev.wharf.server.txn;

import dev.wharf.server.ErrorCode;

/**
 * What EndTxn does with a transactional id, given its state and the request: Kafka's rules, for
 * transaction version 1 (KIP-98: the epoch stays) and 2 (KIP-890: each commit or abort bumps the
 * epoch, so a retry arrives with the epoch before the bump and must be recognised). Pure; the
 * coordinator applies the outcome.
 */
final class EndTxnRules {
    /** The epoch of a producer id whose next bump moves to a new producer id (KIP-360). */
    static final short EXHAUSTED_EPOCH = Short.MAX_VALUE - 1;

    private EndTxnRules() {}

    /** The outcome: write a Prepare record, or answer now (NONE for a retry of what is done: the current ids go back). */
    sealed interface Outcome {
        record Prepare(boolean commit) implements Outcome {}

        record Answer(ErrorCode error) implements Outcome {}
    }

    /** The id's state as the rules need it. */
    record Current(TxnState state, boolean pending, long producerId, long previousProducerId, short producerEpoch) {}

    static Outcome decide(Current s, long producerId, short producerEpoch, boolean commit, boolean version2) {
        return version2 ? decideV2(s, producerId, producerEpoch, commit) : decideV1(s, producerId, producerEpoch, commit);
    }

    private static Outcome decideV1(Current s, long producerId, short producerEpoch, boolean commit) {
        if (producerId != s.producerId()) {
            return answer(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
        }
        if (producerEpoch != s.producerEpoch()) {
            return answer(ErrorCode.PRODUCER_FENCED);
        }
        if (s.pending()) {
            return answer(ErrorCode.CONCURRENT_TRANSACTIONS);
        }
        return switch (s.state()) {
            case ONGOING -> new Outcome.Prepare(commit);
            case PREPARE_COMMIT -> answer(commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE);
            case PREPARE_ABORT -> answer(commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.CONCURRENT_TRANSACTIONS);
            case COMPLETE_COMMIT -> answer(commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE);
            case COMPLETE_ABORT -> answer(commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE);
            case EMPTY -> answer(ErrorCode.INVALID_TXN_STATE);
            case DEAD, PREPARE_EPOCH_FENCE -> answer(ErrorCode.CONCURRENT_TRANSACTIONS);
        };
    }

    private static Outcome decideV2(Current s, long producerId, short producerEpoch, boolean commit) {
        boolean fencing = s.state() == TxnState.PREPARE_EPOCH_FENCE;
        // the commit or abort before this one moved the id to a new producer id at epoch 0
        boolean retryOnOverflow = !fencing && producerId == s.previousProducerId() && producerEpoch == EXHAUSTED_EPOCH
                && s.producerEpoch() == 0;
        boolean retryOnBump = !fencing && s.producerEpoch() == producerEpoch + 1;
        boolean retry = retryOnOverflow || retryOnBump;
        if (producerId != s.producerId() && !retryOnOverflow) {
            return answer(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
        }
        // A prepared transaction's markers are being written and its completion is to come (Kafka's pending
        // CompleteX): whatever the epoch, the client waits and retries. Checked before the epoch (KAFKA-18464):
        // the next transaction's EndTxn, at the epoch the commit just handed out, is not a zombie's.
        if (s.pending() || s.state().preparing()) {
            return answer(ErrorCode.CONCURRENT_TRANSACTIONS);
        }
        boolean current = producerEpoch == s.producerEpoch() && producerId == s.producerId();
        boolean validEpoch = switch (s.state()) {
            case COMPLETE_COMMIT, COMPLETE_ABORT -> retry || current;
            default -> current;
        };
        if (!validEpoch) {
            return answer(ErrorCode.PRODUCER_FENCED);
        }
        return switch (s.state()) {
            case ONGOING -> new Outcome.Prepare(commit);
            case EMPTY -> commit ? answer(ErrorCode.INVALID_TXN_STATE) : new Outcome.Prepare(false);
            case PREPARE_COMMIT, PREPARE_ABORT -> answer(ErrorCode.CONCURRENT_TRANSACTIONS); // answered above
            case COMPLETE_COMMIT -> commit ? answer(retry ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE)
                    : retry ? answer(ErrorCode.INVALID_TXN_STATE) : new Outcome.Prepare(false);
            // a commit retried after the transaction was aborted (it timed out) is INVALID_TXN_STATE in
            // Kafka 4.4.0; apache/kafka#23204 makes it PRODUCER_FENCED in a later release
            case COMPLETE_ABORT -> commit ? answer(ErrorCode.INVALID_TXN_STATE)
                    : retry ? answer(ErrorCode.NONE) : new Outcome.Prepare(false);
            case DEAD, PREPARE_EPOCH_FENCE -> answer(ErrorCode.CONCURRENT_TRANSACTIONS);
        };
    }

    private static Outcome answer(ErrorCode error) {
        return new Outcome.Answer(error);
    }
}
