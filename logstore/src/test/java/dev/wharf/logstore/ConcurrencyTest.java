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
}
