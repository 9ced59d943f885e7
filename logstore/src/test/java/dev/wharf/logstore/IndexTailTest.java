package dev.wharf.logstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Index entries collect in memory and reach the file {@link MappedIndex#TAIL_ENTRIES} at a time:
 * lookups see every entry wherever it is, truncation and sealing keep the file and the tail in
 * step, and an index whose tail was lost is not trusted.
 */
class IndexTailTest {
    private static final long BASE = 1_000;
    private static final int MAX_BYTES = 64 * 1024;
    private static final int ENTRIES = 3 * MappedIndex.TAIL_ENTRIES + 5;

    @TempDir
    Path dir;

    // every entry is found while it is in the tail, after the tail went to the file, and after a reopen
    @Test
    void lookupsSeeEntriesInTheTailAndInTheFile() throws Exception {
        Path file = dir.resolve("a.index");
        OffsetIndex index = new OffsetIndex(file, BASE, MAX_BYTES, true);
        for (int i = 0; i < ENTRIES; i++) {
            index.append(offset(i), position(i));
            for (int j = 0; j <= i; j += Math.max(1, i / 7)) {
                assertEquals(new OffsetIndex.Entry(offset(j), position(j)), index.lookup(offset(j) + 1), "entry " + j + " after " + i);
            }
            assertEquals(new OffsetIndex.Entry(offset(i), position(i)), index.last());
            assertEquals(new OffsetIndex.Entry(offset(i), position(i)), index.floorByPosition(position(i) + 5));
        }
        assertEquals(new OffsetIndex.Entry(BASE, 0), index.lookup(BASE + 5));
        index.trimAndSeal();
        assertEquals((long) ENTRIES * OffsetIndex.ENTRY_SIZE, Files.size(file));

        OffsetIndex reopened = new OffsetIndex(file, BASE, MAX_BYTES, false);
        assertEquals(ENTRIES, reopened.entries());
        assertTrue(reopened.looksValid());
        for (int i = 0; i < ENTRIES; i++) {
            assertEquals(new OffsetIndex.Entry(offset(i), position(i)), reopened.lookup(offset(i)));
        }
    }

    // truncating into entries already in the file, then appending again, leaves exactly the new entries
    @Test
    void truncationBelowTheTailRewritesFromThere() throws Exception {
        Path file = dir.resolve("b.index");
        OffsetIndex index = new OffsetIndex(file, BASE, MAX_BYTES, true);
        for (int i = 0; i < ENTRIES; i++) {
            index.append(offset(i), position(i));
        }
        int keep = MappedIndex.TAIL_ENTRIES / 2;
        index.truncateTo(offset(keep));
        assertEquals(keep, index.entries());
        assertEquals(new OffsetIndex.Entry(offset(keep - 1), position(keep - 1)), index.lookup(offset(keep) + 3));
        for (int i = keep; i < ENTRIES + 10; i++) {
            index.append(offset(i) + 1, position(i) + 1);
        }
        index.trimAndSeal();
        OffsetIndex reopened = new OffsetIndex(file, BASE, MAX_BYTES, false);
        assertEquals(ENTRIES + 10, reopened.entries());
        assertEquals(new OffsetIndex.Entry(offset(keep - 1), position(keep - 1)), reopened.lookup(offset(keep)));
        assertEquals(new OffsetIndex.Entry(offset(keep) + 1, position(keep) + 1), reopened.lookup(offset(keep) + 1));
        assertTrue(reopened.looksValid());
    }

    // flush puts a partly filled tail in the file; the time index takes the same path
    @Test
    void flushWritesAPartialTail() throws Exception {
        Path file = dir.resolve("c.timeindex");
        TimeIndex index = new TimeIndex(file, BASE, MAX_BYTES, true);
        int n = MappedIndex.TAIL_ENTRIES + 3;
        for (int i = 0; i < n; i++) {
            index.maybeAppend(timestamp(i), offset(i));
        }
        index.flush();
        for (int i = n; i < n + 4; i++) {
            index.maybeAppend(timestamp(i), offset(i));
        }
        assertNull(index.lastBefore(timestamp(0)));
        for (int i = 0; i < n + 4; i++) {
            assertEquals(new TimeIndex.Entry(timestamp(i), offset(i)), index.lastBefore(timestamp(i) + 1));
        }

        // what a crash leaves: the flushed entries, then the sparse file's zeros where the tail would have gone
        Path crashed = Files.copy(file, dir.resolve("crashed.timeindex"));
        TimeIndex afterCrash = new TimeIndex(crashed, BASE, MAX_BYTES, true);
        assertFalse(afterCrash.looksValid(), "an index that lost its tail must be rebuilt, not trusted");
        afterCrash.closeWriter();

        index.trimAndSeal();
        TimeIndex reopened = new TimeIndex(file, BASE, MAX_BYTES, false);
        assertEquals(n + 4, reopened.entries());
        assertEquals(new TimeIndex.Entry(timestamp(n + 3), offset(n + 3)), reopened.lastBefore(Long.MAX_VALUE));
    }


    private static long offset(int i) {
        return BASE + 10L * (i + 1);
    }

    private static int position(int i) {
        return 4096 * (i + 1);
    }

    private static long timestamp(int i) {
        return 1_700_000_000_000L + 3L * i;
    }
}
