package dev.wharf.logstore;

import static dev.wharf.logstore.TransactionStateTest.end;
import static dev.wharf.logstore.TransactionStateTest.txn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.wire.records.CompressionType;
import dev.wharf.wire.records.ControlRecord;
import dev.wharf.wire.records.RecordBatch;
import dev.wharf.wire.records.RecordBatches;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * A swap of two compacted replacements over four old segments, crashed before each of its file
 * operations in turn (through {@link SegmentSwap.Steps}), the log then reopened as after a power
 * loss: it holds exactly the old records or exactly the new ones, its indexes find every batch,
 * and its aborted transactions are those whose abort markers it holds.
 */
class SwapCrashTest {
    private static final TopicPartition TP = new TopicPartition("orders", 0);
    private static final LogConfig CONFIG = TestLogs.config(1 << 20, 128);
    /** The transaction whose abort marker the compaction keeps, and the one whose marker (and data) it drops. */
    private static final long KEPT_PID = 100;
    private static final long DROPPED_PID = 200;

    @TempDir
    Path root;

    /** A crash: what a {@link SegmentSwap.Steps} throws to stop the swap where the process would have died. */
    private static final class Crash extends IOException {
        Crash(String step) {
            super("crash before " + step);
        }
    }

    /** One log, its four old segments and their two replacements, and what reading it must give before and after. */
    private static final class Scenario {
        final Path dir;
        final TestLogs t = new TestLogs();
        final LogEnvironment env = LogEnvironment.standalone(t.clock::get);
        final PartitionLog log;
        final List<LogSegment> old;
        final List<LogSegment> replacements;
        final List<TestLogs.Written> oldRecords;
        final List<TestLogs.Written> newRecords;
        final List<AbortedTxn> oldAborts;
        final List<AbortedTxn> newAborts;
        final long logEnd;

        Scenario(Path dir) throws IOException {
            this.dir = dir;
            log = PartitionLog.open(dir, TP, CONFIG, 0, 0, true, env);
            data(5);
            txn(log, KEPT_PID, 0, 2);
            end(log, KEPT_PID, ControlRecord.Type.ABORT);
            data(3);
            log.roll();
            data(6);
            log.roll();
            txn(log, DROPPED_PID, 0, 2);
            data(2);
            end(log, DROPPED_PID, ControlRecord.Type.ABORT);
            data(3);
            log.roll();
            data(5);
            log.roll();
            data(2); // the active segment
            log.updateHighWatermark(log.logEndOffset());
            log.flush(); // the recovery point is the log end: only what the swap touched is recovered on open
            logEnd = log.logEndOffset();
            old = List.copyOf(log.segments().subList(0, 4));
            oldRecords = TestLogs.readAll(log, 0, 1 << 20);
            oldAborts = log.abortedTransactions(0, logEnd);
            assertEquals(List.of(KEPT_PID, DROPPED_PID), oldAborts.stream().map(AbortedTxn::producerId).toList());

            // a leftover of an earlier attempt that failed in-process, between the replacements' bases (S0 removes it)
            LogSegment stray = compacted(old.subList(1, 2), b -> true);
            stray.close();

            List<RecordBatch> dropped = new ArrayList<>();
            LogSegment r1 = compacted(old.subList(0, 2), keepUnless(b -> b.producerId() == 7 && b.baseOffset() % 2 == 1,
                    old.get(1), dropped));
            LogSegment r2 = compacted(old.subList(2, 4), keepUnless(
                    b -> b.producerId() == DROPPED_PID || b.producerId() == 7 && b.baseOffset() % 3 == 0, old.get(3),
                    dropped));
            replacements = List.of(r1, r2);
            SwapPreparation.prepare(replacements, old);
            newRecords = oldRecords.stream()
                    .filter(w -> dropped.stream()
                            .noneMatch(b -> b.baseOffset() <= w.offset() && w.offset() <= b.lastOffset()))
                    .toList();
            newAborts = List.of(oldAborts.get(0));
            assertTrue(newRecords.size() < oldRecords.size() - 5, "the compaction removes records");
        }

        private void data(int batches) throws IOException {
            for (int i = 0; i < batches; i++) {
                t.append(log, 1 + i % 3, 0, i % 2 == 0 ? CompressionType.NONE : CompressionType.LZ4);
            }
        }

        /**
         * Keeps the batches {@code drop} does not match, and always the last batch of {@code last}
         * (a replacement ends after its last old segment's base). Remembers what it drops.
         */
        private static Predicate<RecordBatch> keepUnless(Predicate<RecordBatch> drop, LogSegment last,
                List<RecordBatch> dropped) {
            return b -> {
                if (b.nextOffset() == last.nextOffset() || !drop.test(b)) {
                    return true;
                }
                dropped.add(b);
                return false;
            };
        }

        /** A {@code .cleaned} segment at {@code group}'s first base holding the batches of it that {@code keep} takes. */
        private LogSegment compacted(List<LogSegment> group, Predicate<RecordBatch> keep) throws IOException {
            LogSegment cleaned = LogSegment.createCleaned(dir, group.get(0).baseOffset(), CONFIG, t.clock.get(),
                    env.handles());
            for (LogSegment o : group) {
                ByteBuf all = TestLogs.bytesOf(o);
                int position = 0;
                for (RecordBatch b : RecordBatches.split(all)) {
                    if (keep.test(b)) {
                        ByteBuf one = all.slice(position, b.sizeInBytes());
                        cleaned.append(one, List.of(b));
                    }
                    position += b.sizeInBytes();
                }
            }
            return cleaned;
        }

        /** Swaps, stopping before step {@code crashAt} (none if past the last); returns the steps taken. */
        List<String> swap(int crashAt) throws IOException {
            List<String> steps = new ArrayList<>();
            try {
                log.replaceSegments(replacements, old, step -> {
                    if (steps.size() == crashAt) {
                        throw new Crash(step);
                    }
                    steps.add(step);
                });
            } catch (Crash expected) {
                // the process died here: the log object is abandoned, unclosed, as a dead process leaves it
            }
            return steps;
        }

        /** Opens the directory as after a crash (unclean, recovery point at the log end). */
        PartitionLog reopen() throws IOException {
            return PartitionLog.open(dir, TP, CONFIG, logEnd, 0, false, LogEnvironment.standalone(t.clock::get));
        }
    }

    /** Every step of an uninterrupted swap, in order. */
    private List<String> allSteps() throws IOException {
        Scenario s = new Scenario(root.resolve("dry-run"));
        List<String> steps = s.swap(Integer.MAX_VALUE);
        s.log.close();
        return steps;
    }

    // A crash before any step of the swap leaves the old records or the new ones, whole, with
    // working indexes and exactly the aborted transactions whose markers remain; the swap is
    // decided when the lowest replacement's .log becomes .swap.
    @TestFactory
    Stream<DynamicTest> crashAtEveryStep() throws IOException {
        List<String> steps = allSteps();
        int decided = steps.indexOf("S1 rename " + SegmentFiles.file(root, 0, ".log.cleaned").getFileName());
        assertTrue(decided > 0 && steps.get(0).startsWith("S0") && steps.get(steps.size() - 1).equals("S4 publish"),
                "steps: " + steps);
        assertTrue(steps.stream().filter(s -> s.startsWith("S1 rename")).count() >= 7, "steps: " + steps);
        return IntStream.rangeClosed(0, steps.size()).mapToObj(k -> DynamicTest.dynamicTest(
                k < steps.size() ? "crash before " + steps.get(k) : "crash after the swap",
                () -> crashAndReopen(k, k > decided)));
    }

    private void crashAndReopen(int crashAt, boolean expectNew) throws IOException {
        Scenario s = new Scenario(root.resolve("crash-" + crashAt));
        s.swap(crashAt);
        PartitionLog reopened = s.reopen();
        assertEquals(s.logEnd, reopened.logEndOffset());
        List<TestLogs.Written> expected = expectNew ? s.newRecords : s.oldRecords;
        assertEquals(expected, TestLogs.readAll(reopened, 0, 1 << 20));
        assertEquals(expected, TestLogs.readAll(reopened, 0, 1)); // a batch per read: every lookup through the index
        assertLookupsHitTheirBatch(reopened, expected);
        assertEquals(expectNew ? s.newAborts : s.oldAborts, reopened.abortedTransactions(0, s.logEnd));
        assertEquals(List.of(), leftOvers(s.dir));
        reopened.close();

        PartitionLog again = s.reopen(); // what the first open wrote holds up to a second one
        assertEquals(expected, TestLogs.readAll(again, 0, 1 << 20));
        assertEquals(expectNew ? s.newAborts : s.oldAborts, again.abortedTransactions(0, s.logEnd));
        again.close();
    }

    // A crash inside S2, between the files of one old segment (its .log already .deleted, its
    // indexes still live), completes the swap and leaves none of that segment's files behind.
    @Test
    void crashHalfWayThroughDeletingAnOldSegment() throws IOException {
        List<String> steps = allSteps();
        Scenario s = new Scenario(root.resolve("half-deleted"));
        long b = s.old.get(1).baseOffset(); // no replacement starts there
        s.swap(steps.indexOf("S2 delete " + b));
        Path log = SegmentFiles.file(s.dir, b, SegmentFiles.LOG);
        Files.move(log, SegmentFiles.withSuffix(log, SegmentFiles.DELETED));
        assertTrue(Files.exists(SegmentFiles.file(s.dir, b, SegmentFiles.INDEX)));

        PartitionLog reopened = s.reopen();
        assertEquals(s.newRecords, TestLogs.readAll(reopened, 0, 1 << 20));
        assertEquals(s.newAborts, reopened.abortedTransactions(0, s.logEnd));
        try (Stream<Path> files = Files.list(s.dir)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith(String.format("%020d", b)))
                    .toList());
        }
        reopened.close();
    }

    // Without a crash, the swap serves the new records at once and keeps the aborted transaction
    // whose marker stays, drops the one whose marker went, through a clean close and reopen.
    @Test
    void uninterruptedSwapCarriesOnlyAbortsWhoseMarkersStay() throws IOException {
        Scenario s = new Scenario(root.resolve("normal"));
        s.log.replaceSegments(s.replacements, s.old);
        assertEquals(s.newRecords, TestLogs.readAll(s.log, 0, 1 << 20));
        assertEquals(s.newAborts, s.log.abortedTransactions(0, s.logEnd));
        assertLookupsHitTheirBatch(s.log, s.newRecords);
        s.log.close();
        PartitionLog reopened = PartitionLog.open(s.dir, TP, CONFIG, s.logEnd, 0, true, s.env);
        assertEquals(s.newRecords, TestLogs.readAll(reopened, 0, 1 << 20));
        assertEquals(s.newAborts, reopened.abortedTransactions(0, s.logEnd));
        assertEquals(List.of(), leftOvers(s.dir));
        reopened.close();
    }

    /** A read at each record's offset starts with the batch holding it. */
    private static void assertLookupsHitTheirBatch(PartitionLog log, List<TestLogs.Written> records)
            throws IOException {
        for (TestLogs.Written w : records) {
            ReadResult r = log.read(w.offset(), 1, log.logEndOffset());
            if (!(r instanceof ReadResult.Batches b)) {
                throw new AssertionError("no data at " + w.offset() + ": " + r);
            }
            try {
                RecordBatch first = TestLogs.batches(b.slice()).get(0);
                assertTrue(first.baseOffset() <= w.offset() && w.offset() <= first.lastOffset(),
                        "read at " + w.offset() + " gave " + first);
            } finally {
                b.slice().release();
            }
        }
    }

    private static List<String> leftOvers(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".cleaned") || n.endsWith(".swap") || n.endsWith(".deleted"))
                    .toList();
        }
    }
}
