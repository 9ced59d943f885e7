package dev.wharf.logstore;

import static dev.wharf.logstore.TransactionStateTest.end;
import static dev.wharf.logstore.TransactionStateTest.txn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.wire.records.ControlRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The aborted-transaction index per segment (.txnindex): entries, queries, reopen, recovery, truncation, followers. */
class TransactionIndexTest {
    private static final ControlRecord.Type ABORT = ControlRecord.Type.ABORT;
    private static final ControlRecord.Type COMMIT = ControlRecord.Type.COMMIT;

    /** The entries of {@link #writeAborts}. */
    private static final AbortedTxn FIRST = new AbortedTxn(7, 0, 3, 2);
    private static final AbortedTxn SECOND = new AbortedTxn(7, 4, 6, 7);
    private static final AbortedTxn EMPTY = new AbortedTxn(9, 7, 7, 8);

    @TempDir
    Path dir;

    private final TestLogs t = new TestLogs();

    private Path logDir() {
        return dir.resolve("orders-0");
    }

    private PartitionLog open(Path logDir, boolean clean) throws IOException {
        return PartitionLog.open(logDir, new TopicPartition("orders", 0), TestLogs.config(1024, 256), 0, 0, clean,
                LogEnvironment.standalone(t.clock::get));
    }

    /**
     * Segments [0..3] [4..5] [6..7]: producer 7's transaction 0-1 aborted at 3 while producer 8's
     * (2) is open; producer 8 commits at 5; producer 7's next one (4) aborted at 6 with none open;
     * producer 9 aborts at 7 with no transaction (an empty one, as Kafka records it).
     */
    private static void writeAborts(PartitionLog log) throws IOException {
        txn(log, 7, 0, 2);
        txn(log, 8, 0, 1);
        end(log, 7, ABORT);
        log.roll();
        txn(log, 7, 2, 1);
        end(log, 8, COMMIT);
        log.roll();
        end(log, 7, ABORT);
        end(log, 9, ABORT);
    }

    private static Path txnIndex(Path logDir, long base) {
        return SegmentFiles.file(logDir, base, SegmentFiles.TXN_INDEX);
    }

    private static void assertAnswers(PartitionLog log) {
        assertEquals(List.of(FIRST, SECOND, EMPTY), log.abortedTransactions(0, 8));
        assertEquals(List.of(FIRST), log.abortedTransactions(0, 2));
        assertEquals(List.of(FIRST), log.abortedTransactions(3, 4));
        assertEquals(List.of(SECOND), log.abortedTransactions(4, 6));
        assertEquals(List.of(SECOND, EMPTY), log.abortedTransactions(5, 100));
        assertEquals(List.of(), log.abortedTransactions(8, 100));
    }

    // Each abort marker gives one entry, exact, in the segment holding it, found from any segment
    // the queried range starts in; commits give none.
    @Test
    void abortEntriesAcrossSegments() throws IOException {
        PartitionLog log = open(logDir(), true);
        writeAborts(log);
        assertEquals(List.of(0L, 4L, 6L), log.segmentBaseOffsets());
        assertAnswers(log);
        assertEquals(TransactionIndex.ENTRY_SIZE, Files.size(txnIndex(logDir(), 0)));
        assertFalse(Files.exists(txnIndex(logDir(), 4)), "no abort there, no file");
        assertEquals(2 * TransactionIndex.ENTRY_SIZE, Files.size(txnIndex(logDir(), 6)));
        ByteBuffer first = ByteBuffer.wrap(Files.readAllBytes(txnIndex(logDir(), 0)));
        assertEquals(0, first.getShort());
        assertEquals(7, first.getLong());
        assertEquals(0, first.getLong());
        assertEquals(3, first.getLong());
        assertEquals(2, first.getLong());
        log.close();
    }

    // A clean reopen reads the index files; an unclean one rebuilds the indexes of the recovered
    // segments from the log, byte for byte the same, with or without a producer snapshot.
    @Test
    void survivesReopenAndRecovery() throws IOException {
        PartitionLog log = open(logDir(), true);
        writeAborts(log);
        log.close();
        byte[] before = Files.readAllBytes(txnIndex(logDir(), 6));
        PartitionLog reopened = open(logDir(), true);
        assertAnswers(reopened);
        reopened.close();

        PartitionLog recovered = open(logDir(), false); // snapshot present, every segment recovered
        assertAnswers(recovered);
        recovered.close();
        assertArrayEquals(before, Files.readAllBytes(txnIndex(logDir(), 6)));

        Files.delete(txnIndex(logDir(), 6));
        Files.delete(logDir().resolve(ProducerStateTable.SNAPSHOT_FILE));
        PartitionLog rebuilt = open(logDir(), false);
        assertAnswers(rebuilt);
        assertEquals(OptionalLong.empty(), rebuilt.firstUnstableOffset());
        rebuilt.close();
        assertArrayEquals(before, Files.readAllBytes(txnIndex(logDir(), 6)));
    }

    // Recovery from a recovery point rebuilds only the indexes of the segments it checks; those
    // before it are read as they are.
    @Test
    void recoveryFromARecoveryPointRebuildsTheRest() throws IOException {
        PartitionLog log = open(logDir(), true);
        writeAborts(log);
        log.close();
        Files.delete(logDir().resolve(ProducerStateTable.SNAPSHOT_FILE));
        Files.delete(txnIndex(logDir(), 6));
        AbortedTxn marked = new AbortedTxn(7, 0, 3, 99); // tells a file read from one rebuilt
        Files.write(txnIndex(logDir(), 0), ByteBuffer.allocate(TransactionIndex.ENTRY_SIZE).putShort((short) 0)
                .putLong(7).putLong(0).putLong(3).putLong(99).array());
        PartitionLog recovered = PartitionLog.open(logDir(), new TopicPartition("orders", 0), TestLogs.config(1024, 256),
                6, 0, false, LogEnvironment.standalone(t.clock::get));
        assertEquals(List.of(marked, SECOND, EMPTY), recovered.abortedTransactions(0, 100));
        assertEquals(2L * TransactionIndex.ENTRY_SIZE, Files.size(txnIndex(logDir(), 6)));
        recovered.close();
    }

    // Truncation drops the entries of the markers cut off (and the file when none is left), and
    // reopens their transactions; starting afresh drops everything.
    @Test
    void truncationDropsEntries() throws IOException {
        PartitionLog log = open(logDir(), true);
        writeAborts(log);
        log.truncateTo(7);
        assertEquals(List.of(FIRST, SECOND), log.abortedTransactions(0, 100));
        assertEquals(TransactionIndex.ENTRY_SIZE, Files.size(txnIndex(logDir(), 6)));
        log.truncateTo(6);
        assertEquals(List.of(FIRST), log.abortedTransactions(0, 100));
        assertEquals(OptionalLong.of(4), log.firstUnstableOffset());
        log.truncateTo(3);
        assertEquals(List.of(), log.abortedTransactions(0, 100));
        assertFalse(Files.exists(txnIndex(logDir(), 0)));
        assertFalse(Files.exists(txnIndex(logDir(), 6)));
        assertEquals(OptionalLong.of(0), log.firstUnstableOffset());
        end(log, 7, ABORT); // 3 again, now with both transactions open
        assertEquals(List.of(new AbortedTxn(7, 0, 3, 2)), log.abortedTransactions(0, 100));
        log.truncateFullyAndStartAt(20);
        assertEquals(List.of(), log.abortedTransactions(0, 100));
        assertFalse(Files.exists(txnIndex(logDir(), 0)));
        log.close();
        PartitionLog reopened = open(logDir(), true);
        assertEquals(List.of(), reopened.abortedTransactions(0, 100));
        reopened.close();
    }

    // Retention deletes a segment with its index.
    @Test
    void deletedWithItsSegment() throws IOException {
        PartitionLog log = open(logDir(), true);
        writeAborts(log);
        log.updateHighWatermark(log.logEndOffset());
        log.deleteRecordsBefore(4);
        assertFalse(Files.exists(txnIndex(logDir(), 0)));
        assertEquals(List.of(SECOND, EMPTY), log.abortedTransactions(4, 100));
        log.close();
    }

    // Replacing segments (compaction) keeps their aborted transactions, in the replacement
    // holding each marker, through the swap and a reopen.
    @Test
    void replacementsKeepTheEntries() throws IOException {
        PartitionLog log = open(logDir(), true);
        writeAborts(log);
        log.roll(); // seals [6..7]
        List<LogSegment> old = log.segments().subList(0, 3);
        LogEnvironment env = LogEnvironment.standalone(t.clock::get);
        LogSegment merged = TestLogs.mergedCopy(logDir(), old, TestLogs.config(1024, 256), t.clock.get(), env.handles());
        log.replaceSegments(List.of(merged), old);
        assertEquals(List.of(0L, 8L), log.segmentBaseOffsets());
        assertAnswers(log);
        assertEquals(3L * TransactionIndex.ENTRY_SIZE, Files.size(txnIndex(logDir(), 0)));
        log.close();
        PartitionLog reopened = open(logDir(), true);
        assertAnswers(reopened);
        reopened.close();
    }

    // A follower storing the leader's batches builds the same indexes, byte for byte.
    @Test
    void followerBuildsTheSameIndex() throws IOException {
        PartitionLog leader = open(dir.resolve("leader"), true);
        writeAborts(leader);
        PartitionLog follower = open(dir.resolve("follower"), true);
        TestLogs.replicate(leader, follower);
        assertAnswers(follower);
        assertEquals(leader.firstUnstableOffset(), follower.firstUnstableOffset());
        assertArrayEquals(allIndexBytes(leader), allIndexBytes(follower)); // segments may differ, entries not
        leader.close();
        follower.close();
    }

    /** The entries of every segment's index file, oldest segment first. */
    private static byte[] allIndexBytes(PartitionLog log) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (long base : log.segmentBaseOffsets()) {
            Path f = txnIndex(log.dir(), base);
            if (Files.exists(f)) {
                out.write(Files.readAllBytes(f));
            }
        }
        return out.toByteArray();
    }

    // A control batch whose marker cannot be read is refused before anything is stored.
    @Test
    void unreadableMarkerStoresNothing() throws IOException {
        PartitionLog log = open(logDir(), true);
        io.netty.buffer.ByteBuf bad = new dev.wharf.wire.records.RecordBatchBuilder(
                dev.wharf.wire.records.CompressionType.NONE).producer(7, (short) 0, -1).transactional(true).control(true)
                .append(1L, new byte[] {0, 0, 0, 9}, new byte[] {0, 0, 0, 0, 0, 0}, List.of()).build();
        assertThrows(dev.wharf.wire.records.CorruptRecordException.class, () -> log.appendAsFollower(bad));
        assertEquals(0, log.logEndOffset());
        assertEquals(0, log.size());
        log.close();
    }

    // An entry torn by a crash is ignored, and an entry out of order refused.
    @Test
    void tornEntryIgnoredAndOrderChecked() throws IOException {
        Path file = dir.resolve("x.txnindex");
        TransactionIndex index = new TransactionIndex(file);
        index.append(FIRST);
        index.append(SECOND);
        Files.write(file, new byte[] {0, 0, 1}, java.nio.file.StandardOpenOption.APPEND);
        TransactionIndex reread = new TransactionIndex(file);
        assertEquals(List.of(FIRST, SECOND), reread.entries());
        reread.append(EMPTY);
        assertEquals(3L * TransactionIndex.ENTRY_SIZE, Files.size(file));
        assertThrows(IllegalArgumentException.class, () -> reread.append(FIRST));
        assertTrue(new TransactionIndex(file).entries().contains(EMPTY));
    }
}
