package dev.wharf.server;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's background work on a schedule (high watermark checkpoints, ISR checks, expiry of
 * producers, offsets and transactional ids, leader rebalancing): the timer only hands each run to
 * the I/O pool, so a slow task never delays another's turn; a run that fails is logged and the
 * next one happens as planned. Threads: the timer schedules, the I/O pool runs.
 */
final class PeriodicTasks {
    private static final Logger log = LoggerFactory.getLogger(PeriodicTasks.class);

    /** One run of a task. */
    @FunctionalInterface
    interface Task {
        void run() throws Exception;
    }

    /** One run of a task that removes things, saying how many. */
    @FunctionalInterface
    interface Removal {
        int run() throws Exception;
    }

    private final ScheduledExecutorService timer;
    private final Executor io;

    PeriodicTasks(ScheduledExecutorService timer, Executor io) {
        this.timer = timer;
        this.io = io;
    }

    /** Runs {@code task} every {@code intervalMs}, first after one interval; {@code what} names it in the log. */
    void every(long intervalMs, String what, Task task) {
        timer.scheduleWithFixedDelay(() -> io.execute(() -> {
            try {
                task.run();
            } catch (Exception e) {
                log.warn("{} failed", what, e);
            }
        }), intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** As {@link #every}, logging how many {@code removed} each run took away, when any. */
    void removing(long intervalMs, String removed, Removal task) {
        every(intervalMs, "removing " + removed, () -> {
            int count = task.run();
            if (count > 0) {
                log.info("removed {}: {}", removed, count);
            }
        });
    }
}
