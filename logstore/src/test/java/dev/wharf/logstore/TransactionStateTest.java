package dev.wharf.logstore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wharf.wire.records.CompressionType;
import dev.wharf.wire.records.ControlRecord;
import dev.wharf.wire.records.RecordBatchBuilder;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Open transactions as the log tracks them (KIP-98): first unstable offset, last stable offset, snapshot, truncation. */
class TransactionStateTest {
    @TempDir
    Path dir;

    private final TestLogs t = new TestLogs();

    private PartitionLog open(boolean clean) throws IOException {
        return open(dir.resolve("orders-0"), clean);
    }

    private PartitionLog open(Path logDir, boolean clean) throws IOException {
        return PartitionLog.open(logDir, new TopicPartition("orders", 0), TestLogs.config(1024, 256), 0, 0, clean,
                LogEnvironment.standalone(t.clock::get));
    }

    /** A batch of {@code n} records from producer {@code pid} (epoch 0), transactional or not. */
    static ByteBuf data(long pid, int seq, int n, boolean transactional) {
        RecordBatchBuilder b = new RecordBatchBuilder(CompressionType.NONE).producer(pid, (short) 0, seq)
                .transactional(transactional);
        for (int i = 0; i < n; i++) {
            b.append(1_700_000_000_000L + i, null, ("v" + seq + "-" + i).getBytes(StandardCharsets.UTF_8), List.of());
        }
        return b.build();
    }

    static ByteBuf marker(long pid, ControlRecord.Type type) {
        return new ControlRecord(type, 0).toBatch(pid, (short) 0, 1_700_000_000_000L);
    }

    /** Appends a transactional batch of {@code n} records as leader; returns its first offset. */
    static long txn(PartitionLog log, long pid, int seq, int n) throws IOException {
        return log.appendAsLeader(data(pid, seq, n, true), 0,
                new ProducerBatchInfo(pid, (short) 0, seq, seq + n - 1)) instanceof LeaderAppendResult.Appended a
                        ? a.result().firstOffset() : -1;
    }

    static long end(PartitionLog log, long pid, ControlRecord.Type type) throws IOException {
        return log.append(marker(pid, type), 0).firstOffset();
    }

    private static void moveHighWatermarkToEnd(PartitionLog log) {
        log.updateHighWatermark(log.logEndOffset());
    }

    // A transaction is unstable from its first batch until its marker, commit or abort; the last
    // stable offset follows it and otherwise is the high watermark.
    @Test
    void openTransactionHoldsTheLastStableOffset() throws IOException {
        PartitionLog log = open(true);
        log.append(data(5, 0, 2, false), 0); // 0-1, not transactional
        moveHighWatermarkToEnd(log);
        assertEquals(OptionalLong.empty(), log.firstUnstableOffset());
        assertEquals(2, log.lastStableOffset());
        assertEquals(2, txn(log, 7, 0, 3)); // 2-4
        txn(log, 7, 3, 1); // 5: same transaction
        moveHighWatermarkToEnd(log);
        assertEquals(OptionalLong.of(2), log.firstUnstableOffset());
        assertEquals(OptionalLong.of(2), log.producerState().currentTxnFirstOffset(7));
        assertEquals(2, log.lastStableOffset());
        assertEquals(6, end(log, 7, ControlRecord.Type.COMMIT));
        assertEquals(OptionalLong.empty(), log.firstUnstableOffset());
        assertEquals(6, log.lastStableOffset(), "bounded by the high watermark, not yet past the marker");
        moveHighWatermarkToEnd(log);
        assertEquals(7, log.lastStableOffset());
        assertEquals(7, txn(log, 7, 4, 1));
        end(log, 7, ControlRecord.Type.ABORT);
        moveHighWatermarkToEnd(log);
        assertEquals(OptionalLong.empty(), log.firstUnstableOffset());
        assertEquals(9, log.lastStableOffset());
        log.close();
    }

    // Two producers' transactions interleave: the oldest open one bounds the last stable offset,
    // which never passes the high watermark.
    @Test
    void interleavedTransactions() throws IOException {
        PartitionLog log = open(true);
        assertEquals(0, txn(log, 7, 0, 2)); // 0-1
        assertEquals(2, txn(log, 8, 0, 2)); // 2-3
        txn(log, 7, 2, 1); // 4
        assertEquals(0, log.lastStableOffset(), "high watermark still 0");
        log.updateHighWatermark(3);
        assertEquals(0, log.lastStableOffset());
        end(log, 7, ControlRecord.Type.COMMIT); // 5
        assertEquals(OptionalLong.of(2), log.firstUnstableOffset());
        assertEquals(2, log.lastStableOffset());
        txn(log, 7, 3, 1); // 6: producer 7's next transaction
        end(log, 8, ControlRecord.Type.ABORT); // 7
        assertEquals(OptionalLong.of(6), log.firstUnstableOffset());
        assertEquals(3, log.lastStableOffset(), "the high watermark bounds it");
        moveHighWatermarkToEnd(log);
        assertEquals(6, log.lastStableOffset());
        log.close();
    }

    // The snapshot of a clean close keeps the open transactions; a rebuild from the log after a
    // crash finds the same ones.
    @Test
    void openTransactionsSurviveReopen() throws IOException {
        PartitionLog log = open(true);
        txn(log, 7, 0, 2);
        txn(log, 8, 0, 2);
        end(log, 7, ControlRecord.Type.COMMIT);
        txn(log, 9, 0, 1);
        log.close();
        assertEquals(true, Files.readString(dir.resolve("orders-0").resolve(ProducerStateTable.SNAPSHOT_FILE))
                .startsWith("2 6 4\n"));
        PartitionLog reopened = open(true);
        assertEquals(OptionalLong.of(2), reopened.firstUnstableOffset());
        assertEquals(OptionalLong.of(5), reopened.producerState().currentTxnFirstOffset(9));
        assertEquals(OptionalLong.empty(), reopened.producerState().currentTxnFirstOffset(7));
        reopened.close();
        Files.delete(dir.resolve("orders-0").resolve(ProducerStateTable.SNAPSHOT_FILE));
        PartitionLog rebuilt = open(false);
        assertEquals(OptionalLong.of(2), rebuilt.firstUnstableOffset());
        assertEquals(OptionalLong.of(5), rebuilt.producerState().currentTxnFirstOffset(9));
        end(rebuilt, 8, ControlRecord.Type.ABORT);
        assertEquals(OptionalLong.of(5), rebuilt.firstUnstableOffset());
        rebuilt.close();
    }

    // A version 1 snapshot (before transactions) still loads: no transaction is open, and a
    // later truncation replays the log for the markers it did not keep.
    @Test
    void versionOneSnapshotStillLoads() throws IOException {
        PartitionLog log = open(true);
        txn(log, 7, 0, 2);
        end(log, 7, ControlRecord.Type.COMMIT);
        log.close();
        Files.writeString(dir.resolve("orders-0").resolve(ProducerStateTable.SNAPSHOT_FILE), "1 3\n7 0 5 0 1 0 1\n");
        PartitionLog reopened = open(true);
        assertEquals(1, reopened.producerState().producerCount());
        assertEquals(OptionalLong.empty(), reopened.firstUnstableOffset());
        reopened.truncateTo(2); // cuts the marker: the transaction is open again
        assertEquals(OptionalLong.of(0), reopened.firstUnstableOffset());
        reopened.close();
    }

    // Truncation drops a transaction whose first batch is cut, and reopens one whose marker is cut.
    @Test
    void truncationKeepsTransactionsConsistent() throws IOException {
        PartitionLog log = open(true);
        txn(log, 7, 0, 2); // 0-1
        end(log, 7, ControlRecord.Type.COMMIT); // 2
        txn(log, 8, 0, 1); // 3
        assertEquals(OptionalLong.of(3), log.firstUnstableOffset());
        log.truncateTo(3);
        assertEquals(OptionalLong.empty(), log.firstUnstableOffset());
        assertEquals(OptionalLong.empty(), log.producerState().currentTxnFirstOffset(8));
        log.truncateTo(2);
        assertEquals(OptionalLong.of(0), log.firstUnstableOffset());
        end(log, 7, ControlRecord.Type.ABORT);
        assertEquals(OptionalLong.empty(), log.firstUnstableOffset());
        txn(log, 8, 0, 1);
        log.truncateFullyAndStartAt(10);
        assertEquals(OptionalLong.empty(), log.firstUnstableOffset());
        log.close();
    }

    // As in Kafka, moving the log start past a transaction's first batch leaves it open until its
    // marker, and an idle producer in a transaction does not expire.
    @Test
    void logStartMovesAndExpiryKeepOpenTransactions() throws IOException {
        PartitionLog log = open(true);
        txn(log, 7, 0, 2); // 0-1
        log.append(data(5, 0, 2, false), 0); // 2-3
        moveHighWatermarkToEnd(log);
        log.deleteRecordsBefore(3);
        assertEquals(OptionalLong.of(0), log.firstUnstableOffset());
        assertEquals(0, log.lastStableOffset());
        assertEquals(0, log.expireProducers(t.clock.get() + 1_000_000, 1));
        end(log, 7, ControlRecord.Type.COMMIT);
        assertEquals(OptionalLong.empty(), log.firstUnstableOffset());
        log.close();
    }

    // A follower storing the leader's batches learns the same transactions.
    @Test
    void followerLearnsTheSameTransactions() throws IOException {
        PartitionLog leader = open(dir.resolve("leader"), true);
        txn(leader, 7, 0, 2);
        txn(leader, 8, 0, 1);
        end(leader, 7, ControlRecord.Type.ABORT);
        PartitionLog follower = open(dir.resolve("follower"), true);
        TestLogs.replicate(leader, follower);
        assertEquals(leader.firstUnstableOffset(), follower.firstUnstableOffset());
        assertEquals(OptionalLong.of(2), follower.firstUnstableOffset());
        leader.close();
        follower.close();
    }
}
