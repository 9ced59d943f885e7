package dev.wharf.logstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.wire.records.CompressionType;
import dev.wharf.wire.records.RecordBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Appends and reads of one partition log: offsets, segment rolls, bounds and timestamps. */
class PartitionLogTest {
    @TempDir
    Path dir;

    private final TestLogs t = new TestLogs();

    private PartitionLog open(LogConfig config) throws IOException {
        return PartitionLog.open(dir.resolve("orders-0"), new TopicPartition("orders", 0), config, 0, 0, true,
                LogEnvironment.standalone(t.clock::get));
    }

    // Each flush with something to make durable is reported to the environment's listener (LogFlushStats), once.
    @Test
    void flushesAreReported() throws IOException {
        List<Long> flushes = new java.util.concurrent.CopyOnWriteArrayList<>();
        LogEnvironment env = new LogEnvironment(t.clock::get, Runnable::run, FileHandles.unbounded(), flushes::add);
        PartitionLog log = PartitionLog.open(dir.resolve("orders-0"), new TopicPartition("orders", 0),
                TestLogs.config(1 << 20, 4096).with(java.util.Map.of("flush.messages", "3")), 0, 0, true, env);
        t.append(log, 1);
        t.append(log, 1);
        assertEquals(0, flushes.size());
        t.append(log, 1); // the third message: due
        assertEquals(1, flushes.size());
        assertTrue(flushes.get(0) >= 0);
        log.close();
    }

    // Offsets are assigned densely across many segment rolls, and every record reads back as written.
    @Test
    void appendsAndReadsBackAcrossSegmentRolls() throws IOException {
        PartitionLog log = open(TestLogs.config(2048, 256));
        long expectedFirst = 0;
        for (int i = 0; i < 300; i++) {
            int n = 1 + i % 5;
            AppendResult r = t.append(log, n);
            assertEquals(expectedFirst, r.firstOffset());
            assertEquals(expectedFirst + n - 1, r.lastOffset());
            expectedFirst += n;
        }
        assertEquals(expectedFirst, log.logEndOffset());
        assertTrue(log.segmentCount() > 10, "segments: " + log.segmentCount());
        assertEquals(t.written, TestLogs.readAll(log, 0, 1 << 20));
        assertEquals(t.written, TestLogs.readAll(log, 0, 1)); // one batch per read
        log.close();
    }

    // A read at any offset starts with the whole batch holding it, ends on a batch boundary, and
    // holds as many batches of that segment as fit in maxBytes.
    @Test
    void readAtEveryOffsetStartsWithItsBatch() throws IOException {
        PartitionLog log = open(TestLogs.config(4096, 100));
        for (int i = 0; i < 80; i++) {
            t.append(log, 1 + i % 7);
        }
        for (long offset = 0; offset < log.logEndOffset(); offset++) {
            ReadResult.Batches r = assertInstanceOf(ReadResult.Batches.class, log.read(offset, 600, log.logEndOffset()));
            List<RecordBatch> batches = TestLogs.batches(r.slice());
            RecordBatch first = batches.get(0);
            assertTrue(first.baseOffset() <= offset && offset <= first.lastOffset(), "offset " + offset + " in " + first);
            assertEquals(r.slice().firstOffset(), first.baseOffset());
            assertTrue(r.slice().length() <= 600 || batches.size() == 1);
            // as many whole batches as fit: the next one, if in the same segment, would not have
            long end = batches.get(batches.size() - 1).nextOffset();
            if (end < log.logEndOffset()) {
                ReadResult.Batches next = assertInstanceOf(ReadResult.Batches.class, log.read(end, 1, log.logEndOffset()));
                if (next.slice().channel() == r.slice().channel()) {
                    assertTrue(r.slice().length() + TestLogs.batches(next.slice()).get(0).sizeInBytes() > 600,
                            "slice at " + offset + " stopped early");
                }
            }
        }
        log.close();
    }

    // maxBytes below the first batch still returns that batch whole; upTo is never crossed.
    @Test
    void readBounds() throws IOException {
        PartitionLog log = open(TestLogs.config(1 << 20, 4096));
        t.append(log, 50); // offsets 0-49, one big batch
        t.append(log, 5); // 50-54
        t.append(log, 5); // 55-59
        ReadResult.Batches big = assertInstanceOf(ReadResult.Batches.class, log.read(10, 1, 60));
        assertEquals(0, big.slice().firstOffset());
        assertEquals(49, TestLogs.batches(big.slice()).get(0).lastOffset());
        assertEquals(1, TestLogs.batches(big.slice()).size());
        ReadResult.Batches bounded = assertInstanceOf(ReadResult.Batches.class, log.read(50, 1 << 20, 55));
        List<RecordBatch> upToHw = TestLogs.batches(bounded.slice());
        assertEquals(54, upToHw.get(upToHw.size() - 1).lastOffset());
        assertInstanceOf(ReadResult.NoData.class, log.read(55, 1 << 20, 55)); // at the high watermark
        assertInstanceOf(ReadResult.NoData.class, log.read(60, 1 << 20, 60)); // at the log end
        assertEquals(new ReadResult.OutOfRange(0, 60), log.read(61, 100, 60));
        assertEquals(new ReadResult.OutOfRange(0, 60), log.read(-1, 100, 60));
        log.close();
    }

    // ListOffsets by timestamp finds the first record at or after the time, as a full scan would.
    @Test
    void findsOffsetsByTimestamp() throws IOException {
        PartitionLog log = open(TestLogs.config(3000, 200));
        for (int i = 0; i < 120; i++) {
            t.append(log, 1 + i % 4);
        }
        long first = t.written.get(0).timestamp();
        long last = t.written.get(t.written.size() - 1).timestamp();
        for (long ts = first - 5; ts <= last + 5; ts += 7) {
            long target = ts;
            Optional<TimestampOffset> expected = t.written.stream().filter(w -> w.timestamp() >= target).findFirst()
                    .map(w -> new TimestampOffset(w.timestamp(), w.offset()));
            assertEquals(expected, log.offsetForTimestamp(ts), "timestamp " + ts);
        }
        TestLogs.Written max = t.written.get(t.written.size() - 1);
        assertEquals(Optional.of(new TimestampOffset(max.timestamp(), max.offset())), log.maxTimestamp());
        log.close();
    }

    // Appends assign offsets and the leader epoch in place; the epoch history records where each epoch starts.
    @Test
    void leaderEpochsAreStampedAndRemembered() throws IOException {
        PartitionLog log = open(TestLogs.config(4096, 4096));
        log.append(t.batch(3, CompressionType.NONE), 1);
        log.append(t.batch(2, CompressionType.NONE), 1);
        log.append(t.batch(4, CompressionType.ZSTD), 4);
        ReadResult.Batches r = assertInstanceOf(ReadResult.Batches.class, log.read(5, 1 << 20, 9));
        assertEquals(4, TestLogs.batches(r.slice()).get(0).partitionLeaderEpoch());
        assertEquals(List.of(new LeaderEpochCache.EpochEntry(1, 0), new LeaderEpochCache.EpochEntry(4, 5)),
                log.leaderEpochs().entries());
        assertEquals(new LeaderEpochCache.EpochEndOffset(1, 5), log.leaderEpochs().endOffsetFor(2, 9));
        assertEquals(new LeaderEpochCache.EpochEndOffset(4, 9), log.leaderEpochs().endOffsetFor(4, 9));
        assertEquals(new LeaderEpochCache.EpochEndOffset(0, 0), log.leaderEpochs().endOffsetFor(0, 9));
        assertEquals(LeaderEpochCache.EpochEndOffset.UNDEFINED, log.leaderEpochs().endOffsetFor(7, 9));
        assertThrows(IllegalArgumentException.class, () -> log.append(t.batch(1, CompressionType.NONE), 2));
        log.close();
        PartitionLog reopened = open(TestLogs.config(4096, 4096));
        assertEquals(log.leaderEpochs().entries(), reopened.leaderEpochs().entries());
        reopened.close();
    }

    // Truncation (a diverged replica) drops whole batches and segments after the point; appends continue there.
    @Test
    void truncationDropsEverythingAfterTheOffset() throws IOException {
        PartitionLog log = open(TestLogs.config(2048, 128));
        for (int i = 0; i < 100; i++) {
            t.append(log, 3);
        }
        int segments = log.segmentCount();
        log.truncateTo(61); // batch 60-62 goes whole
        assertEquals(60, log.logEndOffset());
        assertTrue(log.segmentCount() < segments);
        assertEquals(t.written.subList(0, 60), TestLogs.readAll(log, 0, 1 << 20));
        assertEquals(new ReadResult.OutOfRange(0, 60), log.read(75, 100, Long.MAX_VALUE));
        t.written.subList(60, t.written.size()).clear();
        for (int i = 0; i < 30; i++) {
            t.append(log, 2);
        }
        assertEquals(120, log.logEndOffset());
        assertEquals(t.written, TestLogs.readAll(log, 0, 1 << 20));
        log.close();
        PartitionLog reopened = open(TestLogs.config(2048, 128));
        assertEquals(t.written, TestLogs.readAll(reopened, 0, 700));
        reopened.close();
    }

    // DeleteRecords moves the log start; earlier offsets are out of range and whole segments below go.
    @Test
    void deleteRecordsMovesTheLogStart() throws IOException {
        PartitionLog log = open(TestLogs.config(2048, 128));
        for (int i = 0; i < 100; i++) {
            t.append(log, 3);
        }
        int segments = log.segmentCount();
        assertThrows(IllegalArgumentException.class, () -> log.deleteRecordsBefore(1)); // above the high watermark
        log.updateHighWatermark(log.logEndOffset());
        assertEquals(150, log.deleteRecordsBefore(150));
        assertEquals(150, log.logStartOffset());
        assertTrue(log.segmentCount() < segments);
        assertEquals(new ReadResult.OutOfRange(150, 300), log.read(149, 100, 300));
        assertEquals(t.written.subList(150, 300), TestLogs.readAll(log, 150, 1 << 20));
        assertThrows(IllegalArgumentException.class, () -> log.deleteRecordsBefore(301));
        log.close();
    }
}
