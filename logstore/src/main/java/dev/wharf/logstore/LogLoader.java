package dev.wharf.logstore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the segments of a partition directory for {@link PartitionLog#open}: clears what
 * interrupted operations left ({@code .deleted}, {@code .tmp} files), undoes or completes an
 * interrupted segment swap ({@code .cleaned} and {@code .swap} files, see {@link SegmentSwap}) and
 * opens the segments it swapped in with recovery, and after an unclean
 * shutdown checks the segments from the one holding the recovery point on, batch by batch, cutting
 * the log at the first bad one. Then, once the log is built on those segments, brings in step what
 * is derived from the batches ({@link #loadState}). Runs before the log is visible to anyone.
 */
final class LogLoader {
    private static final Logger log = LoggerFactory.getLogger(LogLoader.class);

    /** The segments opened, oldest first (the last one active), and the offsets they give. */
    /**
     * What {@link #load} found; {@code recoveredEpochs}: where each leader epoch starts in the
     * batches recovery checked (the checkpoint may lack those written since the last flush).
     */
    record Loaded(List<LogSegment> segments, long logStartOffset, long logEndOffset,
            List<LeaderEpochCache.EpochEntry> recoveredEpochs) {}

    private LogLoader() {}

    static Loaded load(Path dir, TopicPartition tp, LogConfig config, long checkpointedRecoveryPoint,
            long checkpointedStart, boolean clean, FileHandles handles, LongSupplier clock) throws IOException {
        if (Files.notExists(dir)) {
            // a new partition: nothing on disk to recover, so no listing (creating 10,000 partitions listed each twice)
            Files.createDirectories(dir);
            return empty(dir, config, checkpointedStart, handles, clock);
        }
        TreeSet<Long> bases = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(SegmentFiles.DELETED) || name.endsWith(SegmentFiles.TMP)) {
                    Files.deleteIfExists(f); // left over from an operation the crash interrupted
                    continue;
                }
                SegmentFiles.baseOffset(name, SegmentFiles.LOG).ifPresent(bases::add);
            }
        }
        // .cleaned and .swap files: an interrupted segment swap, undone or completed
        Set<Long> swapped = SegmentSwap.completeInterrupted(dir, bases);
        if (!swapped.isEmpty()) {
            log.warn("completed an interrupted segment swap partition={} swapped={}", tp, swapped);
        }
        if (bases.isEmpty()) {
            return empty(dir, config, checkpointedStart, handles, clock);
        }
        return openSegments(dir, tp, config, new ArrayList<>(bases), swapped, checkpointedRecoveryPoint,
                checkpointedStart, clean, handles);
    }

    /** A log with no records: one empty segment at the checkpointed start, or 0. */
    private static Loaded empty(Path dir, LogConfig config, long checkpointedStart, FileHandles handles, LongSupplier clock)
            throws IOException {
        long start = Math.max(0, checkpointedStart);
        return new Loaded(List.of(LogSegment.create(dir, start, config, clock.getAsLong(), handles)), start, start, List.of());
    }

    /**
     * The second step of {@link PartitionLog#open}: cuts the epoch history to the log's offsets and
     * adds the epochs found in recovered batches, loads the producer state from its snapshot if that
     * was taken at the log end, else rebuilds it from the batch headers, and rebuilds the
     * transaction index of every segment recovered (see {@link LogSegments#reindexIfRecovered}).
     */
    static void loadState(Path dir, LogSegments segments, LogOffsets offsets, LeaderEpochCache epochs,
            List<LeaderEpochCache.EpochEntry> recoveredEpochs, ProducerStateTable producers, LongSupplier clock)
            throws IOException {
        long start = offsets.start();
        long end = offsets.end();
        epochs.truncateFromEnd(end);
        for (LeaderEpochCache.EpochEntry e : recoveredEpochs) {
            epochs.assign(e.epoch(), e.startOffset()); // those the checkpoint already has are ignored
        }
        epochs.flush(); // the loaded log counts as flushed to its end (its recovery point)
        epochs.truncateFromStart(start);
        offsets.setLatestEpoch(epochs.latestEpoch());
        List<LogSegment> recovered = segments.list().stream().filter(LogSegment::txnIndexStale).toList();
        if (!producers.load(dir, end)) {
            long now = clock.getAsLong();
            SegmentSearch.forEachBatch(segments.map(), start, end, b -> {
                producers.replay(b, now);
                segments.reindexIfRecovered(producers.replayTransaction(b));
            });
        } else if (!recovered.isEmpty()) {
            // the recovered indexes need the transactions as of each marker, which the snapshot is not
            ProducerStateTable replayed = new ProducerStateTable();
            SegmentSearch.forEachBatch(segments.map(), start, end,
                    b -> segments.reindexIfRecovered(replayed.replayTransaction(b)));
        }
        recovered.forEach(s -> s.setTxnIndexStale(false));
    }

    /** Opens {@code bases}; those in {@code swapped} with recovery (their index files may be half renamed). */
    private static Loaded openSegments(Path dir, TopicPartition tp, LogConfig config, List<Long> bases,
            Set<Long> swapped, long checkpointedRecoveryPoint, long checkpointedStart, boolean clean,
            FileHandles handles) throws IOException {
        long recoverFrom = Long.MIN_VALUE;
        for (long b : bases) {
            if (b <= checkpointedRecoveryPoint) {
                recoverFrom = b;
            }
        }
        List<LogSegment> segments = new ArrayList<>();
        List<LeaderEpochCache.EpochEntry> epochStarts = new ArrayList<>();
        long expected = bases.get(0);
        int truncatedBytes = 0;
        for (int i = 0; i < bases.size(); i++) {
            long base = bases.get(i);
            boolean last = i == bases.size() - 1;
            boolean recover = (!clean && (base >= recoverFrom || last)) || swapped.contains(base);
            if (truncatedBytes > 0) {
                // everything after a cut is unreachable: drop it
                LogSegment.deleteFiles(dir, base);
                continue;
            }
            LogSegment segment = LogSegment.open(dir, base, config, last, recover, handles);
            if (recover) {
                truncatedBytes = segment.recover(expected, (epoch, offset) -> {
                    if (epoch > (epochStarts.isEmpty() ? -1 : epochStarts.get(epochStarts.size() - 1).epoch())) {
                        epochStarts.add(new LeaderEpochCache.EpochEntry(epoch, offset));
                    }
                });
                if (truncatedBytes > 0) {
                    log.warn("recovered partition={} segment={} truncatedBytes={}", tp, base, truncatedBytes);
                }
                if (!last && truncatedBytes == 0) {
                    segment.seal();
                }
            }
            segments.add(segment);
            expected = segment.nextOffset();
        }
        int lastIndex = segments.size() - 1;
        LogSegment lastSegment = segments.get(lastIndex);
        if (truncatedBytes > 0 && lastSegment.baseOffset() != bases.get(bases.size() - 1)) {
            // the active segment was deleted: reopen the last kept one as active
            lastSegment.close();
            lastSegment = LogSegment.open(dir, lastSegment.baseOffset(), config, true, false, handles);
            lastSegment.setTxnIndexStale(true); // recovered above: its transaction index awaits the rebuild
            segments.set(lastIndex, lastSegment);
        }
        long logEnd = lastSegment.nextOffset();
        if (!clean) {
            // what recovery kept is made durable once, from the checkpointed recovery point on
            long recoveryPoint = Math.min(Math.max(checkpointedRecoveryPoint, 0), logEnd);
            for (int i = 0; i < segments.size(); i++) {
                boolean holdsOrFollows = i == lastIndex || segments.get(i + 1).baseOffset() > recoveryPoint;
                if (holdsOrFollows) {
                    segments.get(i).flush();
                }
            }
        }
        long start = Math.min(Math.max(checkpointedStart, segments.get(0).baseOffset()), logEnd);
        return new Loaded(segments, start, logEnd, epochStarts);
    }
}
