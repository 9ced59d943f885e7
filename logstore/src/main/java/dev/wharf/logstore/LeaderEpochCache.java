package dev.wharf.logstore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A partition's leader epoch history: for each epoch, the first offset written in it. Replication
 * uses it to answer {@code OffsetForLeaderEpoch}. Checkpointed to {@code leader-epoch-checkpoint}
 * in the partition directory (Kafka's format: version 0, count, then {@code epoch startOffset}
 * lines) on every change.
 *
 * <p>A new epoch is only written by {@link #flush}, which the log calls before it moves its
 * recovery point: an epoch is assigned by the first append in it, on the request's thread, and a
 * synced checkpoint there stalled every partition's first append (10,000 new partitions took 10 s
 * to take one record each). An epoch not yet written starts above the recovery point, so after a
 * crash recovery finds it again in the batches it checks (see {@code LogLoader}). Removals are
 * written and synced at once (they are rare, and follow a truncation). Thread-safe.
 */
public final class LeaderEpochCache {
    static final String FILE_NAME = "leader-epoch-checkpoint";

    /** An epoch and the first offset written in it. */
    public record EpochEntry(int epoch, long startOffset) {}

    /** Answer to OffsetForLeaderEpoch: the largest epoch at most the one asked, and where it ends. */
    public record EpochEndOffset(int epoch, long endOffset) {
        public static final EpochEndOffset UNDEFINED = new EpochEndOffset(-1, -1L);
    }

    private final Path file;
    private final List<EpochEntry> entries = new ArrayList<>();
    /** An epoch was assigned since the checkpoint was last written. */
    private boolean unwritten;

    private LeaderEpochCache(Path file) {
        this.file = file;
    }

    static LeaderEpochCache load(Path partitionDir) throws IOException {
        LeaderEpochCache cache = new LeaderEpochCache(partitionDir.resolve(FILE_NAME));
        if (Files.exists(cache.file)) {
            List<String> lines = Files.readAllLines(cache.file, StandardCharsets.UTF_8);
            if (lines.size() >= 2 && lines.get(0).trim().equals("0")) {
                int n = Integer.parseInt(lines.get(1).trim());
                for (int i = 0; i < n && 2 + i < lines.size(); i++) {
                    String[] parts = lines.get(2 + i).trim().split(" ");
                    cache.entries.add(new EpochEntry(Integer.parseInt(parts[0]), Long.parseLong(parts[1])));
                }
            }
        }
        return cache;
    }

    public synchronized List<EpochEntry> entries() {
        return List.copyOf(entries);
    }

    /** The latest epoch, or -1 when none is known. */
    public synchronized int latestEpoch() {
        return entries.isEmpty() ? -1 : entries.get(entries.size() - 1).epoch();
    }

    /** Records that {@code epoch} starts at {@code startOffset}; older or equal epochs are ignored. */
    public synchronized void assign(int epoch, long startOffset) {
        if (epoch < 0 || epoch <= latestEpoch()) {
            return;
        }
        entries.removeIf(e -> e.startOffset() >= startOffset);
        entries.add(new EpochEntry(epoch, startOffset));
        unwritten = true;
    }

    /** Writes and syncs the checkpoint if an epoch was assigned since it was last written. */
    public synchronized void flush() throws IOException {
        if (unwritten) {
            OffsetCheckpointFile.writeAtomically(file, content());
            unwritten = false;
        }
    }

    /**
     * OffsetForLeaderEpoch, with Kafka's rules: the latest epoch ends at the log end; an older
     * epoch ends where the next higher known epoch starts, answered with the largest known epoch
     * at most the one asked (or the one asked, when it is below every known epoch); an epoch above
     * the latest is {@link EpochEndOffset#UNDEFINED}.
     */
    public synchronized EpochEndOffset endOffsetFor(int epoch, long logEndOffset) {
        if (epoch < 0 || entries.isEmpty()) {
            return EpochEndOffset.UNDEFINED;
        }
        if (epoch == latestEpoch()) {
            return new EpochEndOffset(epoch, logEndOffset);
        }
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).epoch() > epoch) {
                int answered = i == 0 ? epoch : entries.get(i - 1).epoch();
                return new EpochEndOffset(answered, entries.get(i).startOffset());
            }
        }
        return EpochEndOffset.UNDEFINED;
    }

    /** Forgets epochs that start at or after {@code endOffset} (the log was truncated there). */
    public synchronized void truncateFromEnd(long endOffset) {
        if (entries.removeIf(e -> e.startOffset() >= endOffset)) {
            checkpoint();
        }
    }

    /** Forgets every epoch (the log was dropped whole). */
    public synchronized void clear() {
        if (!entries.isEmpty()) {
            entries.clear();
            checkpoint();
        }
    }

    /** The log now starts at {@code startOffset}: earlier epochs go, the one spanning it starts there. */
    public synchronized void truncateFromStart(long startOffset) {
        int spanning = -1;
        for (int i = 0; i < entries.size() && entries.get(i).startOffset() <= startOffset; i++) {
            spanning = i;
        }
        if (spanning < 0 || (spanning == 0 && entries.get(0).startOffset() == startOffset)) {
            return;
        }
        EpochEntry kept = new EpochEntry(entries.get(spanning).epoch(), startOffset);
        entries.subList(0, spanning + 1).clear();
        entries.add(0, kept);
        checkpoint();
    }

    private void checkpoint() {
        try {
            OffsetCheckpointFile.writeAtomically(file, content());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot checkpoint leader epochs to " + file, e);
        }
        unwritten = false;
    }

    private String content() {
        StringBuilder b = new StringBuilder("0\n").append(entries.size()).append('\n');
        for (EpochEntry e : entries) {
            b.append(e.epoch()).append(' ').append(e.startOffset()).append('\n');
        }
        return b.toString();
    }
}
