package dev.wharf.logstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A log dir that cannot be read at start-up starts offline alone (KIP-112); the others load. */
class OfflineAtStartupTest {
    @TempDir
    Path tmp;

    private final TestLogs t = new TestLogs();
    private final LogConfig config = TestLogs.config(2048, 256);
    private final TopicPartition inA = new TopicPartition("t", 0);
    private final TopicPartition inB = new TopicPartition("t", 1);

    /** Writes one log in each of two dirs {@code a} and {@code b} and closes cleanly; returns the log end offsets. */
    private long[] twoDirs(Path a, Path b) throws IOException {
        LogManager m = new LogManager(List.of(a, b), config, 60_000, t.clock::get);
        m.startup();
        m.preferDir(inA, a);
        m.preferDir(inB, b);
        long[] ends = new long[2];
        for (int i = 0; i < 2; i++) {
            PartitionLog log = m.getOrCreate(i == 0 ? inA : inB);
            for (int n = 0; n < 20; n++) {
                t.append(log, 2);
            }
            ends[i] = log.logEndOffset();
        }
        m.close();
        return ends;
    }

    private LogManager start(Path... dirs) throws IOException {
        LogManager m = new LogManager(List.of(dirs), config, 60_000, t.clock::get);
        m.startup();
        return m;
    }

    // a log dir replaced by a plain file: that dir is offline, the other dir's log serves, nothing is created in the file's place
    @Test
    void aDirThatIsAFileStartsOffline() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        long[] ends = twoDirs(a, b);
        deleteTree(b);
        Files.writeString(b, "not a directory");

        LogManager m = start(a, b);
        assertEquals(Set.of(b), m.offlineDirs());
        assertEquals(List.of(a), m.onlineDirs());
        assertEquals(ends[0], m.get(inA).orElseThrow().logEndOffset());
        assertTrue(m.get(inB).isEmpty(), "the log in the offline dir is unknown");
        m.close();
        assertTrue(Files.isRegularFile(b), "an offline dir is left as it is");
        assertTrue(Files.exists(a.resolve(LogManager.CLEAN_SHUTDOWN_FILE)));
    }

    // one log that cannot be opened takes its whole dir offline, the other log of that dir too
    @Test
    void aLogThatCannotOpenTakesItsDirOffline() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        long[] ends = twoDirs(a, b);
        TopicPartition alsoInB = new TopicPartition("u", 0);
        LogManager again = start(a, b);
        again.preferDir(alsoInB, b);
        t.append(again.getOrCreate(alsoInB), 2);
        again.close();
        Path segment;
        try (Stream<Path> files = Files.list(b.resolve(inB.dirName()))) {
            segment = files.filter(f -> f.toString().endsWith(".log")).findFirst().orElseThrow();
        }
        Files.delete(segment);
        Files.createDirectory(segment); // a segment that is a directory cannot be opened

        LogManager m = start(a, b);
        assertEquals(Set.of(b), m.offlineDirs());
        assertEquals(ends[0], m.get(inA).orElseThrow().logEndOffset());
        assertTrue(m.get(inB).isEmpty());
        assertTrue(m.get(alsoInB).isEmpty(), "a log that opened in the failed dir is not served either");
        assertFalse(m.all().containsKey(alsoInB));
        PartitionLog created = m.getOrCreate(new TopicPartition("v", 0));
        assertEquals(a, LogManager.dirOf(created), "new logs go to the online dir");
        m.close();
    }

    // with every log dir unreadable the start fails, as Kafka halts
    @Test
    void everyDirOfflineFailsTheStart() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Files.writeString(a, "file");
        Files.writeString(b, "file");
        LogManager m = new LogManager(List.of(a, b), config, 60_000, t.clock::get);
        assertThrows(IOException.class, m::startup);
        m.close();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
