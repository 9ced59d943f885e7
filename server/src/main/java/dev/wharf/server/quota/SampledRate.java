package dev.wharf.server.quota;

/**
 * A rate measured as Kafka's quota sensors measure it (KIP-13): the sum of what was recorded in the
 * last {@code samples} windows of {@code windowMs}, divided by the time those windows span, counted
 * as at least {@code samples - 1} full windows (so a client's first burst is measured over the whole
 * span, not over the few milliseconds it took). A window starts at the first record after the
 * previous one ended; windows older than the whole span count for nothing.
 *
 * <p>The throttle time is Kafka's: how long the client must stay quiet for the rate to fall back to
 * the bound, {@code (rate - bound) / bound * span}, rounded, and at most {@code maxThrottleMs} (Kafka
 * bounds only request time's, to one window; a byte rate's grows with the burst).
 *
 * <p>Threads: any; each call takes this object's monitor (a few arithmetic steps, no allocation).
 */
final class SampledRate implements QuotaMeter {
    private final int samples;
    private final long windowMs;
    private final long maxThrottleMs;
    private final long[] windowStartMs;
    private final double[] windowValue;
    private int current;
    private long lastRecordMs;

    SampledRate(int samples, long windowMs, long maxThrottleMs, long nowMs) {
        this.samples = samples;
        this.windowMs = windowMs;
        this.maxThrottleMs = maxThrottleMs;
        this.windowStartMs = new long[samples];
        this.windowValue = new double[samples];
        java.util.Arrays.fill(windowStartMs, nowMs);
        this.lastRecordMs = nowMs;
    }

    /** Whether nothing was recorded since {@code sinceMs}. */
    @Override
    public synchronized boolean idleSince(long sinceMs) {
        return lastRecordMs < sinceMs;
    }

    /** Records {@code value} at {@code nowMs} and returns the throttle time it earns against {@code bound} (0: none). */
    @Override
    public synchronized long recordAndThrottleMs(double value, double bound, long nowMs) {
        if (nowMs - windowStartMs[current] >= windowMs) {
            current = (current + 1) % samples;
            windowStartMs[current] = nowMs;
            windowValue[current] = 0;
        }
        windowValue[current] += value;
        lastRecordMs = nowMs;
        return throttleMs(bound, nowMs);
    }

    /** Takes back a value recorded earlier (a throttled fetch's bytes: Kafka answers it empty). */
    @Override
    public synchronized void unrecord(double value) {
        windowValue[current] -= value;
    }

    /** The throttle time the rate earns now against {@code bound}: 0 within it. */
    @Override
    public synchronized long throttleMs(double bound, long nowMs) {
        long spanMs = spanMs(nowMs);
        double rate = total() * 1000.0 / spanMs;
        if (rate <= bound) {
            return 0;
        }
        return Math.min(Math.round((rate - bound) / bound * spanMs), maxThrottleMs);
    }

    /** The rate per second now. */
    synchronized double ratePerSecond(long nowMs) {
        long spanMs = spanMs(nowMs);
        return total() * 1000.0 / spanMs;
    }

    private double total() {
        double sum = 0;
        for (double v : windowValue) {
            sum += v;
        }
        return sum;
    }

    /** The time the retained windows span, at least {@code samples - 1} full windows; forgets windows out of it. */
    private long spanMs(long nowMs) {
        long oldest = nowMs;
        for (int i = 0; i < samples; i++) {
            if (nowMs - windowStartMs[i] >= samples * windowMs) {
                windowStartMs[i] = nowMs;
                windowValue[i] = 0;
            }
            oldest = Math.min(oldest, windowStartMs[i]);
        }
        long elapsed = nowMs - oldest;
        long fullWindows = elapsed / windowMs;
        if (fullWindows < samples - 1) {
            elapsed += (samples - 1 - fullWindows) * windowMs;
        }
        return Math.max(elapsed, 1);
    }
}
