package dev.wharf.logstore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedSet;

/**
 * The file side of replacing segments by others holding the same records (compaction), in steps
 * that a crash may interrupt anywhere and {@link #completeInterrupted} finishes or undoes on open:
 *
 * <ol>
 *   <li>the replacements are written as {@code <base>.log.cleaned} (and {@code .index.cleaned},
 *       {@code .timeindex.cleaned}, and {@code .txnindex.cleaned} holding the old segments'
 *       aborted transactions), fsynced and closed — a crash here leaves {@code .cleaned}
 *       files, deleted on open: the old segments are still whole;
 *   <li>each replacement is renamed {@code .cleaned} → {@code .swap}; directory fsynced — from
 *       here on the swap is decided: on open, the {@code .swap} files complete it;
 *   <li>the old segments are renamed to {@code .deleted} (removed later, or on open);
 *   <li>the replacements are renamed {@code .swap} → live name, in offset order; directory fsynced.
 * </ol>
 *
 * Completing on open: the {@code .swap} files left cover offsets from the smallest base offset
 * among them to the largest next offset among them; live segments with a base offset in that
 * range are old ones (step 3 not done) and are deleted, then the {@code .swap} files are renamed
 * into place. A replacement already renamed in step 4 is never in that range, since the renames
 * go in offset order. For this to find every old segment, a swap must satisfy the preconditions
 * {@link PartitionLog#replaceSegments} checks: the first replacement starts at the first old
 * segment's base offset and the last one ends after the last old segment's base offset.
 */
final class SegmentSwap {
    private SegmentSwap() {}

    /**
     * Refuses a swap whose replacements do not span {@code old} (see
     * {@link PartitionLog#replaceSegments}), or whose old segments are not consecutive sealed
     * segments of {@code segments}.
     */
    static void checkReplaceable(NavigableMap<Long, LogSegment> segments, LogSegment active,
            List<LogSegment> replacements, List<LogSegment> old) {
        if (old.isEmpty() || replacements.isEmpty()) {
            throw new IllegalArgumentException("nothing to replace");
        }
        Map.Entry<Long, LogSegment> e = segments.ceilingEntry(old.get(0).baseOffset());
        for (LogSegment o : old) {
            if (e == null || e.getValue() != o || o == active) {
                throw new IllegalArgumentException("not consecutive sealed segments of the log: " + old);
            }
            e = segments.higherEntry(o.baseOffset());
        }
        LogSegment lastOld = old.get(old.size() - 1);
        long previousEnd = old.get(0).baseOffset();
        for (LogSegment r : replacements) {
            if (r.baseOffset() < previousEnd || r.size() == 0) {
                throw new IllegalArgumentException("replacements overlap, are empty or out of order: " + replacements);
            }
            previousEnd = r.nextOffset();
        }
        if (replacements.get(0).baseOffset() != old.get(0).baseOffset() || previousEnd <= lastOld.baseOffset()
                || previousEnd > lastOld.nextOffset()) {
            throw new IllegalArgumentException("replacements " + replacements + " do not span " + old);
        }
    }

    /** Steps 1 (the fsync and close) to 4 for replacements written as {@code .cleaned}. */
    static void swapIn(Path dir, List<LogSegment> replacements, List<LogSegment> old) throws IOException {
        carryAbortedTxns(replacements, old);
        for (LogSegment r : replacements) {
            r.flush();
            r.close();
        }
        for (LogSegment r : replacements) {
            LogSegment.renameFiles(dir, r.baseOffset(), SegmentFiles.CLEANED, SegmentFiles.SWAP);
        }
        LogManager.fsyncDirectory(dir);
        for (LogSegment o : old) {
            o.markDeleted();
        }
        for (LogSegment r : replacements) {
            LogSegment.renameFiles(dir, r.baseOffset(), SegmentFiles.SWAP, "");
        }
        LogManager.fsyncDirectory(dir);
    }

    /**
     * Gives each replacement the aborted-transaction entries of the old segments whose markers
     * fall in its range, so that read_committed fetches still learn of them. Entries go across
     * whether or not the replacement kept the marker: which aborted transactions may be forgotten
     * is for the cleaner to decide, by writing them itself. Entries a replacement has are kept.
     */
    private static void carryAbortedTxns(List<LogSegment> replacements, List<LogSegment> old) throws IOException {
        int r = 0;
        for (LogSegment o : old) {
            for (AbortedTxn txn : o.abortedTxns()) {
                while (r + 1 < replacements.size() && replacements.get(r + 1).baseOffset() <= txn.lastOffset()) {
                    r++;
                }
                LogSegment target = replacements.get(r);
                List<AbortedTxn> has = target.abortedTxns();
                if (has.isEmpty() || has.get(has.size() - 1).lastOffset() < txn.lastOffset()) {
                    target.appendAbortedTxn(txn);
                }
            }
        }
    }

    /**
     * Finishes a swap a crash interrupted (see the class comment): deletes the live segments with
     * base offsets in {@code swapBases}' range, which it removes from {@code liveBases}, and renames
     * the swapped segments into place, adding them to {@code liveBases}.
     */
    static void completeInterrupted(Path dir, SortedSet<Long> swapBases, SortedSet<Long> liveBases) throws IOException {
        if (swapBases.isEmpty()) {
            return;
        }
        long from = swapBases.first();
        long to = from;
        for (long base : swapBases) {
            to = Math.max(to, nextOffset(SegmentFiles.file(dir, base, SegmentFiles.LOG + SegmentFiles.SWAP), base));
        }
        for (long base : List.copyOf(liveBases.subSet(from, Math.max(to, from + 1)))) {
            LogSegment.deleteFiles(dir, base);
            liveBases.remove(base);
        }
        for (long base : swapBases) {
            LogSegment.renameFiles(dir, base, SegmentFiles.SWAP, "");
            liveBases.add(base);
        }
        LogManager.fsyncDirectory(dir);
    }

    /** The offset after the last batch of a complete (fsynced) log file, by its headers. */
    private static long nextOffset(Path logFile, long baseOffset) throws IOException {
        try (FileChannel ch = FileChannel.open(logFile, StandardOpenOption.READ)) {
            int size = (int) Math.min(ch.size(), Integer.MAX_VALUE);
            ByteBuffer buf = ByteBuffer.allocate(BatchHeader.READ_SIZE);
            long next = baseOffset;
            int pos = 0;
            while (pos < size) {
                BatchHeader h = BatchHeader.read(ch, pos, size, buf);
                next = h.nextOffset();
                pos = h.end();
            }
            return next;
        }
    }
}
