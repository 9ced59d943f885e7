package dev.wharf.compat;

import java.util.ArrayList;
import java.util.List;

/**
 * The bytes a throttled client got through (acknowledged produces, consumed records) over time,
 * and the rate they came at. Kafka's quotas let a client through in bursts, each followed by a
 * throttle time that brings its rate back to the quota: the rate is measured from the start of
 * one burst to the start of a later one (whole throttle cycles), so where the run happens to stop
 * within a cycle does not count. Without distinct bursts, it is measured over the whole run after
 * the warm-up. Threads: {@link #add} from any thread.
 */
final class ThrottledRate {
    /** A pause between two arrivals this long starts a new burst. */
    private static final long BURST_GAP_MS = 150;

    private final long startMs = System.currentTimeMillis();
    private final List<long[]> arrivals = new ArrayList<>();

    synchronized void add(long bytes) {
        arrivals.add(new long[] {System.currentTimeMillis() - startMs, bytes});
    }

    long elapsedMs() {
        return System.currentTimeMillis() - startMs;
    }

    /** Bytes per second from the first burst starting after {@code warmupMs} to the start of the last burst. */
    synchronized double bytesPerSecond(long warmupMs) {
        List<Integer> burstStarts = new ArrayList<>();
        for (int i = 1; i < arrivals.size(); i++) {
            if (arrivals.get(i)[0] >= warmupMs && arrivals.get(i)[0] - arrivals.get(i - 1)[0] >= BURST_GAP_MS) {
                burstStarts.add(i);
            }
        }
        int from;
        int to;
        long toMs;
        if (burstStarts.size() >= 2) {
            from = burstStarts.get(0);
            to = burstStarts.get(burstStarts.size() - 1);
            toMs = arrivals.get(to)[0];
        } else {
            from = 0;
            while (from < arrivals.size() && arrivals.get(from)[0] < warmupMs) {
                from++;
            }
            to = arrivals.size();
            toMs = arrivals.get(arrivals.size() - 1)[0];
        }
        long fromMs = from < arrivals.size() ? arrivals.get(from)[0] : warmupMs;
        long bytes = 0;
        for (int i = from; i < to; i++) {
            bytes += arrivals.get(i)[1];
        }
        return bytes * 1000.0 / Math.max(1, toMs - fromMs);
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
