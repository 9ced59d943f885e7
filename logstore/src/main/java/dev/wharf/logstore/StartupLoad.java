package dev.wharf.logstore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the logs of every log dir at start-up, in parallel, one dir failing alone (KIP-112): an
 * I/O error while preparing or listing a dir, or while opening any log in it (a dir that is a
 * file, unreadable, a segment that cannot be read), puts that dir in {@link #failed} and closes
 * whatever of it had opened; the other dirs load as usual. Errors that are not I/O errors (a log
 * in two dirs, a corrupt log the recovery refuses) still fail the whole start, as before.
 *
 * <p>Runs once, on the thread that starts the {@link LogManager}; the loads run on a pool of its own.
 */
final class StartupLoad {
    private static final Logger log = LoggerFactory.getLogger(StartupLoad.class);

    private record Loading(Path dir, boolean future, Future<PartitionLog> log) {}

    /** The current logs by partition, from the dirs that loaded. */
    final Map<TopicPartition, PartitionLog> current = new LinkedHashMap<>();
    /** The copies being moved (AlterReplicaLogDirs), from the dirs that loaded. */
    final List<PartitionLog> futures = new ArrayList<>();
    /** The dirs that could not be loaded, with the first error met in each. */
    final Map<Path, IOException> failed = new LinkedHashMap<>();

    private final LogConfig defaults;
    private final LogEnvironment env;
    private final List<Loading> loading = new ArrayList<>();

    StartupLoad(LogConfig defaults, LogEnvironment env) {
        this.defaults = defaults;
        this.env = env;
    }

    void load(List<Path> dirs) throws IOException {
        ExecutorService loaders = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
        try {
            for (Path dir : dirs) {
                try {
                    submit(dir, loaders);
                } catch (IOException e) {
                    failed.putIfAbsent(dir, e);
                } catch (UncheckedIOException e) {
                    failed.putIfAbsent(dir, e.getCause());
                }
            }
            List<PartitionLog> opened = new ArrayList<>();
            for (Loading l : loading) {
                try {
                    PartitionLog pl = l.log().get();
                    opened.add(pl);
                    if (failed.containsKey(l.dir())) {
                        continue;
                    }
                    if (l.future()) {
                        futures.add(pl);
                    } else if (current.putIfAbsent(pl.topicPartition(), pl) != null) {
                        throw new IOException("partition " + pl.topicPartition() + " has a log in two log dirs");
                    }
                } catch (ExecutionException e) {
                    IOException io = e.getCause() instanceof UncheckedIOException u ? u.getCause()
                            : e.getCause() instanceof IOException i ? i : null;
                    if (io == null) {
                        throw new IOException("cannot load a log: " + e.getCause(), e.getCause());
                    }
                    failed.putIfAbsent(l.dir(), io);
                }
            }
            for (PartitionLog pl : opened) {
                if (failed.containsKey(LogManager.dirOf(pl))) {
                    closeQuietly(pl); // its dir failed after it opened: nothing of that dir is served
                }
            }
            current.values().removeIf(pl -> failed.containsKey(LogManager.dirOf(pl)));
            futures.removeIf(pl -> failed.containsKey(LogManager.dirOf(pl)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while loading logs", e);
        } finally {
            loaders.shutdown();
        }
        failed.forEach((dir, cause) -> log.error("log dir={} cannot be loaded; it stays offline until a restart", dir, cause));
    }

    /** Prepares one dir and starts loading its logs; an I/O error here fails only this dir. */
    private void submit(Path dir, ExecutorService loaders) throws IOException {
        Files.createDirectories(dir);
        if (!Files.isReadable(dir) || !Files.isWritable(dir)) {
            throw new java.nio.file.AccessDeniedException(dir.toString(), null, "log dir not readable and writable");
        }
        Path marker = dir.resolve(LogManager.CLEAN_SHUTDOWN_FILE);
        boolean clean = Files.exists(marker);
        Map<TopicPartition, Long> recoveryPoints = OffsetCheckpointFile.read(dir.resolve(LogManager.RECOVERY_POINTS_FILE));
        Map<TopicPartition, Long> startOffsets = OffsetCheckpointFile.read(dir.resolve(LogManager.LOG_START_OFFSETS_FILE));
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.filter(Files::isDirectory).toList()) {
                String name = child.getFileName().toString();
                if (name.endsWith(LogManager.DELETE_SUFFIX)) {
                    LogManager.deleteRecursively(child); // a deletion the last run did not finish
                    continue;
                }
                String futureOf = FutureLogs.partitionDirName(name);
                boolean future = futureOf != null;
                TopicPartition tp;
                try {
                    tp = TopicPartition.fromDirName(future ? futureOf : name);
                } catch (IllegalArgumentException e) {
                    log.warn("ignoring directory={} in log dir={}: not a partition", name, dir);
                    continue;
                }
                loading.add(new Loading(dir, future, loaders.submit(() -> PartitionLog.open(child, tp, defaults,
                        recoveryPoints.getOrDefault(tp, 0L), startOffsets.getOrDefault(tp, 0L), clean, env))));
            }
        }
        // From here on a crash is unclean until close() writes the marker again.
        Files.deleteIfExists(marker);
        LogManager.fsyncDirectory(dir);
    }

    private static void closeQuietly(PartitionLog pl) {
        try {
            pl.close();
        } catch (IOException | RuntimeException e) {
            log.debug("closing a log of a failed dir partition={}: {}", pl.topicPartition(), e.toString());
        }
    }
}
