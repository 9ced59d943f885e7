package dev.wharf.server.metrics;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A count of events and its exponentially weighted one-, five- and fifteen-minute rates, as
 * Kafka's Yammer meters give them (rates per second; per nanosecond for Kafka's idle-time meters,
 * whose rates are then fractions). Marking adds to a striped counter and nothing else; the rates
 * are brought up to date from the count every {@link #TICK_SECONDS} by the registry's thread (as
 * Yammer's meters tick every 5 s, but off the recording path: Dropwizard's {@code Meter}, which
 * this replaced, reads the clock and updates four counters on every mark: about 10x the cost).
 *
 * <p>Threads: marked from any thread; ticked on {@code wharf-metrics} only; read from any.
 */
public final class KafkaMeter implements KafkaMeterMBean {
    static final int TICK_SECONDS = 5;
    private static final double M1 = 1 - Math.exp(-TICK_SECONDS / 60.0);
    private static final double M5 = 1 - Math.exp(-TICK_SECONDS / 60.0 / 5);
    private static final double M15 = 1 - Math.exp(-TICK_SECONDS / 60.0 / 15);

    private final LongAdder count = new LongAdder();
    private final String eventType;
    private final TimeUnit rateUnit;
    private final long createdNanos = System.nanoTime();
    /** Per second; written on the ticking thread only. */
    private volatile double m1;
    private volatile double m5;
    private volatile double m15;
    private boolean ticked;
    private long countAtTick;

    public KafkaMeter(String eventType) {
        this(eventType, TimeUnit.SECONDS);
    }

    public KafkaMeter(String eventType, TimeUnit rateUnit) {
        this.eventType = eventType;
        this.rateUnit = rateUnit;
    }

    public void mark() {
        count.increment();
    }

    public void mark(long n) {
        count.add(n);
    }

    /** Folds the events since the last tick into the rates; every {@link #TICK_SECONDS}, on one thread. */
    void tick() {
        long now = count.sum();
        double perSecond = (double) (now - countAtTick) / TICK_SECONDS;
        countAtTick = now;
        if (!ticked) { // the first interval sets the rates, as Yammer's first tick does
            m1 = m5 = m15 = perSecond;
            ticked = true;
            return;
        }
        m1 += M1 * (perSecond - m1);
        m5 += M5 * (perSecond - m5);
        m15 += M15 * (perSecond - m15);
    }

    static double perUnit(double perSecond, TimeUnit unit) {
        return perSecond * unit.toNanos(1) / TimeUnit.SECONDS.toNanos(1);
    }

    @Override
    public long getCount() {
        return count.sum();
    }

    @Override
    public String getEventType() {
        return eventType;
    }

    @Override
    public TimeUnit getRateUnit() {
        return rateUnit;
    }

    @Override
    public double getMeanRate() {
        long elapsed = System.nanoTime() - createdNanos;
        return elapsed <= 0 ? 0 : perUnit(count.sum() / (elapsed / 1e9), rateUnit);
    }

    @Override
    public double getOneMinuteRate() {
        return perUnit(m1, rateUnit);
    }

    @Override
    public double getFiveMinuteRate() {
        return perUnit(m5, rateUnit);
    }

    @Override
    public double getFifteenMinuteRate() {
        return perUnit(m15, rateUnit);
    }
}
