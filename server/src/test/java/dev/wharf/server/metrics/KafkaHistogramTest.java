package dev.wharf.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KafkaHistogramTest {
    // Count, min, max, mean and standard deviation are exact over every value recorded.
    @Test
    void lifetimeStatisticsAreExact() {
        KafkaHistogram h = new KafkaHistogram();
        for (int v = 1; v <= 100; v++) {
            h.update(v);
        }
        assertEquals(100, h.getCount());
        assertEquals(1, h.getMin());
        assertEquals(100, h.getMax());
        assertEquals(50.5, h.getMean(), 1e-9);
        assertEquals(29.011491975882016, h.getStdDev(), 1e-9); // sample standard deviation of 1..100
        assertEquals(5050, h.sum());
    }

    // Percentiles are within a bucket's width (1/16) of the true value, and never outside min..max.
    @Test
    void percentilesAreWithinABucket() {
        KafkaHistogram h = new KafkaHistogram();
        for (int v = 1; v <= 10_000; v++) {
            h.update(v);
        }
        assertClose(5_000, h.get50thPercentile());
        assertClose(7_500, h.get75thPercentile());
        assertClose(9_500, h.get95thPercentile());
        assertClose(9_800, h.get98thPercentile());
        assertClose(9_900, h.get99thPercentile());
        assertClose(9_990, h.get999thPercentile());
        assertTrue(h.get999thPercentile() <= 10_000);
    }

    private static void assertClose(double expected, double actual) {
        assertTrue(Math.abs(actual - expected) <= expected / 16, "expected ~" + expected + " got " + actual);
    }

    // Values below 16 are exact; every value falls in a bucket whose middle is within 1/16 of it.
    @Test
    void bucketsCoverEveryLong() {
        for (long v = 0; v < 16; v++) {
            assertEquals(v, KafkaHistogram.valueOf(KafkaHistogram.bucketOf(v)));
        }
        for (long v : new long[] {16, 17, 31, 32, 1000, 123_456_789L, Long.MAX_VALUE / 3, Long.MAX_VALUE}) {
            int b = KafkaHistogram.bucketOf(v);
            assertTrue(b < KafkaHistogram.BUCKETS, "bucket " + b);
            assertTrue(Math.abs(KafkaHistogram.valueOf(b) - v) <= v / 16.0, v + " -> " + KafkaHistogram.valueOf(b));
        }
    }

    // Percentiles follow recent values: after two windows the old ones no longer count; the lifetime count does.
    @Test
    void percentilesDecayWithWindows() {
        KafkaHistogram h = new KafkaHistogram();
        for (int i = 0; i < 100; i++) {
            h.update(1000);
        }
        h.rotate();
        assertEquals(1000, h.get50thPercentile()); // the previous window still counts
        for (int i = 0; i < 100; i++) {
            h.update(10);
        }
        h.rotate(); // the window of the 1000s is cleared
        assertEquals(10, h.get99thPercentile());
        assertEquals(200, h.getCount());
        assertEquals(1000, h.getMax());
    }

    // An empty histogram reads as zeros, as Yammer's does.
    @Test
    void emptyReadsZero() {
        KafkaHistogram h = new KafkaHistogram();
        assertEquals(0, h.getCount());
        assertEquals(0, h.getMin());
        assertEquals(0, h.getMax());
        assertEquals(0, h.get99thPercentile());
        assertEquals(0, h.getStdDev());
    }
}
