package dev.wharf.server.quota;

/**
 * How one client's use of one quota kind is measured against its bound: a {@link SampledRate}
 * for byte rates and request time, a {@link TokenBucket} for partition mutations.
 */
interface QuotaMeter {
    /** Records {@code value} at {@code nowMs}; the throttle time it earns against {@code bound} (0: none). */
    long recordAndThrottleMs(double value, double bound, long nowMs);

    /** Takes back a value recorded earlier. */
    void unrecord(double value);

    /** The throttle time the client has earned by now against {@code bound}, without recording (0: within it). */
    long throttleMs(double bound, long nowMs);

    /** Whether nothing was recorded since {@code sinceMs}. */
    boolean idleSince(long sinceMs);
}
