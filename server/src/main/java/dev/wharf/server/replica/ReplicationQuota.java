package dev.wharf.server.replica;

import java.util.function.LongSupplier;

/**
 * A replication throttle's byte rate, measured as Kafka measures its replication quotas: bytes
 * counted in {@code windows} windows of one second each, the rate being what the windows hold
 * over the time they cover (at least all but the newest window, so one burst right after a quiet
 * spell does not read as an enormous rate). Exceeded when that rate passes the limit, read anew at
 * every check ({@code leader.replication.throttled.rate} and
 * {@code follower.replication.throttled.rate} change live). While exceeded, throttled replicas
 * are not copied; the first copy after a pause may overshoot by one fetch, as in Kafka.
 *
 * <p>Threads: any; synchronized (one short section per fetched partition).
 */
public final class ReplicationQuota {
    private static final long WINDOW_MS = 1000;

    private final LongSupplier bytesPerSecond;
    private final long[] bytes;
    private final long[] windowStart;

    public ReplicationQuota(LongSupplier bytesPerSecond, int windows) {
        this.bytesPerSecond = bytesPerSecond;
        this.bytes = new long[windows];
        this.windowStart = new long[windows];
    }

    /** Whether a limit is set at all (Long.MAX_VALUE, the default, is none). */
    public boolean limited() {
        return bytesPerSecond.getAsLong() != Long.MAX_VALUE;
    }

    public synchronized void record(long count, long nowMs) {
        int i = slot(nowMs);
        bytes[i] += count;
    }

    public synchronized boolean exceeded(long nowMs) {
        long limit = bytesPerSecond.getAsLong();
        if (limit == Long.MAX_VALUE) {
            return false;
        }
        slot(nowMs);
        long oldest = nowMs;
        long total = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (nowMs - windowStart[i] < WINDOW_MS * bytes.length) {
                total += bytes[i];
                oldest = Math.min(oldest, windowStart[i]);
            }
        }
        long coveredMs = Math.max(nowMs - oldest, WINDOW_MS * (bytes.length - 1));
        return total * 1000.0 / coveredMs > limit;
    }

    /** The window {@code nowMs} falls in, emptied first if it last held an older second. */
    private int slot(long nowMs) {
        long start = nowMs - nowMs % WINDOW_MS;
        int i = (int) ((nowMs / WINDOW_MS) % bytes.length);
        if (windowStart[i] != start) {
            windowStart[i] = start;
            bytes[i] = 0;
        }
        return i;
    }
}
