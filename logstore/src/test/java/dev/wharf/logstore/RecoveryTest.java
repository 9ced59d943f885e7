package dev.wharf.logstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.wire.records.CompressionType;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up after a crash: torn and corrupt tails are cut at the last complete batch, indexes rebuilt. */
class RecoveryTest {
    private static final TopicPartition TP = new TopicPartition("events", 3);

    @TempDir
    Path tmp;

    private final TestLogs t = new TestLogs();

    private PartitionLog open(Path dir, LogConfig config, long recoveryPoint, boolean clean) throws IOException {
        return PartitionLog.open(dir, TP, config, recoveryPoint, 0, clean, LogEnvironment.standalone(t.clock::get));
    }

    private static void copyDir(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(from.relativize(f).toString()));
            }
        }
    }

    private static Path lastLogFile(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".log")).max(Comparator.naturalOrder()).orElseThrow();
        }
    }

    // Cut the active segment at every byte of its last batch: exactly the complete batches survive.
    @Test
    void tornLastBatchAtEveryBytePosition() throws IOException {
        Path original = tmp.resolve("original");
        LogConfig config = TestLogs.config(1 << 20, 128);
        PartitionLog log = open(original, config, 0, true);
        for (int i = 0; i < 20; i++) {
            t.append(log, 1 + i % 4);
        }
        long lastBase = t.written.get(t.written.size() - 1).offset() - 3; // the last batch has 4 records
        ReadResult.Batches last = assertInstanceOf(ReadResult.Batches.class, log.read(lastBase, 1, Long.MAX_VALUE));
        log.close();
        int start = (int) last.slice().position();
        int end = start + last.slice().length();
        List<TestLogs.Written> survivors = t.written.subList(0, t.written.size() - 4);
        for (int cut = start; cut < end; cut++) {
            Path copy = tmp.resolve("cut-" + cut);
            copyDir(original, copy);
            try (FileChannel ch = FileChannel.open(lastLogFile(copy), StandardOpenOption.WRITE)) {
                ch.truncate(cut);
            }
            PartitionLog recovered = open(copy, config, 0, false);
            assertEquals(lastBase, recovered.logEndOffset(), "cut at " + cut);
            assertEquals(survivors, TestLogs.readAll(recovered, 0, 300), "cut at " + cut);
            assertEquals(lastBase, recovered.append(t.batch(2, CompressionType.NONE), 3).firstOffset());
            recovered.close();
        }
    }

    // Garbage after a valid tail, or a flipped byte inside the last batch, is cut off; the index is rebuilt.
    @Test
    void garbageAndCorruptionAreCutOff() throws IOException {
        Path dir = tmp.resolve("log");
        LogConfig config = TestLogs.config(1 << 20, 64);
        PartitionLog log = open(dir, config, 0, true);
        for (int i = 0; i < 30; i++) {
            t.append(log, 3);
        }
        long validSize = Files.size(lastLogFile(dir));
        log.close();
        byte[] garbage = new byte[500];
        new Random(1).nextBytes(garbage);
        Files.write(lastLogFile(dir), garbage, StandardOpenOption.APPEND);
        PartitionLog recovered = open(dir, config, 0, false);
        assertEquals(90, recovered.logEndOffset());
        assertEquals(validSize, Files.size(lastLogFile(dir)));
        for (long offset = 0; offset < 90; offset += 5) {
            assertEquals(t.written.subList((int) offset, 90), TestLogs.readAll(recovered, offset, 100));
        }
        recovered.close();

        // flip one byte in the records of the last batch: its CRC fails, so it goes
        try (FileChannel ch = FileChannel.open(lastLogFile(dir), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            ch.read(b, validSize - 3);
            b.put(0, (byte) (b.get(0) ^ 0x40)).rewind();
            ch.write(b, validSize - 3);
        }
        PartitionLog again = open(dir, config, 0, false);
        assertEquals(87, again.logEndOffset());
        assertEquals(t.written.subList(0, 87), TestLogs.readAll(again, 0, 1 << 20));
        again.close();
    }

    // Corruption in an older segment after the recovery point drops it from there and every later segment.
    @Test
    void corruptionInAnEarlierSegmentDropsLaterSegments() throws IOException {
        Path dir = tmp.resolve("log");
        LogConfig config = TestLogs.config(1024, 64);
        PartitionLog log = open(dir, config, 0, true);
        for (int i = 0; i < 60; i++) {
            t.append(log, 2);
        }
        List<Long> bases = log.segmentBaseOffsets();
        assertTrue(bases.size() > 4);
        log.close();
        long brokenBase = bases.get(2);
        Path broken = LogSegment.file(dir, brokenBase, ".log");
        try (FileChannel ch = FileChannel.open(broken, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(broken) - 1);
        }
        PartitionLog recovered = open(dir, config, bases.get(1), false);
        long kept = recovered.logEndOffset();
        assertTrue(kept > brokenBase && kept < 120, "log end " + kept);
        assertEquals(3, recovered.segmentCount());
        assertEquals(t.written.subList(0, (int) kept), TestLogs.readAll(recovered, 0, 1 << 20));
        assertEquals(kept, recovered.append(t.batch(1, CompressionType.NONE), 3).firstOffset());
        recovered.close();
    }

    // Recovery of a large log takes seconds, not minutes (it prints the rate; the bound is generous).
    // A new epoch is written to the checkpoint only when the log is flushed: a crash before that
    // leaves the checkpoint of the last flush (or none). Recovery finds the epoch in the batches it checks.
    @Test
    void anEpochWhoseCheckpointTheCrashLostIsFoundInTheRecoveredBatches() throws IOException {
        Path dir = tmp.resolve("live");
        PartitionLog log = open(dir, TestLogs.config(4096, 4096), 0, true);
        log.append(t.batch(3, CompressionType.NONE), 1);
        log.flush();
        Path checkpoint = dir.resolve(LeaderEpochCache.FILE_NAME);
        String synced = Files.readString(checkpoint);
        log.append(t.batch(2, CompressionType.NONE), 3);
        log.append(t.batch(2, CompressionType.NONE), 4);
        List<LeaderEpochCache.EpochEntry> expected = List.of(new LeaderEpochCache.EpochEntry(1, 0),
                new LeaderEpochCache.EpochEntry(3, 3), new LeaderEpochCache.EpochEntry(4, 5));
        assertEquals(expected, log.leaderEpochs().entries());
        long recoveryPoint = log.recoveryPoint();
        assertEquals(3, recoveryPoint);

        assertEquals(synced, Files.readString(checkpoint), "written by the flush, not by the appends since");
        for (boolean flushedBefore : List.of(true, false)) {
            Path crashed = tmp.resolve("crashed-" + flushedBefore);
            copyDir(dir, crashed); // the files as a crash of the process leaves them: nothing closed
            if (!flushedBefore) {
                Files.delete(crashed.resolve(LeaderEpochCache.FILE_NAME));
            }
            PartitionLog recovered = open(crashed, TestLogs.config(4096, 4096), recoveryPoint, false);
            assertEquals(expected, recovered.leaderEpochs().entries());
            assertEquals(new LeaderEpochCache.EpochEndOffset(3, 5), recovered.leaderEpochs().endOffsetFor(3, 7));
            recovered.close();
            // and the recovered history was made durable: a clean reopen reads it back
            PartitionLog reopened = open(crashed, TestLogs.config(4096, 4096), recovered.recoveryPoint(), true);
            assertEquals(expected, reopened.leaderEpochs().entries());
            reopened.close();
        }
        log.close();
    }

    @Test
    void recoveryIsFast() throws IOException {
        Path dir = tmp.resolve("big");
        LogConfig config = TestLogs.config(64 << 20, 4096);
        PartitionLog log = open(dir, config, 0, true);
        io.netty.buffer.ByteBuf template = t.batch(100, CompressionType.NONE);
        List<io.netty.buffer.ByteBuf> copies = new ArrayList<>();
        long bytes = 0;
        while (bytes < 128L << 20) {
            io.netty.buffer.ByteBuf copy = template.copy();
            bytes += copy.readableBytes();
            log.append(copy, 0);
        }
        long end = log.logEndOffset();
        log.close();
        long started = System.nanoTime();
        PartitionLog recovered = open(dir, config, 0, false);
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("recovery: %d MiB checked in %.2f s (%.0f MiB/s)%n", bytes >> 20, seconds, (bytes >> 20) / seconds);
        assertEquals(end, recovered.logEndOffset());
        assertTrue(seconds < 30, "recovery took " + seconds + " s");
        recovered.close();
        copies.clear();
    }
}
