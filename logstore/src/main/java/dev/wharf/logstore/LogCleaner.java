package dev.wharf.logstore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log cleaner: {@code log.cleaner.threads} threads ({@code wharf-log-cleaner-N}) that each
 * pick the dirtiest compacted log that is due ({@link CleanableRange}), clean it ({@link Cleaner})
 * and record how far ({@link CleanerCheckpoints}), and sleep {@code log.cleaner.backoff.ms} when
 * no log is due. Each thread's key map and buffers are allocated when it first cleans, and the
 * map only as large as the logs it cleans need (up to its share of the dedupe buffer), so a
 * broker with small or no compacted topics does not pay for the whole buffer.
 *
 * <p>Threads: the cleaner threads, plus callers of {@link #abort} (a log being deleted or moved
 * waits until no round runs on it) and {@link #close}. The set of logs in a round and the stop
 * requests are guarded by this object's monitor, never held during I/O; a round takes only its
 * log's lock, and only to snapshot it and to swap.
 */
public final class LogCleaner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogCleaner.class);

    private final CleanerConfig config;
    private final Supplier<Collection<PartitionLog>> logs;
    private final LongSupplier clock;
    private final CleanerCheckpoints checkpoints = new CleanerCheckpoints();
    private final IoThrottler throttle;
    private final List<Thread> threads = new ArrayList<>();
    /** Guarded by this. */
    private final Set<TopicPartition> inProgress = new HashSet<>();
    /** Logs whose round must stop (being deleted or moved). Guarded by this. */
    private final Set<TopicPartition> aborting = new HashSet<>();
    /** Logs whose cleaning failed unexpectedly: skipped until restart, as in Kafka. Guarded by this. */
    private final Set<TopicPartition> uncleanable = new HashSet<>();
    private final AtomicLong rounds = new AtomicLong();
    private final AtomicLong bytesReclaimed = new AtomicLong();
    private boolean stopping;

    /** {@code logs}: the logs to consider, asked afresh before each choice. */
    public LogCleaner(CleanerConfig config, Supplier<Collection<PartitionLog>> logs, LongSupplier clock) {
        this.config = config;
        this.logs = logs;
        this.clock = clock;
        this.throttle = new IoThrottler(config.ioMaxBytesPerSecond());
    }

    /** Starts the threads (none when {@code log.cleaner.enable=false}). */
    public synchronized void startup() {
        if (!config.enabled()) {
            return;
        }
        for (int i = 0; i < config.threads(); i++) {
            Thread t = new Thread(this::run, "wharf-log-cleaner-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** Rounds completed so far. */
    public long rounds() {
        return rounds.get();
    }

    /** Bytes the rounds so far took off the logs' sizes. */
    public long bytesReclaimed() {
        return bytesReclaimed.get();
    }

    /** Where {@code log}'s clean part ends (-1: never cleaned): every record below it has been through a round. */
    public long cleanedUpTo(PartitionLog pl) {
        return checkpoints.get(pl.dir().getParent(), pl.topicPartition());
    }

    /** Stops a round on {@code tp} if one runs, waiting until it has; the log is about to be deleted or replaced. */
    public synchronized void abort(TopicPartition tp) {
        if (!inProgress.contains(tp)) {
            return;
        }
        aborting.add(tp);
        boolean interrupted = false;
        while (inProgress.contains(tp)) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Forgets {@code tp}'s checkpoint in {@code logDir} (its log there was deleted). */
    public void forget(Path logDir, TopicPartition tp) throws IOException {
        checkpoints.remove(logDir, tp);
    }

    /** Stops every round at its next batch and waits for the threads. */
    @Override
    public void close() {
        List<Thread> running;
        synchronized (this) {
            stopping = true;
            notifyAll();
            running = List.copyOf(threads);
        }
        for (Thread t : running) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void run() {
        Cleaner cleaner = null;
        while (true) {
            synchronized (this) {
                if (stopping) {
                    return;
                }
            }
            Candidate c = choose();
            if (c == null) {
                backOff();
                continue;
            }
            try {
                if (cleaner == null) {
                    cleaner = new Cleaner(config.mapBytesPerThread(), config.loadFactor(),
                            config.readBufferBytesPerThread(), throttle, clock);
                }
                cleanOne(cleaner, c);
            } finally {
                done(c.log.topicPartition());
            }
        }
    }

    private record Candidate(PartitionLog log, CleaningSnapshot snapshot, CleanableRange range) {}

    /** The due log with the highest dirty ratio, marked in progress; null when none. */
    private Candidate choose() {
        long now = clock.getAsLong();
        Candidate best = null;
        for (PartitionLog pl : logs.get()) {
            if (!pl.config().compaction().compact() || skipped(pl.topicPartition())) {
                continue;
            }
            try {
                CleaningSnapshot snapshot = pl.cleaningSnapshot();
                CleanableRange range = CleanableRange.of(snapshot, cleanedUpTo(pl), now);
                if (range.due(snapshot.config().compaction())
                        && (best == null || range.dirtyRatio() > best.range.dirtyRatio())) {
                    best = new Candidate(pl, snapshot, range);
                }
            } catch (IOException | RuntimeException e) {
                log.debug("cannot size log for cleaning partition={}: {}", pl.topicPartition(), e.toString());
            }
        }
        if (best == null) {
            return null;
        }
        synchronized (this) {
            return !stopping && !skipped(best.log.topicPartition()) && inProgress.add(best.log.topicPartition())
                    ? best : null;
        }
    }

    private synchronized boolean skipped(TopicPartition tp) {
        return inProgress.contains(tp) || uncleanable.contains(tp);
    }

    private void cleanOne(Cleaner cleaner, Candidate c) {
        TopicPartition tp = c.log.topicPartition();
        try {
            long started = System.nanoTime();
            Cleaner.Result r = cleaner.clean(c.log, c.snapshot, c.range, () -> checkAborted(tp));
            if (r == null) {
                log.debug("cleaning gave way to a change of the log partition={}", tp);
                return;
            }
            if (r.endOffset() <= c.range.firstDirty()) {
                log.error("the cleaner's key map cannot hold one batch of partition={}: raise "
                        + "log.cleaner.dedupe.buffer.size; the log stays uncleaned", tp);
                markUncleanable(tp);
                return;
            }
            checkpoints.update(c.log.dir().getParent(), tp, r.endOffset());
            rounds.incrementAndGet();
            bytesReclaimed.addAndGet(r.bytesBefore() - r.bytesAfter());
            log.info("cleaned partition={} upTo={} segments={} bytes={}->{} dirtyRatio={} ms={}", tp, r.endOffset(),
                    r.segmentsReplaced(), r.bytesBefore(), r.bytesAfter(), String.format("%.2f", c.range.dirtyRatio()),
                    (System.nanoTime() - started) / 1_000_000);
        } catch (Cleaner.AbortedException e) {
            log.debug("cleaning stopped partition={}: {}", tp, e.getMessage());
        } catch (IOException | RuntimeException e) {
            if (!logs.get().contains(c.log)) {
                log.debug("log went away while being cleaned partition={}: {}", tp, e.toString());
                return;
            }
            log.error("cleaning failed; the log stays uncleaned until restart partition={}", tp, e);
            markUncleanable(tp);
        }
    }

    private synchronized void checkAborted(TopicPartition tp) {
        if (stopping) {
            throw new Cleaner.AbortedException("the cleaner is stopping");
        }
        if (aborting.contains(tp)) {
            throw new Cleaner.AbortedException("the log is being deleted or moved");
        }
    }

    private synchronized void markUncleanable(TopicPartition tp) {
        uncleanable.add(tp);
    }

    private synchronized void done(TopicPartition tp) {
        inProgress.remove(tp);
        aborting.remove(tp);
        notifyAll();
    }

    private synchronized void backOff() {
        if (!stopping) {
            try {
                wait(Math.max(1, config.backoffMs())); // woken early by close
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping = true;
            }
        }
    }
}
