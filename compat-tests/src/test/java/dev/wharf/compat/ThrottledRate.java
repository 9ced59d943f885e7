package dev.wharf.compat;

import java.util.ArrayList;
import java.util.List;

/**
 * The bytes a throttled client got through (acknowledged produces, consumed records) over time,
 * and the rate they came at. Kafka's quotas let a client through in bursts, each followed by a
 * throttle time that brings its rate back to the quota, so the bytes between two instants depend
 * on where they fall in a burst: the rate is the slope of the best straight line through the bytes
 * received so far, sampled every 50 ms after a warm-up, which averages the bursts out. Threads:
 * {@link #add} from any thread.
 */
final class ThrottledRate {
    private static final long SAMPLE_MS = 50;

    private final long startMs = System.currentTimeMillis();
    private final List<long[]> arrivals = new ArrayList<>();

    synchronized void add(long bytes) {
        arrivals.add(new long[] {System.currentTimeMillis() - startMs, bytes});
    }

    long elapsedMs() {
        return System.currentTimeMillis() - startMs;
    }

    /** Bytes per second: the least-squares slope of the bytes received by each instant from {@code fromMs} to the last arrival. */
    synchronized double bytesPerSecond(long fromMs) {
        long endMs = arrivals.get(arrivals.size() - 1)[0];
        double n = 0;
        double sumT = 0;
        double sumB = 0;
        double sumTT = 0;
        double sumTB = 0;
        int next = 0;
        long received = 0;
        for (long t = fromMs; t <= endMs; t += SAMPLE_MS) {
            while (next < arrivals.size() && arrivals.get(next)[0] <= t) {
                received += arrivals.get(next++)[1];
            }
            double seconds = t / 1000.0;
            n++;
            sumT += seconds;
            sumB += received;
            sumTT += seconds * seconds;
            sumTB += seconds * received;
        }
        return (n * sumTB - sumT * sumB) / (n * sumTT - sumT * sumT);
    }

    @Override
    public synchronized String toString() {
        long[] perHalfSecond = new long[(int) (elapsedMs() / 500) + 1];
        for (long[] a : arrivals) {
            perHalfSecond[(int) Math.min(perHalfSecond.length - 1, a[0] / 500)] += a[1];
        }
        return "bytes per half second " + java.util.Arrays.toString(perHalfSecond);
    }
}
