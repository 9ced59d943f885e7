package dev.wharf.logstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Moving a partition's log between log dirs: copy while appends go on, swap, restart in the middle. */
class LogMoverTest {
    @TempDir
    Path tmp;

    private final TestLogs t = new TestLogs();
    private final TopicPartition tp = new TopicPartition("moving", 0);
    private final LogConfig config = TestLogs.config(2048, 256);

    private LogManager manager(Path... dirs) throws IOException {
        LogManager m = new LogManager(List.of(dirs), config, 60_000, t.clock::get);
        m.startup();
        return m;
    }

    private static boolean hasDir(Path logDir, String prefix) throws IOException {
        try (Stream<Path> children = Files.list(logDir)) {
            return children.anyMatch(c -> c.getFileName().toString().startsWith(prefix));
        }
    }

    // Batches appended while the copy runs are in the moved log; offsets, epochs, start and high watermark are kept.
    @Test
    void copiesWhileAppendsGoOnThenSwaps() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        LogManager m = manager(a, b);
        PartitionLog current = m.getOrCreate(tp, config);
        Path from = LogManager.dirOf(current);
        Path to = from.equals(a) ? b : a;
        for (int i = 0; i < 30; i++) {
            t.append(current, 3, i < 10 ? 1 : 4, dev.wharf.wire.records.CompressionType.NONE);
        }
        current.updateHighWatermark(current.logEndOffset());
        current.deleteRecordsBefore(5);
        LogMover mover = new LogMover(m, current, m.futureLogs().create(tp, to, config));
        assertTrue(hasDir(to, "moving-0.") && m.futureLogs().get(tp).isPresent(), "future dir is <tp>.<uuid>-future");
        int copied = 0;
        for (int i = 0; i < 5; i++) {
            copied += mover.step(512);
            t.append(current, 2, 6, dev.wharf.wire.records.CompressionType.NONE); // the producer goes on
        }
        assertTrue(copied > 0 && mover.lag() > 0, "bounded steps leave a lag");
        current.updateHighWatermark(current.logEndOffset() - 2);
        long hw = current.highWatermark();
        PartitionLog moved = mover.finish();

        assertEquals(to, LogManager.dirOf(moved));
        assertEquals(moved, m.get(tp).orElseThrow());
        assertTrue(m.futureLogs().get(tp).isEmpty());
        assertEquals(current.logEndOffset(), moved.logEndOffset());
        assertEquals(5, moved.logStartOffset());
        assertEquals(hw, moved.highWatermark());
        assertEquals(current.leaderEpochs().entries(), moved.leaderEpochs().entries());
        assertEquals(t.written.subList(5, t.written.size()), TestLogs.readAll(moved, 5, 700));
        assertFalse(hasDir(from, "moving-0"), "the old log is gone from its dir");
        assertTrue(Files.exists(to.resolve("moving-0")));
        m.close();

        LogManager again = manager(a, b);
        assertEquals(to, LogManager.dirOf(again.get(tp).orElseThrow()));
        assertEquals(t.written.subList(5, t.written.size()), TestLogs.readAll(again.get(tp).orElseThrow(), 5, 700));
        again.close();
    }

    // A truncation of the current log under the copy cuts the copy back, so it never keeps diverged batches.
    @Test
    void followsTruncationOfTheCurrentLog() throws IOException {
        LogManager m = manager(tmp.resolve("a"), tmp.resolve("b"));
        PartitionLog current = m.getOrCreate(tp, config);
        Path to = m.logDirs().stream().filter(d -> !d.equals(LogManager.dirOf(current))).findFirst().orElseThrow();
        for (int i = 0; i < 10; i++) {
            t.append(current, 3);
        }
        LogMover mover = new LogMover(m, current, m.futureLogs().create(tp, to, config));
        while (!mover.caughtUp()) {
            mover.step(4096);
        }
        current.truncateTo(12);
        mover.currentTruncated();
        assertEquals(12, mover.future().logEndOffset());
        t.append(current, 4);
        PartitionLog moved = mover.finish();
        assertEquals(current.logEndOffset(), moved.logEndOffset());
        m.close();
    }

    // A move cut short by a restart resumes: the future log is loaded again, next to the current one.
    @Test
    void restartKeepsTheFutureLogToResume() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        LogManager m = manager(a, b);
        PartitionLog current = m.getOrCreate(tp, config);
        Path to = LogManager.dirOf(current).equals(a) ? b : a;
        for (int i = 0; i < 20; i++) {
            t.append(current, 3);
        }
        LogMover mover = new LogMover(m, current, m.futureLogs().create(tp, to, config));
        mover.step(1024);
        long copied = mover.future().logEndOffset();
        m.close();

        LogManager again = manager(a, b);
        PartitionLog future = again.futureLogs().get(tp).orElseThrow();
        assertEquals(to, LogManager.dirOf(future));
        assertEquals(copied, future.logEndOffset());
        PartitionLog moved = new LogMover(again, again.get(tp).orElseThrow(), future).finish();
        assertEquals(t.written, TestLogs.readAll(moved, 0, 700));
        assertEquals(Map.of(tp, moved), again.all());
        again.close();
    }

    // A failed dir takes only its own logs offline; new logs go to the dirs left.
    @Test
    void failedDirTakesOnlyItsLogsOffline() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        LogManager m = manager(a, b);
        PartitionLog p0 = m.getOrCreate(new TopicPartition("x", 0), config);
        PartitionLog p1 = m.getOrCreate(new TopicPartition("x", 1), config);
        assertFalse(LogManager.dirOf(p0).equals(LogManager.dirOf(p1)), "spread over both dirs");
        List<Path> failed = new java.util.ArrayList<>();
        m.onDirFailure((dir, e) -> failed.add(dir));
        assertTrue(m.dirFailed(LogManager.dirOf(p0), new IOException("disk gone")));
        assertFalse(m.dirFailed(LogManager.dirOf(p0), new IOException("again")), "offline once");
        assertEquals(List.of(LogManager.dirOf(p0)), failed);
        assertEquals(Map.of(p1.topicPartition(), p1), m.all());
        assertEquals(LogManager.dirOf(p1), LogManager.dirOf(m.getOrCreate(new TopicPartition("x", 2), config)));
        m.close();
    }
}
