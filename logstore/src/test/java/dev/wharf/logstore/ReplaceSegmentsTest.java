package dev.wharf.logstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Segment replacement by swap files, done normally or left as .cleaned files (crashes at each step: SwapCrashTest). */
class ReplaceSegmentsTest {
    @TempDir
    Path dir;

    private final TestLogs t = new TestLogs();
    private final LogEnvironment env = LogEnvironment.standalone(() -> t.clock.get());
    private final LogConfig config = TestLogs.config(1024, 128);
    private PartitionLog log;

    private Path partitionDir() {
        return dir.resolve("orders-0");
    }

    private PartitionLog open(boolean clean) throws IOException {
        return PartitionLog.open(partitionDir(), new TopicPartition("orders", 0), config, 0, 0, clean, env);
    }

    @BeforeEach
    void fill() throws IOException {
        log = open(true);
        for (int i = 0; i < 60; i++) {
            t.append(log, 1 + i % 4);
        }
        assertTrue(log.segmentCount() >= 6, "segments: " + log.segmentCount());
    }

    /** A {@code .cleaned} segment holding every batch of {@code old} (a compaction that kept everything). */
    private LogSegment merged(List<LogSegment> old) throws IOException {
        return TestLogs.mergedCopy(partitionDir(), old, config, t.clock.get(), env.handles());
    }

    private List<String> leftOvers() throws IOException {
        try (Stream<Path> files = Files.list(partitionDir())) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".cleaned") || n.endsWith(".swap") || n.endsWith(".deleted"))
                    .toList();
        }
    }

    // A replacement done normally serves every record once, before and after a restart.
    @Test
    void replacesSegments() throws IOException {
        int before = log.segmentCount();
        List<LogSegment> segments = log.segments();
        log.replaceSegments(List.of(merged(segments.subList(0, 2)), merged(segments.subList(2, 4))), segments.subList(0, 4));
        assertEquals(before - 2, log.segmentCount());
        assertEquals(t.written, TestLogs.readAll(log, 0, 1 << 20));
        assertEquals(t.written, TestLogs.readAll(log, 0, 1));
        assertEquals(List.of(), leftOvers());
        t.append(log, 3);
        int after = log.segmentCount();
        log.close();

        PartitionLog reopened = open(false);
        assertEquals(after, reopened.segmentCount());
        assertEquals(t.written, TestLogs.readAll(reopened, 0, 1 << 20));
        reopened.close();
    }

    // Replacements that do not span the old segments, or include the active one, are refused.
    @Test
    void refusesReplacementsThatDoNotSpanTheOldSegments() throws IOException {
        List<LogSegment> segments = log.segments();
        LogSegment partial = merged(segments.subList(0, 1));
        assertThrows(IllegalArgumentException.class, () -> log.replaceSegments(List.of(partial), segments.subList(0, 2)));
        LogSegment withActive = merged(segments.subList(segments.size() - 2, segments.size() - 1));
        assertThrows(IllegalArgumentException.class,
                () -> log.replaceSegments(List.of(withActive), segments.subList(segments.size() - 2, segments.size())));
        partial.close();
        withActive.close();
        assertEquals(t.written, TestLogs.readAll(log, 0, 1 << 20));
        log.close();
    }

    // Replacements not sealed and fsynced beforehand are refused: the swap under the lock does no data fsync.
    @Test
    void refusesUnpreparedReplacements() throws IOException {
        List<LogSegment> segments = log.segments();
        LogSegment unprepared = TestLogs.unpreparedCopy(partitionDir(), segments.subList(0, 2), config, t.clock.get(),
                env.handles());
        assertThrows(IllegalArgumentException.class, () -> log.replaceSegments(List.of(unprepared), segments.subList(0, 2)));
        unprepared.close();
        assertEquals(t.written, TestLogs.readAll(log, 0, 1 << 20));
        log.close();
    }

    // A crash while the replacement is still .cleaned: open discards it and keeps the old segments.
    @Test
    void leftOverCleanedFilesAreDiscarded() throws IOException {
        int before = log.segmentCount();
        LogSegment r = merged(log.segments().subList(0, 3));
        r.flush();
        r.close();
        log.close();

        PartitionLog reopened = open(false);
        assertEquals(before, reopened.segmentCount());
        assertEquals(t.written, TestLogs.readAll(reopened, 0, 1 << 20));
        assertEquals(List.of(), leftOvers());
        reopened.close();
    }
}
