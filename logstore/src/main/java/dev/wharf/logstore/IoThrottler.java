package dev.wharf.logstore;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Holds the log cleaner's disk traffic to {@code log.cleaner.io.max.bytes.per.second}, shared by
 * its threads: each read or write first asks for its bytes, and waits while the traffic since the
 * window began is ahead of the rate. Windows restart each second so an idle spell earns no burst.
 */
final class IoThrottler {
    private final double bytesPerSecond;
    private long windowStartNanos = System.nanoTime();
    private long windowBytes;

    IoThrottler(double bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    static IoThrottler unlimited() {
        return new IoThrottler(Double.MAX_VALUE);
    }

    /** Waits until {@code bytes} more fit the rate. */
    void acquire(long bytes) {
        if (bytesPerSecond >= Double.MAX_VALUE) {
            return;
        }
        long waitNanos;
        synchronized (this) {
            long now = System.nanoTime();
            if (now - windowStartNanos > TimeUnit.SECONDS.toNanos(1)) {
                windowStartNanos = now;
                windowBytes = 0;
            }
            windowBytes += bytes;
            long dueNanos = (long) (windowBytes / bytesPerSecond * 1e9);
            waitNanos = dueNanos - (now - windowStartNanos);
        }
        if (waitNanos > 0) {
            LockSupport.parkNanos(waitNanos); // the throttle's purpose is to wait
        }
    }
}
