package dev.wharf.server.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.txn.EndTxnRules.Outcome;
import org.junit.jupiter.api.Test;

/**
 * Kafka's EndTxn table, state by decision by epoch, for transaction versions 1 and 2 (the TV2 table
 * in the comment above TransactionCoordinator.endTransaction, as Kafka 4.4.0 answers: a commit
 * retried after its transaction was aborted is INVALID_TXN_STATE; apache/kafka#23204 makes it
 * PRODUCER_FENCED later).
 */
class EndTxnRulesTest {
    private static final long PID = 1000;
    private static final long OLD_PID = 999;
    private static final short EPOCH = 5;

    private static final Outcome COMMIT = new Outcome.Prepare(true);
    private static final Outcome ABORT = new Outcome.Prepare(false);

    private static Outcome answer(ErrorCode e) {
        return new Outcome.Answer(e);
    }

    private static EndTxnRules.Current at(TxnState state) {
        return new EndTxnRules.Current(state, false, PID, -1, EPOCH);
    }

    /** Version 2, the request's epoch {@code current} (the stored one) or a retry (one below, before the bump). */
    private static Outcome v2(TxnState state, boolean commit, boolean retry) {
        return EndTxnRules.decide(at(state), PID, (short) (retry ? EPOCH - 1 : EPOCH), commit, true);
    }

    // | state | commit, current epoch | commit, retry | abort, current epoch | abort, retry |
    @Test
    void version2Table() {
        assertRow(TxnState.ONGOING, COMMIT, answer(ErrorCode.PRODUCER_FENCED), ABORT, answer(ErrorCode.PRODUCER_FENCED));
        assertRow(TxnState.EMPTY, answer(ErrorCode.INVALID_TXN_STATE), answer(ErrorCode.PRODUCER_FENCED), ABORT,
                answer(ErrorCode.PRODUCER_FENCED));
        // prepared: the completion is pending (markers being written), so every request waits (KAFKA-18464);
        // "abort, current epoch" is the next transaction's abort right after a commit, not a zombie
        assertRow(TxnState.PREPARE_COMMIT, answer(ErrorCode.CONCURRENT_TRANSACTIONS), answer(ErrorCode.CONCURRENT_TRANSACTIONS),
                answer(ErrorCode.CONCURRENT_TRANSACTIONS), answer(ErrorCode.CONCURRENT_TRANSACTIONS));
        assertRow(TxnState.PREPARE_ABORT, answer(ErrorCode.CONCURRENT_TRANSACTIONS), answer(ErrorCode.CONCURRENT_TRANSACTIONS),
                answer(ErrorCode.CONCURRENT_TRANSACTIONS), answer(ErrorCode.CONCURRENT_TRANSACTIONS));
        assertRow(TxnState.COMPLETE_COMMIT, answer(ErrorCode.INVALID_TXN_STATE), answer(ErrorCode.NONE), ABORT,
                answer(ErrorCode.INVALID_TXN_STATE));
        assertRow(TxnState.COMPLETE_ABORT, answer(ErrorCode.INVALID_TXN_STATE), answer(ErrorCode.INVALID_TXN_STATE), ABORT,
                answer(ErrorCode.NONE));
    }

    private static void assertRow(TxnState state, Outcome commitCurrent, Outcome commitRetry, Outcome abortCurrent,
            Outcome abortRetry) {
        assertEquals(commitCurrent, v2(state, true, false), state + " commit current");
        assertEquals(commitRetry, v2(state, true, true), state + " commit retry");
        assertEquals(abortCurrent, v2(state, false, false), state + " abort current");
        assertEquals(abortRetry, v2(state, false, true), state + " abort retry");
    }

    // Checked before the table: a foreign producer id, a write in flight, an epoch neither current nor a retry.
    @Test
    void version2Preconditions() {
        assertEquals(answer(ErrorCode.INVALID_PRODUCER_ID_MAPPING),
                EndTxnRules.decide(at(TxnState.ONGOING), PID + 1, EPOCH, true, true));
        assertEquals(answer(ErrorCode.CONCURRENT_TRANSACTIONS), EndTxnRules.decide(
                new EndTxnRules.Current(TxnState.PREPARE_COMMIT, true, PID, -1, EPOCH), PID, (short) (EPOCH - 1), true, true));
        assertEquals(answer(ErrorCode.PRODUCER_FENCED),
                EndTxnRules.decide(at(TxnState.COMPLETE_COMMIT), PID, (short) (EPOCH - 2), true, true));
        assertEquals(answer(ErrorCode.PRODUCER_FENCED),
                EndTxnRules.decide(at(TxnState.ONGOING), PID, (short) (EPOCH + 1), true, true));
    }

    // After the epoch ran out the id moved to a new producer id at epoch 0; the retry of the commit
    // that moved it still comes with the old id and the last epoch.
    @Test
    void version2RetryAfterTheProducerIdMoved() {
        EndTxnRules.Current moved = new EndTxnRules.Current(TxnState.COMPLETE_COMMIT, false, PID, OLD_PID, (short) 0);
        assertEquals(answer(ErrorCode.NONE), EndTxnRules.decide(moved, OLD_PID, EndTxnRules.EXHAUSTED_EPOCH, true, true));
        assertEquals(answer(ErrorCode.INVALID_PRODUCER_ID_MAPPING),
                EndTxnRules.decide(moved, OLD_PID, (short) 3, true, true));
    }

    // Version 1: no epoch bump; a retry repeats the current epoch.
    @Test
    void version1Table() {
        assertEquals(COMMIT, v1(TxnState.ONGOING, true));
        assertEquals(ABORT, v1(TxnState.ONGOING, false));
        assertEquals(answer(ErrorCode.CONCURRENT_TRANSACTIONS), v1(TxnState.PREPARE_COMMIT, true));
        assertEquals(answer(ErrorCode.INVALID_TXN_STATE), v1(TxnState.PREPARE_COMMIT, false));
        assertEquals(answer(ErrorCode.INVALID_TXN_STATE), v1(TxnState.PREPARE_ABORT, true));
        assertEquals(answer(ErrorCode.CONCURRENT_TRANSACTIONS), v1(TxnState.PREPARE_ABORT, false));
        assertEquals(answer(ErrorCode.NONE), v1(TxnState.COMPLETE_COMMIT, true));
        assertEquals(answer(ErrorCode.INVALID_TXN_STATE), v1(TxnState.COMPLETE_COMMIT, false));
        assertEquals(answer(ErrorCode.INVALID_TXN_STATE), v1(TxnState.COMPLETE_ABORT, true));
        assertEquals(answer(ErrorCode.NONE), v1(TxnState.COMPLETE_ABORT, false));
        assertEquals(answer(ErrorCode.INVALID_TXN_STATE), v1(TxnState.EMPTY, false));
        assertEquals(answer(ErrorCode.PRODUCER_FENCED), EndTxnRules.decide(at(TxnState.ONGOING), PID, (short) (EPOCH - 1),
                true, false));
        assertEquals(answer(ErrorCode.INVALID_PRODUCER_ID_MAPPING), EndTxnRules.decide(at(TxnState.ONGOING), PID + 1, EPOCH,
                true, false));
    }

    private static Outcome v1(TxnState state, boolean commit) {
        return EndTxnRules.decide(at(state), PID, EPOCH, commit, false);
    }
}
