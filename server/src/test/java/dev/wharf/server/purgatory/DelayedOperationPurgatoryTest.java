package dev.wharf.server.purgatory;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.HashedWheelTimer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DelayedOperationPurgatoryTest {
    private final HashedWheelTimer timer = new HashedWheelTimer(10, TimeUnit.MILLISECONDS);
    private final DelayedOperationPurgatory<String> purgatory = new DelayedOperationPurgatory<>("test", timer);

    @AfterEach
    void stopTimer() {
        timer.stop();
    }

    /** Completes once {@code available} reaches {@code needed}; counts how it completed. */
    private static final class WaitForCount extends DelayedOperation {
        final AtomicLong available;
        final long needed;
        final AtomicInteger completions = new AtomicInteger();
        volatile boolean expired;

        WaitForCount(AtomicLong available, long needed, long delayMs) {
            super(delayMs);
            this.available = available;
            this.needed = needed;
        }

        @Override
        protected boolean tryComplete() {
            return available.get() >= needed && forceComplete();
        }

        @Override
        protected void onComplete() {
            completions.incrementAndGet();
        }

        @Override
        protected void onExpiration() {
            expired = true;
        }
    }

    // an operation whose condition already holds completes at once and is never watched
    @Test
    void completesAtOnceWhenItCan() {
        WaitForCount op = new WaitForCount(new AtomicLong(5), 1, 60_000);
        assertTrue(purgatory.tryCompleteElseWatch(op, List.of("a")));
        assertEquals(1, op.completions.get());
        assertEquals(0, purgatory.watched());
    }

    // an event on any watched key completes it, once, and removes it from every key it watched
    @Test
    void anEventOnAWatchedKeyCompletesItOnce() {
        AtomicLong available = new AtomicLong();
        WaitForCount op = new WaitForCount(available, 1, 60_000);
        assertFalse(purgatory.tryCompleteElseWatch(op, List.of("a", "b")));
        assertEquals(2, purgatory.watched());

        assertEquals(0, purgatory.checkAndComplete("b")); // nothing changed yet
        available.set(1);
        assertEquals(1, purgatory.checkAndComplete("b"));
        assertEquals(0, purgatory.checkAndComplete("a"));

        assertEquals(1, op.completions.get());
        assertFalse(op.expired);
        assertEquals(0, purgatory.watched());
    }

    // with no event, the deadline completes it and marks it expired
    @Test
    void theDeadlineCompletesAWaitingOperation() {
        WaitForCount op = new WaitForCount(new AtomicLong(), 1, 50);
        long start = System.nanoTime();
        assertFalse(purgatory.tryCompleteElseWatch(op, List.of("a")));

        await().atMost(Duration.ofSeconds(5)).until(() -> op.completions.get() == 1);
        assertTrue(op.expired);
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) >= 50);
        assertEquals(0, purgatory.watched());
    }

    // completeAll answers everything on a key (a deleted partition), not counted as expiry
    @Test
    void completeAllAnswersEveryWaiterOfAKey() {
        WaitForCount first = new WaitForCount(new AtomicLong(), 1, 60_000);
        WaitForCount second = new WaitForCount(new AtomicLong(), 1, 60_000);
        purgatory.tryCompleteElseWatch(first, List.of("gone"));
        purgatory.tryCompleteElseWatch(second, List.of("gone", "other"));

        purgatory.completeAll("gone");

        assertEquals(1, first.completions.get());
        assertEquals(1, second.completions.get());
        assertFalse(first.expired || second.expired);
        assertEquals(0, purgatory.watched());
    }

    // events racing the deadline from many threads still complete each operation exactly once
    @Test
    void racingEventsAndDeadlinesCompleteEachOperationOnce() throws Exception {
        AtomicLong available = new AtomicLong();
        List<WaitForCount> ops = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            WaitForCount op = new WaitForCount(available, 1, i % 20);
            ops.add(op);
            purgatory.tryCompleteElseWatch(op, List.of("k" + (i % 4)));
        }
        available.set(1);
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            String key = "k" + t;
            threads[t] = new Thread(() -> purgatory.checkAndComplete(key));
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join(10_000);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> ops.stream().allMatch(DelayedOperation::isCompleted));
        ops.forEach(op -> assertEquals(1, op.completions.get()));
        assertEquals(0, purgatory.watched());
    }
}
