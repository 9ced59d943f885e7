package dev.wharf.logstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.wharf.wire.records.CompressionType;
import dev.wharf.wire.records.RecordBatchBuilder;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KIP-890 verification guards when a transactional producer pipelines its batches: the first
 * batches of a transaction, in flight together, are verified with the coordinator before the
 * first is appended, and the coordinator's answers may come back in any order (a busy coordinator
 * is asked again with a backoff). Every batch must get in, in sequence.
 */
class VerificationGuardTest {
    private static final long PID = 7;
    private static final short EPOCH = 3;

    @TempDir
    Path dir;

    private final TestLogs t = new TestLogs();

    private PartitionLog open() throws IOException {
        return PartitionLog.open(dir.resolve("orders-0"), new TopicPartition("orders", 0), TestLogs.config(1 << 20, 256), 0, 0,
                true, LogEnvironment.standalone(t.clock::get));
    }

    private static ByteBuf transactionalBatch(short epoch, int seq, int n) {
        RecordBatchBuilder b = new RecordBatchBuilder(CompressionType.NONE).producer(PID, epoch, seq).transactional(true);
        for (int i = 0; i < n; i++) {
            b.append(1_700_000_000_000L + i, null, ("v" + seq + "-" + i).getBytes(StandardCharsets.UTF_8), List.of());
        }
        return b.build();
    }

    private static LeaderAppendResult append(PartitionLog log, short epoch, int seq, int n, Object guard) throws IOException {
        return log.appendAsLeader(transactionalBatch(epoch, seq, n), 0,
                new ProducerBatchInfo(PID, epoch, seq, ProducerBatchInfo.lastSequence(seq, n - 1)), guard);
    }

    private static Object guard(PartitionLog log, short epoch, int seq) {
        return log.producerState().newVerificationGuard(PID, epoch, true, seq);
    }

    private static long appendedAt(LeaderAppendResult r) {
        return assertInstanceOf(LeaderAppendResult.Appended.class, r).result().firstOffset();
    }

    // the second batch's verification started while the first's was under way; it used to replace
    // the first one's guard, so the first batch, once confirmed, was refused with INVALID_TXN_STATE
    @Test
    void batchesVerifiedTogetherAreAllAppended() throws IOException {
        PartitionLog log = open();
        try {
            Object first = guard(log, EPOCH, 0);
            Object second = guard(log, EPOCH, 2);
            assertEquals(0, appendedAt(append(log, EPOCH, 0, 2, first)));
            assertEquals(2, appendedAt(append(log, EPOCH, 2, 2, second)));
        } finally {
            log.close();
        }
    }

    // Seen in the side-by-side transactions workload under load: after a version 2 commit marker
    // (the next epoch, the producer's entry empty), the coordinator confirmed the transaction's
    // second batch before its first; the second was appended, the first then refused as out of
    // sequence on every retry, and the producer hung until the coordinator aborted the transaction.
    @Test
    void aLaterBatchConfirmedFirstWaitsForTheFirst() throws IOException {
        PartitionLog log = open();
        try {
            short previous = EPOCH - 1;
            appendedAt(append(log, previous, 0, 2, guard(log, previous, 0)));
            assertInstanceOf(LeaderAppendResult.Appended.class, log.appendMarker(PID, EPOCH, true, 0, 0)); // version 2: next epoch

            Object first = guard(log, EPOCH, 0);
            Object second = guard(log, EPOCH, 2);
            assertEquals(ProducerRejection.OUT_OF_ORDER_SEQUENCE_NUMBER,
                    assertInstanceOf(LeaderAppendResult.Rejected.class, append(log, EPOCH, 2, 2, second)).reason());
            long firstAt = appendedAt(append(log, EPOCH, 0, 2, first));
            assertEquals(firstAt + 2, appendedAt(append(log, EPOCH, 2, 2, second)), "the retried second batch follows the first");
        } finally {
            log.close();
        }
    }

    // the same for a producer the partition has not seen yet (its first transaction here)
    @Test
    void aLaterBatchOfANewProducerWaitsForTheFirst() throws IOException {
        PartitionLog log = open();
        try {
            Object first = guard(log, EPOCH, 0);
            Object second = guard(log, EPOCH, 5);
            assertInstanceOf(LeaderAppendResult.Rejected.class, append(log, EPOCH, 5, 1, second));
            assertEquals(0, appendedAt(append(log, EPOCH, 0, 5, first)));
            assertEquals(5, appendedAt(append(log, EPOCH, 5, 1, second)));
        } finally {
            log.close();
        }
    }

    // a guard of an older epoch is not shared: the newer epoch's batch needs a verification of its own
    @Test
    void aNewerEpochGetsAGuardOfItsOwn() throws IOException {
        PartitionLog log = open();
        try {
            Object older = guard(log, (short) (EPOCH - 1), 0);
            Object newer = guard(log, EPOCH, 0);
            assertEquals(ProducerRejection.INVALID_TXN_STATE,
                    assertInstanceOf(LeaderAppendResult.Rejected.class, append(log, EPOCH, 0, 1, older)).reason());
            assertEquals(0, appendedAt(append(log, EPOCH, 0, 1, newer)));
        } finally {
            log.close();
        }
    }
}
