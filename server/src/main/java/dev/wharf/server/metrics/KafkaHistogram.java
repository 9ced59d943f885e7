package dev.wharf.server.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A histogram of non-negative longs (milliseconds, bytes) with Kafka's attributes: count, min,
 * max, mean and standard deviation over all values recorded, and percentiles over the recent ones.
 *
 * <p>Why not a library's: Kafka's Yammer histograms (and Dropwizard's default) keep a sample in a
 * skip list and allocate on every update; HdrHistogram's {@code Recorder} is allocation-free but
 * has no decaying window, and its sizing is more than request timings need. Here values fall into
 * log-linear buckets (exact below 16, then 16 per power of two: at most 1/16 off), counted in two
 * windows of {@link #WINDOW_NANOS}: recording adds to the current one; {@link #rotate} (every
 * window, from the registry's timer) clears the older and makes it current, so percentiles cover
 * the last one to two windows, as Kafka's biased sample mostly covers the last minutes. Recording
 * allocates nothing; reading percentiles copies the buckets.
 *
 * <p>Threads: recorded from any thread, read from JMX and scrape threads, rotated on the registry's
 * timer; a value recorded during a rotation may land in the window being cleared (lost from the
 * percentiles, never from the count).
 */
public final class KafkaHistogram implements KafkaHistogramMBean {
    static final long WINDOW_NANOS = 60_000_000_000L;
    private static final int SUB_BITS = 4;
    private static final int SUB = 1 << SUB_BITS;
    static final int BUCKETS = (64 - SUB_BITS) * SUB;

    private final AtomicLongArray[] windows = {new AtomicLongArray(BUCKETS), new AtomicLongArray(BUCKETS)};
    private volatile int current;
    private final LongAdder count = new LongAdder();
    private final LongAdder sum = new LongAdder();
    private final DoubleAdder sumOfSquares = new DoubleAdder();
    private final AtomicLong min = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong max = new AtomicLong(Long.MIN_VALUE);

    public void update(long value) {
        long v = Math.max(0, value);
        windows[current].incrementAndGet(bucketOf(v));
        count.increment();
        sum.add(v);
        sumOfSquares.add((double) v * v);
        long m = min.get();
        while (v < m && !min.compareAndSet(m, v)) {
            m = min.get();
        }
        m = max.get();
        while (v > m && !max.compareAndSet(m, v)) {
            m = max.get();
        }
    }

    /** Starts a new window: the older one is cleared and becomes current. */
    void rotate() {
        int older = 1 - current;
        AtomicLongArray w = windows[older];
        for (int i = 0; i < BUCKETS; i++) {
            w.set(i, 0);
        }
        current = older;
    }

    static int bucketOf(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int exp = 63 - Long.numberOfLeadingZeros(v);
        int shift = exp - SUB_BITS;
        return (shift + 1) * SUB + (int) ((v >>> shift) & (SUB - 1));
    }

    /** The middle of a bucket's range of values. */
    static double valueOf(int bucket) {
        if (bucket < SUB) {
            return bucket;
        }
        int shift = bucket / SUB - 1;
        long lower = (long) (SUB + bucket % SUB) << shift;
        return lower + ((1L << shift) - 1) / 2.0;
    }

    /** The value at quantile {@code q} (0..1) of the recent values; 0 with none. */
    public double quantile(double q) {
        long[] counts = new long[BUCKETS];
        long total = 0;
        for (AtomicLongArray w : windows) {
            for (int i = 0; i < BUCKETS; i++) {
                long c = w.get(i);
                counts[i] += c;
                total += c;
            }
        }
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(Math.max(valueOf(i), getMin()), getMax());
            }
        }
        return getMax();
    }

    @Override
    public long getCount() {
        return count.sum();
    }

    @Override
    public double getMin() {
        return count.sum() == 0 ? 0 : min.get();
    }

    @Override
    public double getMax() {
        return count.sum() == 0 ? 0 : max.get();
    }

    @Override
    public double getMean() {
        long n = count.sum();
        return n == 0 ? 0 : (double) sum.sum() / n;
    }

    /** The sum of every value recorded. */
    public long sum() {
        return sum.sum();
    }

    @Override
    public double getStdDev() {
        long n = count.sum();
        if (n < 2) {
            return 0;
        }
        double mean = (double) sum.sum() / n;
        double variance = (sumOfSquares.sum() - n * mean * mean) / (n - 1);
        return Math.sqrt(Math.max(0, variance));
    }

    @Override
    public double get50thPercentile() {
        return quantile(0.5);
    }

    @Override
    public double get75thPercentile() {
        return quantile(0.75);
    }

    @Override
    public double get95thPercentile() {
        return quantile(0.95);
    }

    @Override
    public double get98thPercentile() {
        return quantile(0.98);
    }

    @Override
    public double get99thPercentile() {
        return quantile(0.99);
    }

    @Override
    public double get999thPercentile() {
        return quantile(0.999);
    }
}
