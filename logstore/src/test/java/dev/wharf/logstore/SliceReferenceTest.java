package dev.wharf.logstore;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A slice keeps its segment's file open until released, whatever happens to the segment meanwhile. */
class SliceReferenceTest {
    @TempDir
    Path dir;

    private final TestLogs t = new TestLogs();

    private PartitionLog open(FileHandles handles) throws IOException {
        PartitionLog log = PartitionLog.open(dir.resolve("orders-0"), new TopicPartition("orders", 0),
                TestLogs.config(1024, 128), 0, 0, true, new LogEnvironment(t.clock::get, Runnable::run, handles));
        for (int i = 0; i < 60; i++) {
            t.append(log, 1 + i % 4);
        }
        assertTrue(log.segmentCount() >= 4, "segments: " + log.segmentCount());
        return log;
    }

    private static Slice read(PartitionLog log, long offset) throws IOException {
        return assertInstanceOf(ReadResult.Batches.class, log.read(offset, 1 << 20, log.logEndOffset())).slice();
    }

    // The open-file cache closing a segment's file (over its bound) does not cut a slice short:
    // the file closes when the slice is released.
    @Test
    void evictedFileStaysOpenUntilTheSliceIsReleased() throws IOException {
        PartitionLog log = open(new FileHandles(1));
        List<Long> bases = log.segmentBaseOffsets();
        Slice first = read(log, bases.get(0));
        Slice second = read(log, bases.get(1)); // takes the cache's only place
        FileChannel firstChannel = first.channel();
        assertTrue(firstChannel.isOpen());
        assertEquals(first.firstOffset(), TestLogs.batches(first).get(0).baseOffset());
        first.release();
        assertFalse(firstChannel.isOpen());
        second.release();
        log.close();
    }

    // A segment deleted (DeleteRecords, retention) while a slice of it is out: the slice still
    // reads its bytes, and the file closes when it is released.
    @Test
    void deletedSegmentStaysReadableUntilTheSliceIsReleased() throws IOException {
        PartitionLog log = open(FileHandles.unbounded());
        Slice slice = read(log, 0);
        long secondBase = log.segmentBaseOffsets().get(1);
        log.updateHighWatermark(log.logEndOffset());
        log.deleteRecordsBefore(secondBase);
        assertEquals(secondBase, log.segmentBaseOffsets().get(0));
        assertEquals(0, TestLogs.batches(slice).get(0).baseOffset());
        FileChannel channel = slice.channel();
        slice.release();
        assertFalse(channel.isOpen());
        log.close();
    }

    // Closing the log leaves the files of slices still out open, until they are released.
    @Test
    void closingTheLogWaitsForSlices() throws IOException {
        FileHandles handles = FileHandles.unbounded();
        PartitionLog log = open(handles);
        Slice sealed = read(log, 0);
        Slice active = read(log, log.segmentBaseOffsets().get(log.segmentCount() - 1));
        log.close();
        handles.close();
        assertTrue(sealed.channel().isOpen() && active.channel().isOpen());
        sealed.release();
        active.release();
        assertFalse(sealed.channel().isOpen() || active.channel().isOpen());
    }

    // A slice dropped without release (a bug) is still released once it is garbage collected.
    @Test
    void unreleasedSliceIsReleasedByTheCleaner() throws IOException {
        PartitionLog log = open(new FileHandles(1));
        List<Long> bases = log.segmentBaseOffsets();
        long before = Slice.releasedByCleaner();
        Slice dropped = read(log, bases.get(0));
        FileChannel channel = dropped.channel();
        WeakReference<Slice> gone = new WeakReference<>(dropped);
        dropped = null;
        read(log, bases.get(1)).release(); // the cache lets go of the first file
        assertTrue(channel.isOpen());
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            System.gc();
            return gone.get() == null && !channel.isOpen();
        });
        assertTrue(Slice.releasedByCleaner() > before);
        log.close();
    }
}
