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

/** Markers appended by the leader (WriteTxnMarkers): fencing by producer and coordinator epoch, and what they leave behind. */
class TransactionMarkerTest {
    @TempDir
    Path dir;

    private final TestLogs t = new TestLogs();

    private PartitionLog open() throws IOException {
        return PartitionLog.open(dir.resolve("orders-0"), new TopicPartition("orders", 0), TestLogs.config(1024, 256), 0,
                0, true, LogEnvironment.standalone(t.clock::get));
    }

    private static LeaderAppendResult txn(PartitionLog log, long pid, short epoch, int seq, int n) throws IOException {
        RecordBatchBuilder b = new RecordBatchBuilder(CompressionType.NONE).producer(pid, epoch, seq).transactional(true);
        for (int i = 0; i < n; i++) {
            b.append(1_700_000_000_000L, null, ("v" + seq + "-" + i).getBytes(StandardCharsets.UTF_8), List.of());
        }
        ByteBuf batch = b.build();
        try {
            return log.appendAsLeader(batch, 0, new ProducerBatchInfo(pid, epoch, seq, seq + n - 1));
        } finally {
            batch.release();
        }
    }

    private static ProducerStateTable.ProducerView view(PartitionLog log, long pid) {
        return log.producerState().producers().stream().filter(p -> p.producerId() == pid).findFirst().orElseThrow();
    }

    // A commit closes the transaction: the last stable offset passes the marker once it is below the
    // high watermark, and DescribeProducers shows no open transaction any more.
    @Test
    void aCommitMarkerClosesTheTransaction() throws IOException {
        PartitionLog log = open();
        txn(log, 7, (short) 0, 0, 3); // 0-2
        assertEquals(0, view(log, 7).currentTxnStartOffset());
        LeaderAppendResult r = log.appendMarker(7, (short) 0, true, 4, 0);
        assertEquals(3, assertInstanceOf(LeaderAppendResult.Appended.class, r).result().firstOffset());
        log.updateHighWatermark(log.logEndOffset());
        assertEquals(4, log.lastStableOffset());
        assertEquals(-1, view(log, 7).currentTxnStartOffset());
        assertEquals(4, view(log, 7).coordinatorEpoch());
        assertEquals(List.of(), log.abortedTransactions(0, 4));
    }

    // An abort marker lists the transaction in the aborted index, so read_committed consumers drop it.
    @Test
    void anAbortMarkerIsIndexed() throws IOException {
        PartitionLog log = open();
        txn(log, 7, (short) 0, 0, 2); // 0-1
        log.appendMarker(7, (short) 0, false, 0, 0); // 2
        log.updateHighWatermark(log.logEndOffset());
        assertEquals(List.of(new AbortedTxn(7, 0, 2, 3)), log.abortedTransactions(0, 3));
    }

    // A marker from an older producer epoch (a zombie's coordinator request) or from a coordinator
    // older than the one of the last marker is refused; nothing is appended.
    @Test
    void staleMarkersAreFenced() throws IOException {
        PartitionLog log = open();
        txn(log, 7, (short) 3, 0, 1);
        assertEquals(new LeaderAppendResult.Rejected(ProducerRejection.INVALID_PRODUCER_EPOCH),
                log.appendMarker(7, (short) 2, true, 5, 0));
        log.appendMarker(7, (short) 3, true, 5, 0);
        txn(log, 7, (short) 3, 1, 1);
        assertEquals(new LeaderAppendResult.Rejected(ProducerRejection.TRANSACTION_COORDINATOR_FENCED),
                log.appendMarker(7, (short) 3, true, 4, 0));
        assertEquals(3, log.logEndOffset());
    }

    // A marker in a newer epoch (the coordinator bumped it to abort a fenced producer's transaction)
    // moves the producer to that epoch: the old epoch's batches are refused, the new one starts at sequence 0.
    @Test
    void aBumpedMarkerFencesTheOldEpoch() throws IOException {
        PartitionLog log = open();
        txn(log, 7, (short) 0, 0, 2);
        log.appendMarker(7, (short) 1, false, 0, 0);
        assertEquals(new LeaderAppendResult.Rejected(ProducerRejection.INVALID_PRODUCER_EPOCH), txn(log, 7, (short) 0, 2, 1));
        assertInstanceOf(LeaderAppendResult.Appended.class, txn(log, 7, (short) 1, 0, 1));
    }

    // The coordinator epoch survives a clean restart (snapshot) and the fence with it; the producer
    // of a marker alone is remembered too.
    @Test
    void theSnapshotKeepsCoordinatorEpochs() throws IOException {
        PartitionLog log = open();
        txn(log, 7, (short) 0, 0, 1);
        log.appendMarker(7, (short) 0, true, 9, 0);
        log.appendMarker(8, (short) 2, false, 3, 0);
        log.close();
        PartitionLog reopened = open();
        assertEquals(9, view(reopened, 7).coordinatorEpoch());
        assertEquals(2, view(reopened, 8).epoch());
        assertEquals(new LeaderAppendResult.Rejected(ProducerRejection.TRANSACTION_COORDINATOR_FENCED),
                reopened.appendMarker(7, (short) 0, true, 8, 0));
        reopened.close();
    }
}
