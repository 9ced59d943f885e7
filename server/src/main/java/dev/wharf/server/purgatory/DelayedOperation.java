package dev.wharf.server.purgatory;

import io.netty.util.Timeout;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request that waits for something to happen on the broker (records appended, a high watermark
 * moved) or for its deadline, whichever comes first. It completes exactly once: {@link #onComplete}
 * runs on the thread that won, which is the one that saw the condition hold
 * ({@link #tryComplete} returned after calling {@link #forceComplete}) or the timer thread at the
 * deadline.
 *
 * <p>Threads: {@link #tryComplete} may be called from any thread that changes a watched key (an
 * appending event loop, the I/O pool) and from the timer; calls on one operation are serialized by
 * its monitor, so an implementation may read its own fields without further locking.
 */
public abstract class DelayedOperation {
    private final long delayMs;
    private final AtomicBoolean completed = new AtomicBoolean();
    private volatile Timeout deadline;
    private volatile Runnable unwatch;

    protected DelayedOperation(long delayMs) {
        this.delayMs = delayMs;
    }

    public final long delayMs() {
        return delayMs;
    }

    /**
     * Checks whether the operation can complete now; if so it calls {@link #forceComplete()} and
     * returns its result. Must not block: it runs on whichever thread changed a watched key.
     */
    protected abstract boolean tryComplete();

    /** Does the work of completing (answering the request). Runs once. */
    protected abstract void onComplete();

    /** Runs after {@link #onComplete} when the deadline, not the condition, completed it. */
    protected void onExpiration() {}

    /**
     * Completes the operation unless another thread already has; true if this call did. Under the
     * operation's monitor, like {@link #tryComplete}, so a check and the deadline never overlap.
     */
    public final synchronized boolean forceComplete() {
        if (!completed.compareAndSet(false, true)) {
            return false;
        }
        Timeout t = deadline;
        if (t != null) {
            t.cancel();
        }
        Runnable u = unwatch;
        if (u != null) {
            u.run();
        }
        onComplete();
        return true;
    }

    public final boolean isCompleted() {
        return completed.get();
    }

    /** {@link #tryComplete} under the operation's monitor, unless it has completed already. */
    final synchronized boolean maybeTryComplete() {
        return !completed.get() && tryComplete();
    }

    final void deadline(Timeout t) {
        deadline = t;
        if (completed.get()) {
            t.cancel(); // completed while the deadline was being set
        }
    }

    final void unwatch(Runnable u) {
        unwatch = u;
        if (completed.get()) {
            u.run();
        }
    }

    final void expire() {
        if (forceComplete()) {
            onExpiration();
        }
    }
}
