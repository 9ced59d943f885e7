package dev.wharf.logstore;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every partition log under {@code log.dirs}: opens them all at start-up (in parallel, recovering
 * after an unclean shutdown), creates and deletes logs, runs retention and time-based flushes on a
 * schedule, checkpoints recovery points and log start offsets, and on close flushes everything and
 * leaves a clean-shutdown marker so the next start skips recovery.
 *
 * <p>Per log directory: {@code .wharf_cleanshutdown} (marker), {@code recovery-point-offset-checkpoint}
 * and {@code log-start-offset-checkpoint} (see {@link OffsetCheckpointFile}), and one directory per
 * partition: {@code <topic>-<partition>} for the current log, {@code <topic>-<partition>.<uuid>-future}
 * for a copy being moved here from another log dir (AlterReplicaLogDirs; resumed after a restart:
 * {@link FutureLogs}), {@code <topic>-<partition>.<uuid>-delete} for one being deleted.
 *
 * <p>Log dirs fail one by one (KIP-112): {@link #dirFailed} forgets the logs of a dir whose disk
 * failed; the others go on. A dir that cannot be read at start-up starts offline the same way
 * ({@link StartupLoad}). Their files stay open until the process ends, as in Kafka. Thread-safe.
 */
public final class LogManager implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(LogManager.class);
    static final String CLEAN_SHUTDOWN_FILE = ".wharf_cleanshutdown";
    static final String RECOVERY_POINTS_FILE = "recovery-point-offset-checkpoint";
    static final String LOG_START_OFFSETS_FILE = "log-start-offset-checkpoint";
    static final String DELETE_SUFFIX = "-delete";
    public static final int DEFAULT_MAX_OPEN_FILES = 4096;

    private final List<Path> logDirs;
    private final LogConfig defaults;
    private final LongSupplier clock;
    private final long retentionCheckIntervalMs;
    private final ConcurrentHashMap<TopicPartition, PartitionLog> logs = new ConcurrentHashMap<>();
    private final FutureLogs futureLogs;
    private final Set<Path> offlineDirs = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<TopicPartition, Path> preferredDirs = new ConcurrentHashMap<>(); // AlterReplicaLogDirs ahead of the log
    private volatile java.util.function.BiConsumer<Path, Exception> dirFailureListener = (d, e) -> {};
    private final ScheduledThreadPoolExecutor scheduler;
    /** Deletions waiting out {@code file.delete.delay.ms}; close() runs them at once. */
    private final Set<Runnable> pendingDeletes = ConcurrentHashMap.newKeySet();
    private final FileHandles handles;
    private final LogEnvironment env;
    private volatile java.util.function.LongConsumer flushed = ms -> { };
    private final Object checkpointLock = new Object();
    private volatile LogCleaner cleaner; // set once by startCleaner; null while compaction does not run
    private volatile boolean closed;

    /** @param retentionCheckIntervalMs {@code log.retention.check.interval.ms}: how often retention and time-based flushes run */
    public LogManager(List<Path> logDirs, LogConfig defaults, long retentionCheckIntervalMs, LongSupplier clock) {
        this(logDirs, defaults, retentionCheckIntervalMs, clock, DEFAULT_MAX_OPEN_FILES);
    }

    /** @param maxOpenFiles how many sealed segments may have an open file at once */
    public LogManager(List<Path> logDirs, LogConfig defaults, long retentionCheckIntervalMs, LongSupplier clock,
            int maxOpenFiles) {
        if (logDirs.isEmpty()) {
            throw new IllegalArgumentException("log.dirs is empty");
        }
        this.logDirs = List.copyOf(logDirs);
        this.defaults = defaults;
        this.clock = clock;
        this.retentionCheckIntervalMs = retentionCheckIntervalMs;
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "wharf-log-manager");
            t.setDaemon(true);
            return t;
        });
        this.scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.handles = new FileHandles(maxOpenFiles);
        this.env = new LogEnvironment(clock, this::deleteLater, handles, ms -> flushed.accept(ms));
        this.futureLogs = new FutureLogs(this, logs, env);
    }

    public FileHandles fileHandles() { // the open-file pool of sealed segments
        return handles;
    }

    /** From now on, tells {@code listener} how long (ms) each flush of a log took; it must not block. */
    public void onFlush(java.util.function.LongConsumer listener) {
        this.flushed = listener;
    }

    /**
     * Opens every log found under the log directories and starts the background tasks. A dir that
     * cannot be read (an I/O error preparing, listing or opening a log in it) starts offline, alone
     * (KIP-112): see {@link #offlineDirs}. Fails only when no dir can be loaded, as Kafka halts then.
     */
    public void startup() throws IOException {
        StartupLoad load = new StartupLoad(defaults, env);
        load.load(logDirs);
        offlineDirs.addAll(load.failed.keySet()); // close() then writes nothing into them
        if (load.failed.size() == logDirs.size()) {
            IOException all = new IOException("no log dir can be loaded: " + load.failed.keySet());
            load.failed.values().forEach(all::addSuppressed);
            throw all;
        }
        logs.putAll(load.current);
        for (PartitionLog future : load.futures) {
            if (!offlineDirs.isEmpty() && !logs.containsKey(future.topicPartition())) {
                // its current log may be in the offline dir: promoting the copy could lose data
                log.warn("keeping the future log of partition={} on disk, unloaded: a log dir is offline", future.topicPartition());
                future.close();
                continue;
            }
            futureLogs.loaded(future, defaults);
        }
        log.info("loaded logs={} dirs={} offline={}", logs.size(), logDirs, offlineDirs);
        scheduler.scheduleWithFixedDelay(this::backgroundWork, retentionCheckIntervalMs, retentionCheckIntervalMs,
                TimeUnit.MILLISECONDS);
    }

    private void backgroundWork() {
        for (PartitionLog pl : logs.values()) {
            try {
                pl.deleteRetainedSegments();
                pl.flushIfDue();
            } catch (IOException e) {
                dirFailed(pl.dir().getParent(), e);
            } catch (UncheckedIOException e) {
                dirFailed(pl.dir().getParent(), e.getCause());
            } catch (RuntimeException e) {
                log.error("log maintenance failed partition={}", pl.topicPartition(), e); // the others go on
            }
        }
        try {
            checkpoint();
        } catch (IOException | RuntimeException e) {
            log.error("checkpoint failed", e);
        }
    }

    public Optional<PartitionLog> get(TopicPartition tp) {
        return Optional.ofNullable(logs.get(tp));
    }

    /** A snapshot of every log, unmodifiable; linear in the number of logs (see {@link #snapshot}). */
    public Map<TopicPartition, PartitionLog> all() {
        return snapshot(logs);
    }

    /** Not {@code Map.copyOf}: its probing on a topic set's neighbouring hash codes made 10,000 logs a 0.1-0.4 s copy. */
    static <K, V> Map<K, V> snapshot(Map<K, V> map) {
        return java.util.Collections.unmodifiableMap(new HashMap<>(map));
    }

    /** The log of {@code tp}, created (in the log dir holding the fewest) if it does not exist. */
    public PartitionLog getOrCreate(TopicPartition tp, LogConfig config) {
        if (closed) {
            throw new IllegalStateException("the log manager is closed");
        }
        return logs.computeIfAbsent(tp, k -> {
            Path preferred = preferredDirs.remove(tp);
            Path dir = (preferred != null && !isOffline(preferred) ? preferred : leastLoadedDir()).resolve(tp.dirName());
            try {
                return PartitionLog.open(dir, tp, config, 0L, 0L, true, env);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create log " + dir, e);
            }
        });
    }

    public PartitionLog getOrCreate(TopicPartition tp) {
        return getOrCreate(tp, defaults);
    }

    private Path leastLoadedDir() {
        List<Path> online = onlineDirs();
        if (online.size() == 1) { // nothing to balance: counting every log for each new one made 10,000 creations quadratic
            return online.get(0);
        }
        Map<Path, Integer> counts = new HashMap<>();
        online.forEach(d -> counts.put(d, 0));
        for (PartitionLog pl : logs.values()) {
            counts.computeIfPresent(pl.dir().getParent(), (d, n) -> n + 1);
        }
        return online.stream().min(Comparator.comparing(counts::get))
                .orElseThrow(() -> new UncheckedIOException(new IOException("every log dir is offline")));
    }

    public List<Path> logDirs() { // in log.dirs order
        return logDirs;
    }

    /** The log dirs not marked offline. */
    public List<Path> onlineDirs() {
        return logDirs.stream().filter(d -> !offlineDirs.contains(d)).toList();
    }

    /** The log dirs offline: failed at run time or unreadable at start-up (until a restart). */
    public Set<Path> offlineDirs() {
        return Set.copyOf(offlineDirs);
    }

    public boolean isOffline(Path dir) {
        return offlineDirs.contains(dir);
    }

    /** The configured log dir holding {@code pl} (its partition directory's parent). */
    public static Path dirOf(PartitionLog pl) {
        return pl.dir().getParent();
    }

    /** Told (once per dir, on the thread that met the error) when a log dir goes offline. */
    public void onDirFailure(java.util.function.BiConsumer<Path, Exception> listener) {
        this.dirFailureListener = listener;
    }

    /**
     * An I/O error hit {@code dir}: takes it offline (once) and tells the listener. Whoever meets
     * an I/O error on a log calls this with the log's dir; returns whether the dir went offline now.
     */
    public boolean dirFailed(Path dir, Exception cause) {
        if (!logDirs.contains(dir) || !offlineDirs.add(dir)) {
            return false;
        }
        log.error("log dir={} is offline after an I/O error; its partitions go offline here", dir, cause);
        logs.values().removeIf(pl -> dirOf(pl).equals(dir));
        futureLogs.dropIn(dir);
        dirFailureListener.accept(dir, cause);
        return true;
    }

    /**
     * An I/O error hit {@code failed}: its dir goes offline (see {@link #dirFailed}) if this
     * manager still holds that log, current or future. A log already deleted or moved away is not
     * a failed disk (a read that found it just before its files went): the error is only logged.
     * Returns whether the dir went offline now.
     */
    public boolean logFailed(PartitionLog failed, Exception cause) {
        TopicPartition tp = failed.topicPartition();
        if (logs.get(tp) != failed && futureLogs.get(tp).orElse(null) != failed) {
            log.warn("ignoring an I/O error on a log no longer held partition={} dir={}: {}", tp, dirOf(failed),
                    cause.toString());
            return false;
        }
        return dirFailed(dirOf(failed), cause);
    }

    /** Creates the log of {@code tp}, when it comes, in {@code dir} rather than in the least loaded dir. */
    public void preferDir(TopicPartition tp, Path dir) {
        preferredDirs.put(tp, dir);
    }

    /** The copies of partitions being moved to another of these log dirs (AlterReplicaLogDirs). */
    public FutureLogs futureLogs() {
        return futureLogs;
    }

    /**
     * Removes the log of {@code tp}: its directory is renamed {@code <name>.<id>-delete} at once (a
     * restart finishes the deletion) and removed after {@code file.delete.delay.ms}.
     */
    public void delete(TopicPartition tp) throws IOException {
        PartitionLog pl = logs.remove(tp);
        if (pl == null) {
            return;
        }
        deleteDir(pl);
        futureLogs.abandon(tp);
    }

    /**
     * Starts the log cleaner on the compacted logs ({@code cleanup.policy=compact}); after
     * {@link #startup()}, once.
     */
    public void startCleaner(CleanerConfig config) {
        LogCleaner c = new LogCleaner(config, logs::values, clock);
        cleaner = c;
        c.startup();
    }

    /** Stops the log cleaner (its rounds end at their next batch) and starts it again with {@code config}. */
    public synchronized void restartCleaner(CleanerConfig config) {
        LogCleaner old = cleaner;
        if (old != null) {
            old.close();
        }
        if (!closed) {
            startCleaner(config);
        }
        log.info("log cleaner restarted threads={} enabled={}", config.threads(), config.enabled());
    }

    /** The log cleaner, once started. */
    public Optional<LogCleaner> cleaner() {
        return Optional.ofNullable(cleaner);
    }

    /** Closes a log and renames its directory {@code -delete}; the files go after {@code file.delete.delay.ms}. */
    void deleteDir(PartitionLog pl) throws IOException {
        LogCleaner c = cleaner;
        if (c != null) {
            c.abort(pl.topicPartition()); // no round may write into the directory from here on
            c.forget(pl.dir().getParent(), pl.topicPartition());
        }
        pl.closeForDeletion();
        Path dir = pl.dir();
        Path doomed = dir.resolveSibling(dir.getFileName() + "." + java.util.UUID.randomUUID().toString().replace("-", "")
                + DELETE_SUFFIX);
        Files.move(dir, doomed, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        fsyncDirectory(dir.getParent());
        deleteLater(() -> {
            try {
                deleteRecursively(doomed);
            } catch (IOException e) {
                log.error("cannot delete directory={}", doomed, e);
            }
        });
    }

    /** Runs retention on every log now (also runs on the schedule). Returns the segments deleted. */
    public int runRetention() throws IOException {
        int deleted = 0;
        for (PartitionLog pl : logs.values()) {
            deleted += pl.deleteRetainedSegments();
        }
        return deleted;
    }

    /**
     * Forgets, in every log, the idempotent producers idle for {@code expirationMs}
     * (producer.id.expiration.ms) at broker time {@code nowMs}; returns how many entries went.
     */
    public int expireProducers(long nowMs, long expirationMs) {
        return logs.values().stream().mapToInt(pl -> pl.expireProducers(nowMs, expirationMs)).sum();
    }

    /** Writes the recovery point and log start offset checkpoints of every log dir. */
    public void checkpoint() throws IOException {
        synchronized (checkpointLock) {
            for (Path dir : onlineDirs()) {
                Map<TopicPartition, Long> recovery = new HashMap<>();
                Map<TopicPartition, Long> starts = new HashMap<>();
                for (PartitionLog pl : logs.values()) {
                    if (pl.dir().getParent().equals(dir)) {
                        recovery.put(pl.topicPartition(), pl.recoveryPoint());
                        starts.put(pl.topicPartition(), pl.logStartOffset());
                    }
                }
                try {
                    OffsetCheckpointFile.write(dir.resolve(RECOVERY_POINTS_FILE), recovery);
                    OffsetCheckpointFile.write(dir.resolve(LOG_START_OFFSETS_FILE), starts);
                } catch (IOException e) {
                    dirFailed(dir, e);
                }
            }
        }
    }

    /**
     * Closes and deletes a segment's files after {@code file.delete.delay.ms}. Slices already read
     * keep the file open by reference whatever the delay; the delay is for lock-free reads that
     * found the segment before it was unlinked and have not opened its file yet.
     */
    private void deleteLater(Runnable closeAndDelete) {
        long delay = defaults.fileDeleteDelayMs();
        if (closed || delay == 0) {
            closeAndDelete.run();
            return;
        }
        Runnable once = new Runnable() {
            @Override
            public void run() {
                if (pendingDeletes.remove(this)) {
                    closeAndDelete.run();
                }
            }
        };
        pendingDeletes.add(once);
        scheduler.schedule(once, delay, TimeUnit.MILLISECONDS);
    }

    /** Flushes and closes every log, writes the checkpoints and the clean-shutdown marker. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        LogCleaner c = cleaner;
        if (c != null) {
            c.close(); // rounds stop at their next batch; their .cleaned files go
        }
        // no interrupts: an interrupted thread in the middle of file I/O closes the shared channel
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(60, TimeUnit.SECONDS)) {
                log.warn("log maintenance still running at shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Runnable pending : List.copyOf(pendingDeletes)) {
            pending.run(); // nothing reads the deleted segments any more
        }
        for (PartitionLog pl : futureLogs.toClose()) {
            closeOrFail(pl); // resumed at the next start
        }
        for (PartitionLog pl : List.copyOf(logs.values())) {
            closeOrFail(pl);
        }
        checkpoint();
        handles.close();
        for (Path dir : onlineDirs()) {
            Files.writeString(dir.resolve(CLEAN_SHUTDOWN_FILE), "");
            fsyncDirectory(dir);
        }
        log.info("closed logs={}", logs.size());
    }

    private void closeOrFail(PartitionLog pl) {
        try {
            pl.close();
        } catch (IOException e) {
            dirFailed(dirOf(pl), e);
        }
    }

    /** Makes a directory's entries (created, renamed, deleted files) durable. */
    static void fsyncDirectory(Path dir) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dir, java.nio.file.StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
