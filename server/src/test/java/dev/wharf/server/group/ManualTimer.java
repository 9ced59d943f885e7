package dev.wharf.server.group;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A timer that fires only when a test moves its clock; tasks run on the test's thread. */
final class ManualTimer implements Timer {
    private final AtomicLong clock;
    private final List<Task> tasks = new ArrayList<>();
    private long sequence;

    ManualTimer(AtomicLong clock) {
        this.clock = clock;
    }

    private final class Task implements Timeout {
        final TimerTask task;
        final long deadline;
        final long order = sequence++;
        boolean cancelled;
        boolean expired;

        Task(TimerTask task, long deadline) {
            this.task = task;
            this.deadline = deadline;
        }

        @Override
        public Timer timer() {
            return ManualTimer.this;
        }

        @Override
        public TimerTask task() {
            return task;
        }

        @Override
        public boolean isExpired() {
            return expired;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean cancel() {
            if (expired || cancelled) {
                return false;
            }
            cancelled = true;
            return true;
        }
    }

    @Override
    public synchronized Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
        Task t = new Task(task, clock.get() + unit.toMillis(delay));
        tasks.add(t);
        return t;
    }

    @Override
    public synchronized Set<Timeout> stop() {
        tasks.clear();
        return Set.of();
    }

    /**
     * Moves the clock to {@code target}, firing due tasks in deadline order; after each one
     * {@code afterEach} runs (the harness drains the io executor there).
     */
    void advanceTo(long target, Runnable afterEach) {
        while (true) {
            Task next;
            synchronized (this) {
                tasks.removeIf(t -> t.cancelled);
                next = tasks.stream().filter(t -> t.deadline <= target)
                        .min(Comparator.comparingLong((Task t) -> t.deadline).thenComparingLong(t -> t.order))
                        .orElse(null);
                if (next == null) {
                    break;
                }
                tasks.remove(next);
                next.expired = true;
                clock.set(Math.max(clock.get(), next.deadline));
            }
            try {
                next.task.run(next);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            afterEach.run();
        }
        clock.set(Math.max(clock.get(), target));
    }
}
