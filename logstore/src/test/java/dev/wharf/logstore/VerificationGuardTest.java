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
 * batches of a transaction, in flight together, are all verified with the coordinator before the
 * first is appended; each must still be appendable afterwards.
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

    private static ByteBuf transactionalBatch(int seq, int n) {
        RecordBatchBuilder b = new RecordBatchBuilder(CompressionType.NONE).producer(PID, EPOCH, seq).transactional(true);
        for (int i = 0; i < n; i++) {
            b.append(1_700_000_000_000L + i, null, ("v" + seq + "-" + i).getBytes(StandardCharsets.UTF_8), List.of());
        }
        return b.build();
    }

    private static LeaderAppendResult append(PartitionLog log, int seq, int n, Object guard) throws IOException {
        return log.appendAsLeader(transactionalBatch(seq, n), 0,
                new ProducerBatchInfo(PID, EPOCH, seq, ProducerBatchInfo.lastSequence(seq, n - 1)), guard);
    }

    // Seen in the side-by-side transactions workload under load: the second batch of a transaction
    // arrived while the first was being verified, its guard replaced the first one's, and the
    // first batch, confirmed by the coordinator, was refused with INVALID_TXN_STATE; the producer
    // then retried the second (out of order) until the coordinator aborted the transaction.
    @Test
    void batchesVerifiedTogetherAreAllAppended() throws IOException {
        PartitionLog log = open();
        try {
            Object first = log.producerState().newVerificationGuard(PID, EPOCH, true);
            Object second = log.producerState().newVerificationGuard(PID, EPOCH, true);

            assertEquals(0, assertInstanceOf(LeaderAppendResult.Appended.class, append(log, 0, 2, first)).result().firstOffset());
            assertEquals(2, assertInstanceOf(LeaderAppendResult.Appended.class, append(log, 2, 2, second)).result().firstOffset());
        } finally {
            log.close();
        }
    }

    // a guard of an older epoch is not reused: the newer epoch's batch needs a verification of its own
    @Test
    void aNewerEpochGetsAGuardOfItsOwn() throws IOException {
        PartitionLog log = open();
        try {
            Object older = log.producerState().newVerificationGuard(PID, (short) (EPOCH - 1), true);
            Object newer = log.producerState().newVerificationGuard(PID, EPOCH, true);
            assertInstanceOf(LeaderAppendResult.Rejected.class, log.appendAsLeader(transactionalBatch(0, 1), 0,
                    new ProducerBatchInfo(PID, EPOCH, 0, 0), older));
            assertInstanceOf(LeaderAppendResult.Appended.class, append(log, 0, 1, newer));
        } finally {
            log.close();
        }
    }
}
