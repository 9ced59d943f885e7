package dev.wharf.server.quota;

/**
 * Kafka's measure of partition mutations (KIP-599): a bucket that holds at most
 * {@code bound * burstSeconds} tokens and refills at {@code bound} per second. Each mutation takes
 * a token; the bucket may go into debt, and the client is throttled for as long as refilling the
 * debt takes. Unlike a rate averaged over windows, a burst up to the bucket's size passes at once.
 *
 * <p>Threads: any; each call takes this object's monitor (arithmetic only, no allocation).
 */
final class TokenBucket implements QuotaMeter {
    private final double burstSeconds;
    /** NaN until the first use, when the bucket starts full for the bound then in force. */
    private double tokens = Double.NaN;
    private long lastMs;
    private long lastRecordMs;

    TokenBucket(double burstSeconds, long nowMs) {
        this.burstSeconds = burstSeconds;
        this.lastMs = nowMs;
        this.lastRecordMs = nowMs;
    }

    @Override
    public synchronized long recordAndThrottleMs(double value, double bound, long nowMs) {
        refill(bound, nowMs);
        tokens -= value;
        lastRecordMs = nowMs;
        return throttleMs(bound, nowMs);
    }

    @Override
    public synchronized void unrecord(double value) {
        tokens += value;
    }

    @Override
    public synchronized long throttleMs(double bound, long nowMs) {
        refill(bound, nowMs);
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / bound * 1000);
    }

    @Override
    public synchronized boolean idleSince(long sinceMs) {
        return lastRecordMs < sinceMs;
    }

    private void refill(double bound, long nowMs) {
        double burst = bound * burstSeconds;
        if (Double.isNaN(tokens)) {
            tokens = burst;
        } else if (nowMs > lastMs) {
            tokens = Math.min(burst, tokens + bound * (nowMs - lastMs) / 1000.0);
        }
        lastMs = Math.max(lastMs, nowMs);
    }
}
