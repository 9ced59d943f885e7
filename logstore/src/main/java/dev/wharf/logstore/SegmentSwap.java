package dev.wharf.logstore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The file side of replacing segments by others holding the same records or fewer (compaction),
 * in renames that a crash may interrupt anywhere and {@link #completeInterrupted} finishes or
 * undoes on open. The replacements arrive written as {@code <base>.log.cleaned} (and
 * {@code .index.cleaned}, {@code .timeindex.cleaned}, {@code .txnindex.cleaned}), already fsynced
 * (see {@link SwapPreparation}); then, under the partition's lock:
 *
 * <ol start="0">
 *   <li><b>S0</b> every other {@code .cleaned} file in the directory is deleted (left by an earlier
 *       attempt that failed in-process), so that once S1 is done no {@code .cleaned} file exists.
 *       Hence no one may be writing other replacements of this log meanwhile (one cleaner per log);
 *   <li><b>S1</b> each replacement is renamed {@code .cleaned → .swap}, highest base offset first,
 *       indexes before {@code .log}; directory fsynced. The swap is decided when the lowest
 *       replacement's {@code .log} becomes {@code .swap};
 *   <li><b>S2</b> the old segments are renamed to {@code .deleted};
 *   <li><b>S3</b> each replacement is renamed {@code .swap → live}, lowest base first, indexes before
 *       {@code .log} (so a base still holding any {@code .swap} file still has its {@code .log.swap},
 *       from which open computes the swapped range); directory fsynced;
 *   <li><b>S4</b> (in {@link LogSegments#replace}) the replacements are published and the old
 *       segments handed to the delayed deleter.
 * </ol>
 *
 * On open: with {@code c} the smallest base offset of any {@code .cleaned} file left, every
 * {@code .swap} file of a base at or above {@code c} is from an S1 that did not finish (S1 goes
 * downwards and leaves no {@code .cleaned} file behind it), so those go, and then every
 * {@code .cleaned} file, and every index {@code .swap} file whose {@code .log.swap} is gone. The
 * {@code .swap} logs left are a decided swap: they cover offsets from their smallest base to
 * their largest next offset; live segments with a base in that range are old ones (S2 not done)
 * and are deleted; the {@code .swap} files are renamed into place and their segments opened with
 * recovery (indexes rebuilt, transaction index replayed by {@link PartitionLog#open}), since a
 * crash may have left their index files half renamed. For the range to cover every old segment,
 * a swap must satisfy {@link #checkReplaceable}.
 *
 * <p>Threads: {@link #checkReplaceable} and {@link #swapIn} run under the partition's lock;
 * {@link #completeInterrupted} runs on open, before the log is visible to anyone.
 *
 * <p>An {@link IOException} out of {@link #swapIn} leaves the directory in a state only open
 * resolves: the caller must stop using the log's directory (take it offline), not retry.
 */
final class SegmentSwap {
    /** The order of a segment's files within S1 and S3: the {@code .log} last. */
    private static final List<String> RENAME_ORDER = List.of(SegmentFiles.TXN_INDEX, SegmentFiles.TIME_INDEX,
            SegmentFiles.INDEX, SegmentFiles.LOG);

    /**
     * Told before each file operation of a swap, with a name for it ({@code "S1 rename
     * 00000000000000000150.index.cleaned"}); throwing stops the swap there, as a crash would.
     * Tests inject crashes through it; otherwise {@link #NONE}.
     */
    @FunctionalInterface
    interface Steps {
        Steps NONE = step -> {};

        void before(String step) throws IOException;
    }

    private SegmentSwap() {}

    /**
     * Refuses a swap whose replacements do not span {@code old} (see
     * {@link PartitionLog#replaceSegments}) or were not prepared by {@link SwapPreparation}, or
     * whose old segments are not consecutive sealed segments of {@code segments}.
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
            if (!r.indexesSealed()) {
                throw new IllegalArgumentException("replacement not prepared (sealed and fsynced): " + r);
            }
            previousEnd = r.nextOffset();
        }
        if (replacements.get(0).baseOffset() != old.get(0).baseOffset() || previousEnd <= lastOld.baseOffset()
                || previousEnd > lastOld.nextOffset()) {
            throw new IllegalArgumentException("replacements " + replacements + " do not span " + old);
        }
    }

    /** S0 to S3 for replacements written as {@code .cleaned} and fsynced; closes them. */
    static void swapIn(Path dir, List<LogSegment> replacements, List<LogSegment> old, Steps steps) throws IOException {
        for (LogSegment r : replacements) {
            r.close(); // no flush: the replacements were fsynced before the lock was taken
        }
        deleteStrayCleaned(dir, replacements, steps);
        for (int i = replacements.size() - 1; i >= 0; i--) {
            rename(dir, replacements.get(i).baseOffset(), SegmentFiles.CLEANED, SegmentFiles.SWAP, "S1", steps);
        }
        steps.before("S1 fsync");
        LogManager.fsyncDirectory(dir);
        for (LogSegment o : old) {
            steps.before("S2 delete " + o.baseOffset());
            o.markDeleted();
        }
        for (LogSegment r : replacements) {
            rename(dir, r.baseOffset(), SegmentFiles.SWAP, "", "S3", steps);
        }
        steps.before("S3 fsync");
        LogManager.fsyncDirectory(dir);
    }

    /** S0: removes the {@code .cleaned} files that are not the replacements'. */
    private static void deleteStrayCleaned(Path dir, List<LogSegment> replacements, Steps steps) throws IOException {
        Set<Path> keep = new HashSet<>();
        for (LogSegment r : replacements) {
            for (String suffix : RENAME_ORDER) {
                keep.add(SegmentFiles.file(dir, r.baseOffset(), suffix + SegmentFiles.CLEANED));
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().endsWith(SegmentFiles.CLEANED) && !keep.contains(f)) {
                    steps.before("S0 delete " + f.getFileName());
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /**
     * Renames one segment's files from state {@code from} to {@code to}, indexes first and the
     * {@code .log} last; files already renamed (or never written, as a missing transaction index)
     * are skipped, so an interrupted rename can be redone.
     */
    private static void rename(Path dir, long base, String from, String to, String stepName, Steps steps)
            throws IOException {
        for (String suffix : RENAME_ORDER) {
            Path source = SegmentFiles.file(dir, base, suffix + from);
            if (Files.exists(source)) {
                steps.before(stepName + " rename " + source.getFileName());
                Files.move(source, SegmentFiles.file(dir, base, suffix + to), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    /**
     * Undoes an unfinished S1 or finishes a decided swap (see the class comment). {@code liveBases}
     * are the bases with a live {@code .log}; it loses the old segments deleted and gains the
     * replacements renamed into place. Returns the replacements' bases, to be opened with recovery.
     */
    static SortedSet<Long> completeInterrupted(Path dir, SortedSet<Long> liveBases) throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.toList();
        }
        long minCleaned = Long.MAX_VALUE;
        for (Path f : files) {
            String name = f.getFileName().toString();
            if (name.endsWith(SegmentFiles.CLEANED) && baseOf(name) >= 0) {
                minCleaned = Math.min(minCleaned, baseOf(name));
            }
        }
        TreeSet<Long> swapBases = new TreeSet<>();
        List<Path> swapIndexes = new ArrayList<>();
        TreeSet<Long> anyLiveFile = new TreeSet<>(liveBases);
        for (Path f : files) {
            String name = f.getFileName().toString();
            if (name.endsWith(SegmentFiles.CLEANED)) {
                Files.deleteIfExists(f);
            } else if (name.endsWith(SegmentFiles.SWAP) && baseOf(name) >= 0) {
                long base = baseOf(name);
                if (base >= minCleaned) {
                    Files.deleteIfExists(f); // an S1 that did not finish: the old segments stand
                } else if (name.equals(SegmentFiles.file(dir, base, SegmentFiles.LOG + SegmentFiles.SWAP)
                        .getFileName().toString())) {
                    swapBases.add(base);
                } else {
                    swapIndexes.add(f);
                }
            } else if (SegmentFiles.PER_SEGMENT.stream().anyMatch(name::endsWith) && baseOf(name) >= 0) {
                anyLiveFile.add(baseOf(name));
            }
        }
        for (Path index : swapIndexes) {
            if (!swapBases.contains(baseOf(index.getFileName().toString()))) {
                Files.deleteIfExists(index); // its .log went live in S3; the index is rebuilt on open anyway
            }
        }
        if (swapBases.isEmpty()) {
            return new TreeSet<>();
        }
        long from = swapBases.first();
        long to = from;
        for (long base : swapBases) {
            to = Math.max(to, nextOffset(SegmentFiles.file(dir, base, SegmentFiles.LOG + SegmentFiles.SWAP), base));
        }
        // old segments, including ones S2 renamed only in part (their .log gone, an index left)
        for (long base : List.copyOf(anyLiveFile.subSet(from, Math.max(to, from + 1)))) {
            LogSegment.deleteFiles(dir, base);
            liveBases.remove(base);
        }
        for (long base : swapBases) {
            rename(dir, base, SegmentFiles.SWAP, "", "L3", Steps.NONE);
            liveBases.add(base);
        }
        LogManager.fsyncDirectory(dir);
        return swapBases;
    }

    /** The base offset a segment file's name starts with, or -1 if it has no such name. */
    private static long baseOf(String fileName) {
        if (fileName.length() < 20) {
            return -1;
        }
        try {
            return Long.parseLong(fileName.substring(0, 20));
        } catch (NumberFormatException e) {
            return -1;
        }
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
