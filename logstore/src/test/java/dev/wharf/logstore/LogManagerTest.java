package dev.wharf.logstore;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many logs across log dirs: start-up, clean shutdown, checkpoints, retention in the background. */
class LogManagerTest {
    @TempDir
    Path tmp;

    private final TestLogs t = new TestLogs();

    private LogManager manager(LogConfig config, long checkIntervalMs, Path... dirs) throws IOException {
        LogManager m = new LogManager(List.of(dirs), config, checkIntervalMs, t.clock::get);
        m.startup();
        return m;
    }

    /**
     * This process's open files under {@code dir}. Only those: the JVM opens jar files as classes
     * first load from them, which would make a count of every descriptor depend on test order.
     */
    private static long openFilesUnder(Path dir) throws IOException {
        Path real = dir.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).startsWith(real);
                } catch (IOException e) {
                    return false; // closed meanwhile
                }
            }).count();
        }
    }

    private static long countFiles(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(suffix)).count();
        }
    }

    // Logs spread over log dirs come back after a clean restart with their offsets, without recovery.
    @Test
    void cleanRestartKeepsEveryLog() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        LogConfig config = TestLogs.config(2048, 256).with(Map.of("file.delete.delay.ms", "60000"));
        LogManager m = manager(config, 60_000, a, b);
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (int p = 0; p < 6; p++) {
            TopicPartition tp = new TopicPartition("t.with-dash", p);
            PartitionLog log = m.getOrCreate(tp);
            for (int i = 0; i < 10 * (p + 1); i++) {
                t.append(log, 2);
            }
            ends.put(tp, log.logEndOffset());
        }
        PartitionLog five = m.get(new TopicPartition("t.with-dash", 5)).orElseThrow();
        five.updateHighWatermark(five.logEndOffset());
        five.deleteRecordsBefore(33);
        m.close();
        assertEquals(0, openFilesUnder(tmp), "close left files open");
        assertTrue(Files.exists(a.resolve(LogManager.CLEAN_SHUTDOWN_FILE)));
        assertTrue(Files.exists(b.resolve(LogManager.RECOVERY_POINTS_FILE)));
        assertEquals(3, OffsetCheckpointFile.read(a.resolve(LogManager.RECOVERY_POINTS_FILE)).size());

        LogManager again = manager(config, 60_000, a, b);
        assertFalse(Files.exists(a.resolve(LogManager.CLEAN_SHUTDOWN_FILE)), "a running broker has no clean marker");
        assertEquals(ends.keySet(), again.all().keySet());
        ends.forEach((tp, end) -> assertEquals(end, again.get(tp).orElseThrow().logEndOffset()));
        assertEquals(33, again.get(new TopicPartition("t.with-dash", 5)).orElseThrow().logStartOffset());
        again.delete(new TopicPartition("t.with-dash", 0));
        assertFalse(Files.exists(a.resolve("t.with-dash-0")) || Files.exists(b.resolve("t.with-dash-0")));
        again.close();
    }

    // Time retention removes old segments in the background (never the active one), files after the delay.
    @Test
    void timeRetentionRunsInTheBackground() throws IOException {
        LogConfig config = TestLogs.config(1024, 256).with(Map.of("retention.ms", "60000", "file.delete.delay.ms", "20"));
        LogManager m = manager(config, 20, tmp.resolve("d"));
        PartitionLog log = m.getOrCreate(new TopicPartition("old", 0));
        for (int i = 0; i < 40; i++) {
            t.append(log, 3);
        }
        int segments = log.segmentCount();
        assertTrue(segments > 5);
        t.clock.addAndGet(120_000);
        assertEquals(0, m.runRetention(), "segments above the high watermark are kept");
        log.updateHighWatermark(log.logEndOffset());
        await().atMost(Duration.ofSeconds(10)).until(() -> log.segmentCount() == 1);
        assertEquals(log.segmentBaseOffsets().get(0), log.logStartOffset());
        assertEquals(120, log.logEndOffset());
        await().atMost(Duration.ofSeconds(10)).until(() -> countFiles(tmp.resolve("d"), ".deleted") == 0);
        assertEquals(1, countFiles(tmp.resolve("d"), ".log"));
        assertEquals(120, t.append(log, 1).firstOffset());
        m.close();
    }

    // The snapshot of every log (high-watermark checkpoints, DescribeLogDirs) is linear in the logs: a topic set's partitions
    // have runs of neighbouring hash codes, on which Map.copyOf's linear probing took seconds for 50,000 (0.1-0.4 s for 10,000).
    @Test
    void snapshotOfATopicSetIsLinear() {
        Map<TopicPartition, Integer> logs = new java.util.concurrent.ConcurrentHashMap<>();
        for (int topic = 0; topic < 10; topic++) {
            for (int p = 0; p < 5_000; p++) {
                logs.put(new TopicPartition("bench-scale-" + topic, p), p);
            }
        }
        LogManager.snapshot(logs); // warm-up, so the bound below is about the algorithm, not the JIT
        long start = System.nanoTime();
        Map<TopicPartition, Integer> copy = LogManager.snapshot(logs);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(logs, copy);
        assertTrue(ms < 1_500, "copying 50,000 logs took " + ms + " ms");
    }

    // An active partition holds one descriptor, its log file's, as Kafka's does: its indexes open their files only to
    // write a tail of entries. With the indexes' files held open too, 10,000 partitions needed 30,000 descriptors.
    @Test
    void eachActivePartitionHoldsOneFile() throws IOException {
        Path d = tmp.resolve("one-each");
        LogManager m = manager(TestLogs.config(1 << 20, 64), 60_000, d);
        int partitions = 20;
        for (int p = 0; p < partitions; p++) {
            PartitionLog log = m.getOrCreate(new TopicPartition("wide", p));
            for (int i = 0; i < 3 * MappedIndex.TAIL_ENTRIES; i++) {
                t.append(log, 2); // an index entry each (index interval 64 bytes): tails reach the files
            }
            log.flush();
        }
        assertEquals(partitions, openFilesUnder(d), "open files under the log dir");
        for (int p = 0; p < partitions; p++) {
            PartitionLog log = m.get(new TopicPartition("wide", p)).orElseThrow();
            assertEquals(3L * MappedIndex.TAIL_ENTRIES * 2, log.logEndOffset());
        }
        m.close();
        assertEquals(0, openFilesUnder(d), "close left files open");
    }

    // However many sealed segments are read, at most max-open-files of them hold an open file.
    @Test
    void openFilesAreBounded() throws IOException {
        Path d = tmp.resolve("d");
        LogManager m = new LogManager(List.of(d), TestLogs.config(1024, 256), 60_000, t.clock::get, 3);
        m.startup();
        Map<TopicPartition, List<TestLogs.Written>> expected = new HashMap<>();
        for (int p = 0; p < 3; p++) {
            PartitionLog log = m.getOrCreate(new TopicPartition("many", p));
            int from = t.written.size();
            for (int i = 0; i < 40; i++) {
                t.append(log, 3);
            }
            expected.put(log.topicPartition(), List.copyOf(t.written.subList(from, t.written.size())));
            assertTrue(log.segmentCount() > 5);
        }
        for (int round = 0; round < 2; round++) {
            for (Map.Entry<TopicPartition, List<TestLogs.Written>> e : expected.entrySet()) {
                assertEquals(e.getValue(), TestLogs.readAll(m.get(e.getKey()).orElseThrow(), 0, 1 << 20));
                assertTrue(m.fileHandles().openCount() <= 3, "open: " + m.fileHandles().openCount());
            }
        }
        m.close();
    }

    // A delayed segment deletion never touches a newer segment that reuses its base offset.
    @Test
    void delayedDeletionSparesARecreatedSegment() throws IOException {
        LogConfig config = TestLogs.config(1024, 256).with(Map.of("file.delete.delay.ms", "100"));
        LogManager m = manager(config, 60_000, tmp.resolve("d"));
        PartitionLog log = m.getOrCreate(new TopicPartition("re", 0));
        for (int i = 0; i < 30; i++) {
            t.append(log, 3);
        }
        long reused = log.segmentBaseOffsets().get(2);
        log.truncateTo(reused); // drops the segment at `reused`; its files go in 100 ms
        t.written.subList((int) reused, t.written.size()).clear();
        while (!log.segmentBaseOffsets().contains(reused)) {
            log.roll();
            t.append(log, 3); // the next roll starts a new segment at the same base offset
        }
        for (int i = 0; i < 10; i++) {
            t.append(log, 3);
        }
        Path dir = tmp.resolve("d").resolve("re-0");
        await().atMost(Duration.ofSeconds(10)).until(() -> countFiles(dir, ".deleted") == 0);
        assertTrue(Files.exists(LogSegment.file(dir, reused, ".log")));
        assertEquals(t.written, TestLogs.readAll(log, 0, 1 << 20));
        m.close();
    }

    // An index that lost its trim (zeroed tail) is rebuilt on a clean start instead of trusted.
    @Test
    void untrustworthyIndexIsRebuilt() throws IOException {
        Path d = tmp.resolve("d");
        LogConfig config = TestLogs.config(1 << 20, 64);
        LogManager m = manager(config, 60_000, d);
        PartitionLog log = m.getOrCreate(new TopicPartition("idx", 0));
        for (int i = 0; i < 50; i++) {
            t.append(log, 2);
        }
        m.close();
        Path index = LogSegment.file(d.resolve("idx-0"), 0, ".index");
        Files.write(index, new byte[64], java.nio.file.StandardOpenOption.APPEND);
        LogManager again = manager(config, 60_000, d);
        PartitionLog reopened = again.get(new TopicPartition("idx", 0)).orElseThrow();
        for (long offset = 0; offset < 100; offset += 7) {
            assertEquals(t.written.subList((int) offset, 100), TestLogs.readAll(reopened, offset, 300));
        }
        again.close();
    }

    // Size retention keeps the log under retention.bytes, deleting the oldest whole segments.
    @Test
    void sizeRetention() throws IOException {
        LogConfig config = TestLogs.config(1024, 256).with(Map.of("retention.bytes", "4096", "retention.ms", "-1"));
        LogManager m = manager(config, 60_000, tmp.resolve("d"));
        PartitionLog log = m.getOrCreate(new TopicPartition("big", 0));
        for (int i = 0; i < 100; i++) {
            t.append(log, 3);
        }
        assertTrue(log.size() > 8192);
        log.updateHighWatermark(log.logEndOffset());
        assertTrue(m.runRetention() > 0);
        assertTrue(log.size() <= 4096 + 1024, "size " + log.size());
        long start = log.logStartOffset();
        assertTrue(start > 0);
        assertEquals(t.written.subList((int) start, 300), TestLogs.readAll(log, start, 1 << 20));
        m.close();
    }

    // An I/O error on a log the manager still holds takes its dir offline; one on a log already deleted does not
    // (a read that found the log just before its files went is no failed disk).
    @Test
    void onlyErrorsOnHeldLogsTakeADirOffline() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        try (LogManager m = manager(TestLogs.config(2048, 256), 60_000, a, b)) {
            PartitionLog gone = m.getOrCreate(new TopicPartition("gone", 0));
            m.delete(gone.topicPartition());
            assertFalse(m.logFailed(gone, new IOException("no such file")));
            assertTrue(m.offlineDirs().isEmpty());

            PartitionLog held = m.getOrCreate(new TopicPartition("held", 0));
            assertTrue(m.logFailed(held, new IOException("disk gone")));
            assertEquals(java.util.Set.of(LogManager.dirOf(held)), m.offlineDirs());
        }
    }
}
