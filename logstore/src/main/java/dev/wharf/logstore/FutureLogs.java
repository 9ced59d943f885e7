package dev.wharf.logstore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The future logs of a {@link LogManager}: copies of partitions being moved to another of its log
 * dirs (AlterReplicaLogDirs), each in {@code <topic>-<partition>.<uuid>-future} in the target dir,
 * filled by a {@link LogMover}. Kept across restarts: start-up loads them again so the move
 * resumes, and one whose current log is gone (the swap was cut short after the old log was renamed
 * away) is completed then.
 *
 * <p>Threads: any; the map is concurrent and {@link #create} is serialized.
 */
public final class FutureLogs {
    private static final Logger log = LoggerFactory.getLogger(FutureLogs.class);
    static final String SUFFIX = "-future";

    private final LogManager manager;
    private final Map<TopicPartition, PartitionLog> current;
    private final LogEnvironment env;
    private final ConcurrentHashMap<TopicPartition, PartitionLog> futures = new ConcurrentHashMap<>();

    FutureLogs(LogManager manager, Map<TopicPartition, PartitionLog> current, LogEnvironment env) {
        this.manager = manager;
        this.current = current;
        this.env = env;
    }

    /** The partition a future log's directory name ({@code <topic>-<partition>.<uuid>-future}) belongs to, or null. */
    static String partitionDirName(String name) {
        return name.endsWith(SUFFIX) && name.lastIndexOf('.') > 0 ? name.substring(0, name.lastIndexOf('.')) : null;
    }

    /** A future log found at start-up, after the current logs: resumed, or completed if its current log is gone. */
    void loaded(PartitionLog future, LogConfig defaults) throws IOException {
        TopicPartition tp = future.topicPartition();
        if (current.containsKey(tp)) {
            futures.put(tp, future);
            log.info("resuming the move of partition={} to dir={}", tp, LogManager.dirOf(future));
            return;
        }
        log.info("completing the move of partition={} to dir={}", tp, LogManager.dirOf(future));
        current.put(tp, renameAndReopen(future, defaults, future.logStartOffset()));
    }

    /** The copies being moved, by partition. */
    public Map<TopicPartition, PartitionLog> all() {
        return Map.copyOf(futures);
    }

    public Optional<PartitionLog> get(TopicPartition tp) {
        return Optional.ofNullable(futures.get(tp));
    }

    /**
     * Starts moving {@code tp}'s log to {@code dir}: an empty future log there (or the one already
     * moving there). A move to another dir replaces an unfinished one.
     */
    public synchronized PartitionLog create(TopicPartition tp, Path dir, LogConfig config) throws IOException {
        PartitionLog existing = futures.get(tp);
        if (existing != null) {
            if (LogManager.dirOf(existing).equals(dir)) {
                return existing;
            }
            abandon(tp);
        }
        Path child = dir.resolve(tp.dirName() + "." + UUID.randomUUID().toString().replace("-", "") + SUFFIX);
        PartitionLog future = PartitionLog.open(child, tp, config, 0L, 0L, true, env);
        futures.put(tp, future);
        return future;
    }

    /** Drops the future log of {@code tp} (a move given up or replaced, a partition deleted). */
    public void abandon(TopicPartition tp) throws IOException {
        PartitionLog future = futures.remove(tp);
        if (future != null) {
            manager.deleteDir(future);
        }
    }

    /** Forgets the future logs in a failed dir, and those whose current log went with one. */
    void dropIn(Path dir) {
        futures.values().removeIf(pl -> LogManager.dirOf(pl).equals(dir) || !current.containsKey(pl.topicPartition()));
    }

    /**
     * The move's last step, while nothing appends to {@code tp} (its partition holds appends
     * back): the future log, caught up, becomes the log of {@code tp}, reopened under the plain
     * partition name in its dir, starting at {@code logStartOffset}; the old log is deleted. Crash
     * safety follows Kafka's order: the future dir is renamed first, then the old one to
     * {@code -delete} (a crash between leaves two logs, which start-up refuses, as Kafka does).
     * Returns the new current log.
     */
    PartitionLog replaceCurrent(TopicPartition tp, long logStartOffset) throws IOException {
        PartitionLog future = futures.remove(tp);
        PartitionLog old = current.get(tp);
        if (future == null || old == null) {
            throw new IllegalStateException("no move under way for " + tp);
        }
        PartitionLog moved = renameAndReopen(future, old.config(), Math.max(logStartOffset, future.logStartOffset()));
        current.put(tp, moved);
        manager.deleteDir(old);
        manager.checkpoint();
        return moved;
    }

    private PartitionLog renameAndReopen(PartitionLog future, LogConfig config, long logStartOffset) throws IOException {
        TopicPartition tp = future.topicPartition();
        future.close(); // flushed, with its producer state snapshot: the reopen is a clean one
        Path target = LogManager.dirOf(future).resolve(tp.dirName());
        Files.move(future.dir(), target, StandardCopyOption.ATOMIC_MOVE);
        LogManager.fsyncDirectory(target.getParent());
        return PartitionLog.open(target, tp, config, future.logEndOffset(), logStartOffset, true, env);
    }

    /** The future logs, to close at shutdown (they resume at the next start). */
    List<PartitionLog> toClose() {
        return List.copyOf(futures.values());
    }
}
