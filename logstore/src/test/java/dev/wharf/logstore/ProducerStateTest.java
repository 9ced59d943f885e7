package dev.wharf.logstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.wire.records.CompressionType;
import dev.wharf.wire.records.RecordBatchBuilder;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Idempotent-producer state as the log keeps it: checks, snapshots, rebuilds, truncation, expiry. */
class ProducerStateTest {
    @TempDir
    Path dir;

    private final TestLogs t = new TestLogs();

    private Path partitionDir() {
        return dir.resolve("orders-0");
    }

    private PartitionLog open(boolean clean) throws IOException {
        return PartitionLog.open(partitionDir(), new TopicPartition("orders", 0), TestLogs.config(1024, 256), 0, 0, clean,
                LogEnvironment.standalone(t.clock::get));
    }

    /** A batch of {@code n} records from producer {@code pid}, sequences from {@code seq}. */
    private static ByteBuf batch(long pid, int epoch, int seq, int n) {
        RecordBatchBuilder b = new RecordBatchBuilder(CompressionType.NONE).producer(pid, (short) epoch, seq);
        for (int i = 0; i < n; i++) {
            b.append(1_700_000_000_000L + i, null, ("v" + seq + "-" + i).getBytes(StandardCharsets.UTF_8), List.of());
        }
        return b.build();
    }

    private static LeaderAppendResult append(PartitionLog log, long pid, int epoch, int seq, int n) throws IOException {
        return log.appendAsLeader(batch(pid, epoch, seq, n), 0,
                new ProducerBatchInfo(pid, (short) epoch, seq, ProducerBatchInfo.lastSequence(seq, n - 1)));
    }

    private static long appendedAt(LeaderAppendResult r) {
        return assertInstanceOf(LeaderAppendResult.Appended.class, r).result().firstOffset();
    }

    private static ProducerRejection rejection(LeaderAppendResult r) {
        return assertInstanceOf(LeaderAppendResult.Rejected.class, r).reason();
    }

    // A retry of a recent batch is answered with its offset and not appended twice; gaps in the
    // sequence, old epochs and a new epoch not starting at 0 are refused without appending.
    @Test
    void checksSequencesAndEpochs() throws IOException {
        PartitionLog log = open(true);
        assertEquals(0, appendedAt(append(log, 7, 0, 0, 3)));
        assertEquals(3, appendedAt(append(log, 7, 0, 3, 2)));
        assertEquals(new LeaderAppendResult.Duplicate(0), append(log, 7, 0, 0, 3));
        assertEquals(new LeaderAppendResult.Duplicate(3), append(log, 7, 0, 3, 2));
        assertEquals(ProducerRejection.OUT_OF_ORDER_SEQUENCE_NUMBER, rejection(append(log, 7, 0, 9, 1)));
        assertEquals(ProducerRejection.OUT_OF_ORDER_SEQUENCE_NUMBER, rejection(append(log, 7, 1, 5, 1)));
        assertEquals(5, appendedAt(append(log, 7, 1, 0, 1)));
        assertEquals(ProducerRejection.INVALID_PRODUCER_EPOCH, rejection(append(log, 7, 0, 5, 1)));
        assertEquals(6, appendedAt(append(log, 8, 0, 42, 1))); // an unknown producer starts anywhere
        assertEquals(7, appendedAt(log.appendAsLeader(t.batch(2, CompressionType.NONE), 0, ProducerBatchInfo.NONE)));
        assertEquals(9, log.logEndOffset());
        assertEquals(2, log.producerState().producerCount());
        log.close();
    }

    // A clean close writes the snapshot under its pre-move name; the next open loads it (keeping
    // the producers' append times, which a rebuild cannot know) and deletes it.
    @Test
    void snapshotRoundTrip() throws IOException {
        PartitionLog log = open(true);
        append(log, 7, 0, 0, 3);
        append(log, 9, 2, 0, 1);
        log.close();
        Path snapshot = partitionDir().resolve("producer-state-snapshot");
        assertTrue(Files.exists(snapshot));

        t.clock.addAndGet(TimeUnit.HOURS.toMillis(1));
        PartitionLog reopened = open(true);
        assertFalse(Files.exists(snapshot));
        assertEquals(new LeaderAppendResult.Duplicate(0), append(reopened, 7, 0, 0, 3));
        assertEquals(ProducerRejection.OUT_OF_ORDER_SEQUENCE_NUMBER, rejection(append(reopened, 9, 2, 5, 1)));
        // loaded, not rebuilt: the append times are an hour old, so both producers expire
        assertEquals(2, reopened.expireProducers(t.clock.get(), TimeUnit.MINUTES.toMillis(30)));
        reopened.close();
    }

    // A snapshot written by a broker before producer state moved into the log store still loads.
    @Test
    void readsTheServerWrittenSnapshot() throws IOException {
        PartitionLog log = open(true);
        append(log, 7, 0, 0, 3);
        log.close();
        Files.writeString(partitionDir().resolve("producer-state-snapshot"), "1 3\n7 0 5 0 2 0 2\n12 1 5 0 0 99 99\n");
        PartitionLog reopened = open(true);
        assertEquals(2, reopened.producerState().producerCount());
        assertEquals(new LeaderAppendResult.Duplicate(99), append(reopened, 12, 1, 0, 1));
        reopened.close();
    }

    // Without a snapshot (a crash) or with a stale one, the state is rebuilt from the batch headers.
    @Test
    void rebuildsFromTheLogWhenTheSnapshotIsMissingOrStale() throws IOException {
        PartitionLog log = open(true);
        for (int i = 0; i < 40; i++) {
            append(log, 7, 0, i * 2, 2); // across several segments
        }
        log.close();
        Files.delete(partitionDir().resolve("producer-state-snapshot"));
        PartitionLog rebuilt = open(false);
        assertTrue(rebuilt.segmentCount() > 2, "segments: " + rebuilt.segmentCount());
        assertEquals(new LeaderAppendResult.Duplicate(78), append(rebuilt, 7, 0, 78, 2));
        assertEquals(80, appendedAt(append(rebuilt, 7, 0, 80, 1)));
        rebuilt.close();

        Files.writeString(partitionDir().resolve("producer-state-snapshot"), "1 5\n"); // taken at another log end
        PartitionLog again = open(true);
        assertEquals(new LeaderAppendResult.Duplicate(80), append(again, 7, 0, 80, 1));
        again.close();
    }

    // Truncating the log forgets the batches cut off, so a retry of one is appended again, and a
    // producer with no batch left is forgotten entirely.
    @Test
    void truncationDropsEntriesPastTheNewEnd() throws IOException {
        PartitionLog log = open(true);
        append(log, 7, 0, 0, 1);
        append(log, 7, 0, 1, 1);
        append(log, 8, 0, 0, 1);
        log.truncateTo(1);
        assertEquals(1, log.producerState().producerCount());
        assertEquals(1, appendedAt(append(log, 7, 0, 1, 1)));
        assertEquals(2, appendedAt(append(log, 8, 0, 0, 1)));
        log.truncateTo(0);
        assertEquals(0, log.producerState().producerCount());
        assertEquals(0, appendedAt(append(log, 7, 0, 5, 1)));
        log.close();
    }

    // When the log start moves past a producer's last batch, the producer is forgotten.
    @Test
    void logStartMovesDropProducersBelowIt() throws IOException {
        PartitionLog log = open(true);
        append(log, 7, 0, 0, 1);
        append(log, 8, 0, 0, 1);
        append(log, 8, 0, 1, 1);
        log.updateHighWatermark(log.logEndOffset());
        log.deleteRecordsBefore(2);
        assertEquals(1, log.producerState().producerCount());
        assertEquals(3, appendedAt(append(log, 7, 0, 9, 1)));
        assertEquals(ProducerRejection.OUT_OF_ORDER_SEQUENCE_NUMBER, rejection(append(log, 8, 0, 9, 1)));
        log.close();
    }

    // Producers idle for the expiration time are forgotten, others are kept.
    @Test
    void expiresIdleProducers() throws IOException {
        PartitionLog log = open(true);
        append(log, 7, 0, 0, 1);
        t.clock.addAndGet(1000);
        append(log, 8, 0, 0, 1);
        assertEquals(1, log.expireProducers(t.clock.get() + 500, 1000));
        assertEquals(1, log.producerState().producerCount());
        assertEquals(2, appendedAt(append(log, 7, 0, 9, 1)));
        log.close();
    }
}
