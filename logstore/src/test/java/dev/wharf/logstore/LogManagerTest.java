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

    private static long openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
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
        long fdsBefore = openFileDescriptors();
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
        m.get(new TopicPartition("t.with-dash", 5)).orElseThrow().deleteRecordsBefore(33);
        m.close();
        assertTrue(openFileDescriptors() <= fdsBefore, "close left files open");
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
        assertEquals(segments, log.segmentCount(), "nothing is old yet");
        t.clock.addAndGet(120_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> log.segmentCount() == 1);
        assertEquals(log.segmentBaseOffsets().get(0), log.logStartOffset());
        assertEquals(120, log.logEndOffset());
        await().atMost(Duration.ofSeconds(10)).until(() -> countFiles(tmp.resolve("d"), ".deleted") == 0);
        assertEquals(1, countFiles(tmp.resolve("d"), ".log"));
        assertEquals(120, t.append(log, 1).firstOffset());
        m.close();
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
        assertTrue(m.runRetention() > 0);
        assertTrue(log.size() <= 4096 + 1024, "size " + log.size());
        long start = log.logStartOffset();
        assertTrue(start > 0);
        assertEquals(t.written.subList((int) start, 300), TestLogs.readAll(log, start, 1 << 20));
        m.close();
    }
}
