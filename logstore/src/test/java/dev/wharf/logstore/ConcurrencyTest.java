package dev.wharf.logstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.wire.records.CompressionType;
import dev.wharf.wire.records.RecordBatch;
import io.netty.buffer.ByteBuf;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Concurrent appenders get disjoint, dense offsets; a concurrent reader never sees a partial batch. */
class ConcurrencyTest {
    @TempDir
    Path dir;

    // Four writers and one tailing reader on one partition, across segment rolls.
    @Test
    void concurrentAppendsAndReads() throws Exception {
        TestLogs t = new TestLogs();
        PartitionLog log = PartitionLog.open(dir.resolve("c-0"), new TopicPartition("c", 0), TestLogs.config(8192, 512),
                0, 0, true, LogEnvironment.standalone(t.clock::get));
        List<ByteBuf> batches = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            batches.add(t.batch(1 + i % 5, CompressionType.NONE));
        }
        ConcurrentLinkedQueue<AppendResult> results = new ConcurrentLinkedQueue<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(5);
        Future<Long> reader = pool.submit(() -> {
            long next = 0;
            long reads = 0;
            while (writing.get() || next < log.logEndOffset()) {
                ReadResult r = log.read(next, 4096, log.logEndOffset());
                if (r instanceof ReadResult.Batches b) {
                    for (RecordBatch batch : TestLogs.batches(b.slice())) { // CRC-checked, whole batches
                        assertEquals(next, batch.baseOffset());
                        next = batch.nextOffset();
                    }
                    reads++;
                }
            }
            return next;
        });
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int first = w;
            writers.add(pool.submit(() -> {
                for (int i = first; i < batches.size(); i += 4) {
                    results.add(log.append(batches.get(i), 1));
                }
                return null;
            }));
        }
        for (Future<?> f : writers) {
            f.get(60, TimeUnit.SECONDS);
        }
        writing.set(false);
        long readUpTo = reader.get(60, TimeUnit.SECONDS);
        pool.shutdown();
        long total = batches.stream().mapToLong(b -> RecordBatch.wrap(b).recordCount()).sum();
        assertEquals(total, log.logEndOffset());
        assertEquals(total, readUpTo);
        List<AppendResult> sorted = new ArrayList<>(results);
        sorted.sort((a, b) -> Long.compare(a.firstOffset(), b.firstOffset()));
        long expected = 0;
        for (AppendResult r : sorted) {
            assertEquals(expected, r.firstOffset());
            expected = r.lastOffset() + 1;
        }
        assertTrue(log.segmentCount() > 3);
        log.close();
    }

    // A follower's log cut back to the high watermark and written again above it, over and over:
    // reads bounded by the high watermark meanwhile get whole, committed batches (never the ones
    // cut, nor what replaced them), and timestamp lookups within them the same answers.
    @Test
    void readsBelowTheHighWatermarkIgnoreTruncationsAboveIt() throws Exception {
        TestLogs t = new TestLogs();
        PartitionLog log = PartitionLog.open(dir.resolve("t-0"), new TopicPartition("t", 0), TestLogs.config(1 << 20, 128),
                0, 0, true, LogEnvironment.standalone(t.clock::get));
        for (int i = 0; i < 120; i++) {
            t.append(log, 1 + i % 4);
        }
        long hw = log.logEndOffset();
        log.updateHighWatermark(hw);
        List<TestLogs.Written> committed = List.copyOf(t.written);
        List<ByteBuf> above = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            above.add(t.batch(2 + i, CompressionType.NONE)); // later timestamps than any committed record
        }
        AtomicBoolean cutting = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Future<Long> reader = pool.submit(() -> {
            java.util.Random random = new java.util.Random(7);
            long reads = 0;
            while (cutting.get()) {
                long offset = random.nextInt((int) hw);
                ReadResult.Batches r = (ReadResult.Batches) log.read(offset, 1 + random.nextInt(2048), hw);
                try {
                    for (RecordBatch batch : TestLogs.batches(r.slice())) { // CRC-checked, whole batches
                        assertTrue(batch.lastOffset() < hw, "read past the high watermark: " + batch);
                        for (dev.wharf.wire.records.Record rec : batch.records()) {
                            TestLogs.Written w = committed.get((int) rec.offset());
                            assertEquals(w.value(), TestLogs.str(rec.value()));
                        }
                    }
                } finally {
                    r.slice().release();
                }
                TestLogs.Written target = committed.get(random.nextInt(committed.size()));
                TestLogs.Written first = committed.stream().filter(w -> w.timestamp() >= target.timestamp()).findFirst()
                        .orElseThrow();
                assertEquals(java.util.Optional.of(new TimestampOffset(first.timestamp(), first.offset())),
                        log.offsetForTimestamp(target.timestamp()));
                reads++;
            }
            return reads;
        });
        Future<?> cutter = pool.submit(() -> {
            for (int cycle = 0; cycle < 1500; cycle++) {
                for (int k = 0; k <= cycle % above.size(); k++) {
                    log.append(above.get(k), 3);
                }
                log.truncateTo(cycle % 4 == 0 ? hw + 1 : hw); // hw + 1: the batch holding it goes whole
                assertEquals(hw, log.logEndOffset());
            }
            return null;
        });
        try {
            cutter.get(120, TimeUnit.SECONDS);
        } finally {
            cutting.set(false);
        }
        assertTrue(reader.get(60, TimeUnit.SECONDS) > 0);
        pool.shutdown();
        assertEquals(committed, TestLogs.readAll(log, 0, 1 << 20));
        log.close();
    }
}
