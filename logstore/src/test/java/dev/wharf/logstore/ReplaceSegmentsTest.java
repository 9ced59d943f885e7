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

/** Segment replacement by swap files, done normally and interrupted at each step by a "crash". */
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

    // A crash after the .swap rename, old segments still live: open completes the swap.
    @Test
    void swapWithOldSegmentsStillPresentIsCompleted() throws IOException {
        int before = log.segmentCount();
        List<LogSegment> segments = log.segments();
        LogSegment r1 = merged(segments.subList(0, 2));
        LogSegment r2 = merged(segments.subList(2, 3));
        for (LogSegment r : List.of(r1, r2)) {
            r.flush();
            r.close();
            LogSegment.renameFiles(partitionDir(), r.baseOffset(), SegmentFiles.CLEANED, SegmentFiles.SWAP);
        }
        log.close();

        PartitionLog reopened = open(false);
        assertEquals(before - 1, reopened.segmentCount());
        assertEquals(t.written, TestLogs.readAll(reopened, 0, 1 << 20));
        assertEquals(List.of(), leftOvers());
        reopened.close();
    }

    // A crash half-way through renaming the .swap files into place (old segments already
    // .deleted, the first replacement live): open finishes the renames.
    @Test
    void swapInterruptedAfterTheFirstRenameIsCompleted() throws IOException {
        int before = log.segmentCount();
        List<LogSegment> segments = log.segments();
        LogSegment r1 = merged(segments.subList(0, 2));
        LogSegment r2 = merged(segments.subList(2, 4));
        for (LogSegment r : List.of(r1, r2)) {
            r.flush();
            r.close();
            LogSegment.renameFiles(partitionDir(), r.baseOffset(), SegmentFiles.CLEANED, SegmentFiles.SWAP);
        }
        log.close();
        for (LogSegment o : segments.subList(0, 4)) {
            LogSegment.renameFiles(partitionDir(), o.baseOffset(), "", SegmentFiles.DELETED);
        }
        LogSegment.renameFiles(partitionDir(), r1.baseOffset(), SegmentFiles.SWAP, "");

        PartitionLog reopened = open(false);
        assertEquals(before - 2, reopened.segmentCount());
        assertEquals(t.written, TestLogs.readAll(reopened, 0, 1 << 20));
        assertEquals(List.of(), leftOvers());
        reopened.close();
    }
}
