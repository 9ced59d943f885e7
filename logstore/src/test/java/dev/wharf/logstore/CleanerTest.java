package dev.wharf.logstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.wire.records.CompressionType;
import dev.wharf.wire.records.Record;
import dev.wharf.wire.records.RecordBatch;
import dev.wharf.wire.records.RecordBatchBuilder;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log cleaner keeps the latest record per key with offsets unchanged, and gives way to changes of the log. */
class CleanerTest {
    private static final long DELETE_RETENTION_MS = 60_000;

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private final LogEnvironment env = LogEnvironment.standalone(clock::get);
    private final LogConfig config = LogConfig.DEFAULTS.with(Map.of("segment.bytes", "2048", "index.interval.bytes", "256",
            "file.delete.delay.ms", "0", "cleanup.policy", "compact", "delete.retention.ms",
            Long.toString(DELETE_RETENTION_MS), "min.cleanable.dirty.ratio", "0.01"));
    private PartitionLog log;
    private long producerSequence;

    /** What a test wrote: offset, key, value (null: tombstone). */
    private record Kv(long offset, String key, String value) {}

    @AfterEach
    void close() throws IOException {
        if (log != null) {
            log.close();
        }
    }

    private PartitionLog open(boolean clean) throws IOException {
        return PartitionLog.open(dir.resolve("table-0"), new TopicPartition("table", 0), config, 0, 0, clean, env);
    }

    /** One batch of records key=value (value null for a tombstone), from idempotent producer 5. */
    /** A copy of the last batch {@link #append} wrote, to retry it. */
    private ByteBuf lastAppended;

    private long append(PartitionLog pl, CompressionType codec, String... keyValues) throws IOException {
        RecordBatchBuilder b = new RecordBatchBuilder(codec).producer(5, (short) 0, (int) producerSequence);
        for (int i = 0; i < keyValues.length; i += 2) {
            b.append(clock.incrementAndGet(), keyValues[i].getBytes(StandardCharsets.UTF_8),
                    keyValues[i + 1] == null ? null : keyValues[i + 1].getBytes(StandardCharsets.UTF_8), List.of());
        }
        ByteBuf batch = b.build();
        lastAppended = batch.copy();
        producerSequence += keyValues.length / 2;
        LeaderAppendResult r = pl.appendAsLeader(batch, 0, ProducerBatchInfo.of(RecordBatch.wrap(batch)));
        pl.updateHighWatermark(pl.logEndOffset());
        if (!(r instanceof LeaderAppendResult.Appended appended)) {
            throw new AssertionError("append refused: " + r);
        }
        return appended.result().firstOffset();
    }

    /** Every record of the log, in order. */
    private static List<Kv> contents(PartitionLog pl) throws IOException {
        List<Kv> out = new ArrayList<>();
        for (LogSegment s : pl.segments()) {
            try (SegmentScan scan = new SegmentScan(s, ByteBuffer.allocate(4096), IoThrottler.unlimited())) {
                for (RecordBatch b = scan.next(); b != null; b = scan.next()) {
                    assertTrue(b.isValid(), "CRC of batch at " + b.baseOffset());
                    for (Record r : b.records()) {
                        out.add(new Kv(r.offset(), str(r.key()), str(r.value())));
                    }
                }
            }
        }
        return out;
    }

    private static String str(ByteBuf b) {
        return b == null ? null : b.toString(StandardCharsets.UTF_8);
    }

    private Cleaner.Result cleanOnce(PartitionLog pl, long checkpoint) throws IOException {
        Cleaner cleaner = new Cleaner(64 * 1024, 0.9, 4096, IoThrottler.unlimited(), clock::get);
        CleaningSnapshot snapshot = pl.cleaningSnapshot();
        CleanableRange range = CleanableRange.of(snapshot, checkpoint, clock.get());
        return cleaner.clean(pl, snapshot, range, () -> { });
    }

    /** Writes rounds of updates to 20 keys; returns the latest value of each key, in the order written. */
    private Map<String, Kv> fillWithUpdates(int rounds) throws IOException {
        Map<String, Kv> latest = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < 20; k += 2) {
                String v1 = "value-" + round + "-" + k + "-" + "x".repeat(k);
                String v2 = "value-" + round + "-" + (k + 1);
                long first = append(log, round % 3 == 0 ? CompressionType.LZ4 : CompressionType.NONE,
                        "key-" + k, v1, "key-" + (k + 1), v2);
                latest.remove("key-" + k);
                latest.remove("key-" + (k + 1));
                latest.put("key-" + k, new Kv(first, "key-" + k, v1));
                latest.put("key-" + (k + 1), new Kv(first + 1, "key-" + (k + 1), v2));
            }
        }
        return latest;
    }

    // Below the active segment only the latest record of each key stays, at its original offset; the active segment is untouched.
    @Test
    void keepsTheLatestRecordPerKeyAtItsOffset() throws IOException {
        log = open(true);
        Map<String, Kv> latest = fillWithUpdates(12);
        long activeBase = log.segments().get(log.segmentCount() - 1).baseOffset();
        List<Kv> before = contents(log);
        long end = log.logEndOffset();

        Cleaner.Result r = cleanOnce(log, -1);

        assertNotNull(r);
        assertEquals(activeBase, r.endOffset());
        assertTrue(r.bytesAfter() < r.bytesBefore(), r.toString());
        List<Kv> after = contents(log);
        Map<String, Long> latestBelowActive = new java.util.HashMap<>();
        for (Kv kv : before) {
            if (kv.offset() < activeBase) {
                latestBelowActive.put(kv.key(), kv.offset());
            }
        }
        List<Kv> expected = before.stream()
                .filter(kv -> kv.offset() >= activeBase || latestBelowActive.get(kv.key()) == kv.offset())
                .toList();
        assertEquals(expected, after);
        assertEquals(end, log.logEndOffset());
        for (Kv kv : latest.values()) {
            assertTrue(after.contains(kv), "latest of " + kv.key() + " kept");
        }

        // the same after an unclean restart: the swap's files are what recovery reads
        log.close();
        log = open(false);
        assertEquals(after, contents(log));
        assertEquals(end, log.logEndOffset());
    }

    // A tombstone stays until delete.retention.ms after the round that first passed it, then goes with its key.
    @Test
    void tombstonesGoAfterTheDeleteRetention() throws IOException {
        log = open(true);
        fillWithUpdates(6);
        append(log, CompressionType.NONE, "key-3", null);
        fillWithUpdates(3);
        // key-3 gets rewritten by fillWithUpdates: delete it again after, and push it below the active segment
        append(log, CompressionType.NONE, "key-4", null);
        fillWithUpdates(0);
        for (int i = 0; i < 40; i++) {
            append(log, CompressionType.NONE, "filler-" + i, "f");
        }
        cleanOnce(log, -1);
        assertTrue(contents(log).stream().anyMatch(kv -> kv.key().equals("key-4") && kv.value() == null),
                "the tombstone stays within its delete horizon");

        clock.addAndGet(DELETE_RETENTION_MS + 1);
        append(log, CompressionType.NONE, "late", "l");
        cleanOnce(log, -1);
        assertFalse(contents(log).stream().anyMatch(kv -> kv.key().equals("key-4")), "tombstone and key gone");
        assertTrue(contents(log).stream().anyMatch(kv -> kv.key().equals("key-3") && kv.value() != null),
                "a key written again after its tombstone keeps its value");
    }

    // The producer's last batch survives cleaning, so producer state rebuilt from the log after a crash is the same.
    @Test
    void anActiveProducersLastBatchSurvivesAndItsStateRebuilds() throws IOException {
        log = open(true);
        fillWithUpdates(8);
        for (int i = 0; i < 30; i++) {
            append(log, CompressionType.NONE, "key-1", "again-" + i);
        }
        int lastSequence = log.producerState().producers().get(0).lastSequence();
        log.roll();
        cleanOnce(log, -1);
        Path snapshot = dir.resolve("table-0").resolve(ProducerStateTable.SNAPSHOT_FILE);
        log.close();
        Files.deleteIfExists(snapshot); // the next open rebuilds producer state from the batches
        log = open(false);
        assertEquals(lastSequence, log.producerState().producers().get(0).lastSequence());
        LeaderAppendResult retry = log.appendAsLeader(lastAppended, 0, ProducerBatchInfo.of(RecordBatch.wrap(lastAppended)));
        assertTrue(retry instanceof LeaderAppendResult.Duplicate, "a retry of the last batch is a duplicate: " + retry);
        long next = append(log, CompressionType.NONE, "key-1", "after");
        assertEquals(log.logEndOffset() - 1, next, "the next sequence is accepted");
    }

    /** A transactional batch of producer 9 (epoch 0) with records key=value. */
    private void appendTransactional(String... keyValues) throws IOException {
        RecordBatchBuilder b = new RecordBatchBuilder(CompressionType.NONE).producer(9, (short) 0, txnSequence)
                .transactional(true);
        for (int i = 0; i < keyValues.length; i += 2) {
            b.append(clock.incrementAndGet(), keyValues[i].getBytes(StandardCharsets.UTF_8),
                    keyValues[i + 1].getBytes(StandardCharsets.UTF_8), List.of());
        }
        txnSequence += keyValues.length / 2;
        ByteBuf batch = b.build();
        LeaderAppendResult r = log.appendAsLeader(batch, 0, ProducerBatchInfo.of(RecordBatch.wrap(batch)));
        assertTrue(r instanceof LeaderAppendResult.Appended, r.toString());
    }

    private int txnSequence;

    private void endTransaction(boolean commit) throws IOException {
        log.appendMarker(9, (short) 0, commit, 1, 0);
        log.updateHighWatermark(log.logEndOffset());
    }

    /** Offsets of the control batches (markers) in the log. */
    private List<Long> markerOffsets() throws IOException {
        List<Long> out = new ArrayList<>();
        for (LogSegment s : log.segments()) {
            try (SegmentScan scan = new SegmentScan(s, ByteBuffer.allocate(4096), IoThrottler.unlimited())) {
                for (RecordBatch b = scan.next(); b != null; b = scan.next()) {
                    if (b.isControl() && b.recordCount() > 0) {
                        out.add(b.baseOffset());
                    }
                }
            }
        }
        return out;
    }

    // Aborted records go at once; the abort marker (and its index entry) stays while its data is being removed, then
    // until its delete horizon; committed records stay; read_committed never learns of an abort whose marker is gone.
    @Test
    void abortedTransactionsAreRemovedAndTheirMarkersAgeOut() throws IOException {
        log = open(true);
        appendTransactional("key-a", "committed-1", "key-b", "committed-1");
        endTransaction(true);
        appendTransactional("key-a", "aborted-2", "key-c", "aborted-2");
        endTransaction(false);
        long abortMarker = log.logEndOffset() - 1;
        appendTransactional("key-d", "committed-3");
        endTransaction(true);
        fillWithUpdates(4);
        log.roll();
        assertEquals(1, log.abortedTransactions(0, log.logEndOffset()).size());

        cleanOnce(log, -1);
        List<Kv> after = contents(log);
        assertFalse(after.stream().anyMatch(kv -> kv.value() != null && kv.value().startsWith("aborted")), after.toString());
        assertTrue(after.contains(new Kv(0, "key-a", "committed-1")), "the committed value stays: " + after);
        assertTrue(after.stream().anyMatch(kv -> "committed-3".equals(kv.value())));
        assertTrue(markerOffsets().contains(abortMarker), "the abort marker stays while its data is removed");
        assertEquals(1, log.abortedTransactions(0, log.logEndOffset()).size());

        cleanOnce(log, -1); // no data of the aborted transaction is left: the marker gets its delete horizon
        assertTrue(markerOffsets().contains(abortMarker), "kept until its delete horizon");
        clock.addAndGet(DELETE_RETENTION_MS + 1);
        fillWithUpdates(1);
        log.roll();
        cleanOnce(log, -1);
        assertFalse(markerOffsets().contains(abortMarker), "gone after its delete horizon");
        assertEquals(List.of(), log.abortedTransactions(0, log.logEndOffset()), "no index entry outlives its marker");
        assertTrue(contents(log).contains(new Kv(0, "key-a", "committed-1")));

        log.close();
        log = open(false); // the transaction index rebuilt by recovery agrees
        assertEquals(List.of(), log.abortedTransactions(0, log.logEndOffset()));
    }

    // A truncation during a round makes its swap give way: nothing replaced, no .cleaned file left.
    @Test
    void aTruncationDuringARoundCancelsTheSwap() throws IOException {
        log = open(true);
        fillWithUpdates(10);
        List<Kv> before = contents(log);
        Cleaner cleaner = new Cleaner(64 * 1024, 0.9, 4096, IoThrottler.unlimited(), clock::get);
        CleaningSnapshot snapshot = log.cleaningSnapshot();
        CleanableRange range = CleanableRange.of(snapshot, -1, clock.get());
        long cut = log.logEndOffset() - 1;
        boolean[] truncated = {false};
        Cleaner.Result r = cleaner.clean(log, snapshot, range, () -> {
            if (!truncated[0]) {
                truncated[0] = true;
                try {
                    log.truncateTo(cut);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        assertNull(r);
        long end = log.logEndOffset();
        assertEquals(before.stream().filter(kv -> kv.offset() < end).toList(), contents(log));
        try (Stream<Path> files = Files.list(dir.resolve("table-0"))) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cleaned")).toList());
        }
    }

    // A key map too small for the dirty part ends the round early; the next round goes on from there, and keys the
    // first round could not map are not lost.
    @Test
    void aFullKeyMapEndsTheRoundEarlyAndTheNextGoesOn() throws IOException {
        log = open(true);
        for (int i = 0; i < 200; i++) {
            append(log, CompressionType.NONE, "distinct-" + i, "v" + i, "hot", "h" + i);
        }
        long activeBase = log.segments().get(log.segmentCount() - 1).baseOffset();
        Cleaner small = new Cleaner(24 * 40, 0.9, 4096, IoThrottler.unlimited(), clock::get);
        CleaningSnapshot snapshot = log.cleaningSnapshot();
        Cleaner.Result first = small.clean(log, snapshot, CleanableRange.of(snapshot, -1, clock.get()), () -> { });
        assertTrue(first.endOffset() < activeBase, first + " ends before " + activeBase);
        snapshot = log.cleaningSnapshot();
        Cleaner.Result second = small.clean(log, snapshot, CleanableRange.of(snapshot, first.endOffset(), clock.get()),
                () -> { });
        assertTrue(second.endOffset() > first.endOffset(), second.toString());
        List<Kv> after = contents(log);
        for (int i = 0; i < 200; i++) {
            String key = "distinct-" + i;
            assertEquals(1, after.stream().filter(kv -> kv.key().equals(key)).count(), key);
        }
        assertTrue(after.stream().anyMatch(kv -> kv.value().equals("h199")));
    }

    // Nothing at or above the high watermark is cleaned.
    @Test
    void stopsBelowTheHighWatermark() throws IOException {
        log = open(true);
        fillWithUpdates(4);
        long hw = log.logEndOffset();
        fillWithUpdates(8);
        log.resetHighWatermark(hw);
        CleanableRange range = CleanableRange.of(log.cleaningSnapshot(), -1, clock.get());
        assertTrue(range.firstUncleanable() <= hw, range.toString());
        Cleaner.Result r = cleanOnce(log, -1);
        assertTrue(r.endOffset() <= hw, r.toString());
    }

    // The cleaner thread cleans a compacted log on its own and records how far in its checkpoint, which a restart reads.
    @Test
    void theCleanerThreadCleansDueLogsAndCheckpoints() throws IOException {
        LogManager manager = new LogManager(List.of(dir), config, 60_000, clock::get);
        manager.startup();
        PartitionLog pl = manager.getOrCreate(new TopicPartition("table", 0), config);
        log = null;
        PartitionLog saved = log;
        log = pl;
        fillWithUpdates(12);
        log = saved;
        long sizeBefore = pl.size();
        manager.startCleaner(new CleanerConfig(true, 1, 1024 * 1024, 64 * 1024, 0.9, Double.MAX_VALUE, 20));
        LogCleaner cleaner = manager.cleaner().orElseThrow();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> cleaner.cleanedUpTo(pl) > 0);
        assertTrue(pl.size() < sizeBefore, pl.size() + " < " + sizeBefore);
        manager.close();
        assertTrue(Files.readString(dir.resolve(CleanerCheckpoints.FILE)).contains("table 0 "));
    }
}
