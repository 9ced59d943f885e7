package dev.wharf.server.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Kafka's quota arithmetic: rate over the sampled windows, and the throttle time that brings it back to the bound. */
class SampledRateTest {
    // A first burst is measured over the whole span (samples - 1 windows), so within it nothing is throttled.
    @Test
    void firstBurstIsMeasuredOverTheWholeSpan() {
        SampledRate rate = new SampledRate(11, 1000, Long.MAX_VALUE, 0);
        assertEquals(0, rate.recordAndThrottleMs(10_000, 1000, 0)); // 10,000 bytes over 10 s: exactly the bound
        assertEquals(1000.0, rate.ratePerSecond(0), 1e-9);
    }

    // Over the bound, the throttle is (rate - bound) / bound * span: the time that brings the rate back.
    @Test
    void throttleTimeIsKafkasFormula() {
        SampledRate rate = new SampledRate(11, 1000, Long.MAX_VALUE, 0);
        // 15,000 bytes at t=0 over a span of 10 s: 1,500/s against 1,000/s -> 0.5 * 10 s
        assertEquals(5000, rate.recordAndThrottleMs(15_000, 1000, 0));
        // as in Kafka, the span stays at its minimum of 10 windows until they have passed: still over
        assertEquals(5000, rate.throttleMs(1000, 5000));
        // once the burst's window is older than the 11 windows kept, it counts for nothing
        assertEquals(0, rate.throttleMs(1000, 11_000));
    }

    // As in Kafka, a byte rate's throttle grows with the burst (a 10,112-byte Produce against 1,000/s
    // over one window earns 9,112 ms), and a bounded rate's (request time) stops at its bound.
    @Test
    void throttleIsBoundedOnlyWhereAsked() {
        assertEquals(9112, new SampledRate(2, 1000, Long.MAX_VALUE, 0).recordAndThrottleMs(10_112, 1000, 0));
        assertEquals(1000, new SampledRate(2, 1000, 1000, 0).recordAndThrottleMs(10_112, 1000, 0));
    }

    // The throttle is rounded to the nearest millisecond, as Kafka rounds it.
    @Test
    void throttleIsRounded() {
        assertEquals(3, new SampledRate(2, 1000, Long.MAX_VALUE, 0).recordAndThrottleMs(1002.6, 1000, 0)); // 2.6 ms
    }

    // Windows older than samples * window no longer count: a client quiet for long starts afresh.
    @Test
    void oldWindowsAreForgotten() {
        SampledRate rate = new SampledRate(2, 1000, Long.MAX_VALUE, 0);
        rate.recordAndThrottleMs(5000, 1000, 0);
        assertEquals(5000 / 1.5, rate.ratePerSecond(500), 1e-9); // 0.5 s passed plus the one full window counted
        assertEquals(0.0, rate.ratePerSecond(2000), 1e-9);
        assertEquals(0, rate.recordAndThrottleMs(900, 1000, 2000));
    }

    // A steady rate: after the first span, the rate measured is what was recorded per second.
    @Test
    void steadyRateIsMeasuredExactly() {
        SampledRate rate = new SampledRate(3, 1000, Long.MAX_VALUE, 0);
        for (long t = 0; t <= 10_000; t += 100) {
            rate.recordAndThrottleMs(100, 2000, t); // 1,000 per second
        }
        assertEquals(1000.0, rate.ratePerSecond(10_000), 60.0);
    }
}
