package dev.wharf.server.replica;

import dev.wharf.logstore.LogManager;
import dev.wharf.logstore.LogMover;
import dev.wharf.logstore.PartitionLog;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves replicas between this broker's log dirs without stopping them (AlterReplicaLogDirs, Kafka's
 * ReplicaAlterLogDirsManager): a future log in the target dir, filled by a {@link LogMover} a step
 * at a time on the {@code wharf-log-mover} thread while the replica goes on serving, throttled by
 * {@code replica.alter.log.dirs.io.max.bytes.per.second}, and swapped in under the partition's
 * role lock once caught up ({@link Partition#replaceLog}). A move cut short by a restart resumes:
 * the log manager loads the future log and this picks it up once its partition is open again.
 *
 * <p>Also the {@link StorageEvents} of every partition: an I/O error takes the log's dir offline
 * (the {@link LogManager}, then {@link LogDirFailures}); a truncation cuts the copy back.
 *
 * <p>Threads: {@link #alter} on the I/O pool; steps and swaps on {@code wharf-log-mover}; events on
 * whichever thread met them. Movers live in a concurrent map; each mover serializes its own work.
 */
public final class LogDirMoves implements StorageEvents {
    private static final Logger log = LoggerFactory.getLogger(LogDirMoves.class);
    private static final int STEP_BYTES = 256 * 1024;
    private static final int STEPS_PER_TICK = 16;
    private static final long TICK_MS = 20;
    /** At most this many offsets behind, after a short read, the copy finishes with appends held back. */
    private static final long SWAP_LAG = 1000;

    private final ReplicaManager replicas;
    private final LogManager logs;
    private final ReplicationQuota quota;
    private final Map<TopicPartition, LogMover> movers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wharf-log-mover");
        t.setDaemon(true);
        return t;
    });

    /** Registers as the partitions' storage events: before the replica manager opens any partition. */
    public LogDirMoves(ReplicaManager replicas, LogManager logs, LongSupplier bytesPerSecond) {
        this.replicas = replicas;
        this.logs = logs;
        this.quota = new ReplicationQuota(bytesPerSecond, 11);
        replicas.storageEvents(this);
    }

    public void start() {
        thread.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /** The log dir {@code path} names, if it names one of {@code log.dirs}. */
    public Optional<Path> logDir(String path) {
        Path wanted;
        try {
            wanted = Path.of(path).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) { // a NUL, say: no log dir has a name no path can have
            return Optional.empty();
        }
        return logs.logDirs().stream().filter(d -> d.toAbsolutePath().normalize().equals(wanted)).findFirst();
    }

    /**
     * Moves this broker's replica of {@code tp} to the log dir {@code path} (absolute, as
     * AlterReplicaLogDirs names it). Kafka's answers: LOG_DIR_NOT_FOUND for a dir not in
     * {@code log.dirs}, KAFKA_STORAGE_ERROR for an offline one (or a replica in one), REPLICA_NOT_AVAILABLE for a replica
     * not here (its log is created in that dir when it comes); a replica already there: nothing to do.
     */
    public ErrorCode alter(TopicPartition tp, String path) {
        Optional<Path> target = logDir(path);
        if (target.isEmpty()) {
            return ErrorCode.LOG_DIR_NOT_FOUND;
        }
        if (logs.isOffline(target.get())) {
            return ErrorCode.KAFKA_STORAGE_ERROR;
        }
        Optional<Partition> p = replicas.hosted(tp);
        if (p.isEmpty() && replicas.isOffline(tp)) {
            return ErrorCode.KAFKA_STORAGE_ERROR;
        }
        if (p.isEmpty()) {
            logs.preferDir(tp, target.get());
            return ErrorCode.REPLICA_NOT_AVAILABLE;
        }
        PartitionLog current = p.get().log();
        try {
            synchronized (this) { // one alteration at a time per broker: a second one replaces the first
                if (LogManager.dirOf(current).equals(target.get())) {
                    movers.remove(tp);
                    logs.futureLogs().abandon(tp);
                    return ErrorCode.NONE;
                }
                LogMover existing = movers.get(tp);
                if (existing == null || !LogManager.dirOf(existing.future()).equals(target.get())) {
                    movers.remove(tp);
                    PartitionLog future = logs.futureLogs().create(tp, target.get(), current.config());
                    movers.put(tp, new LogMover(logs, current, future));
                    log.info("moving partition={} from dir={} to dir={}", tp, LogManager.dirOf(current), target.get());
                }
            }
            return ErrorCode.NONE;
        } catch (IOException e) {
            logs.dirFailed(target.get(), e);
            return ErrorCode.KAFKA_STORAGE_ERROR;
        }
    }

    private void tick() {
        for (Map.Entry<TopicPartition, PartitionLog> e : logs.futureLogs().all().entrySet()) {
            replicas.hosted(e.getKey()).ifPresent(p -> movers.computeIfAbsent(e.getKey(),
                    tp -> new LogMover(logs, p.log(), e.getValue())));
        }
        for (Map.Entry<TopicPartition, LogMover> e : movers.entrySet()) {
            try {
                advance(e.getKey(), e.getValue());
            } catch (IOException | RuntimeException failure) {
                log.error("cannot move partition={} to dir={}; giving the move up", e.getKey(),
                        LogManager.dirOf(e.getValue().future()), failure);
                giveUp(e.getKey(), e.getValue());
            }
        }
    }

    private void advance(TopicPartition tp, LogMover mover) throws IOException {
        Optional<Partition> p = replicas.hosted(tp);
        if (p.isEmpty() || p.get().log() != mover.current() || logs.futureLogs().get(tp).orElse(null) != mover.future()) {
            giveUp(tp, mover); // the replica went (deleted, moved away, offline) or the move was replaced
            return;
        }
        boolean nearlyCaughtUp = false;
        for (int i = 0; i < STEPS_PER_TICK && !nearlyCaughtUp; i++) {
            long now = System.currentTimeMillis();
            if (quota.exceeded(now)) {
                return;
            }
            int copied = mover.step(STEP_BYTES);
            quota.record(copied, now);
            // the rest is little (a read stops at a segment's end, so a short read alone does not say so):
            // it is copied with appends held back
            nearlyCaughtUp = mover.caughtUp() || copied < STEP_BYTES / 2 && mover.lag() < SWAP_LAG;
        }
        if (nearlyCaughtUp) {
            p.get().replaceLog(current -> {
                if (current != mover.current()) {
                    throw new IOException("the log of " + tp + " changed during its move");
                }
                return mover.finish();
            });
            movers.remove(tp, mover);
            log.info("moved partition={} to dir={}", tp, LogManager.dirOf(p.get().log()));
        }
    }

    private void giveUp(TopicPartition tp, LogMover mover) {
        if (movers.remove(tp, mover) && logs.futureLogs().get(tp).orElse(null) == mover.future()) {
            try {
                logs.futureLogs().abandon(tp);
            } catch (IOException e) {
                log.warn("cannot delete the future log of partition={}", tp, e);
            }
        }
    }

    @Override
    public void ioFailed(PartitionLog failed, IOException e) {
        logs.logFailed(failed, e);
    }

    @Override
    public void truncated(Partition partition) {
        LogMover mover = movers.get(partition.topicPartition());
        if (mover != null && mover.current() == partition.log()) {
            try {
                mover.currentTruncated();
            } catch (IOException e) {
                logs.dirFailed(LogManager.dirOf(mover.future()), e);
            }
        }
    }

    public void close() {
        thread.shutdown(); // no interrupt: one in the middle of file I/O would close the log's shared channel
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
