package dev.wharf.server.metrics;

import com.codahale.metrics.Meter;
import java.util.concurrent.TimeUnit;

/**
 * A count of events and its exponentially weighted one-, five- and fifteen-minute rates per
 * second, as Kafka's Yammer meters give them. Dropwizard's {@link Meter} does the counting: a
 * {@code mark} adds to striped counters and allocates nothing. Thread-safe; marked from any thread.
 */
public final class KafkaMeter implements KafkaMeterMBean {
    private final Meter meter = new Meter();
    private final String eventType;
    /** Per second for counts; Kafka's idle-time meters count nanoseconds per nanosecond (a fraction). */
    private final TimeUnit rateUnit;

    public KafkaMeter(String eventType) {
        this(eventType, TimeUnit.SECONDS);
    }

    public KafkaMeter(String eventType, TimeUnit rateUnit) {
        this.eventType = eventType;
        this.rateUnit = rateUnit;
    }

    /** Dropwizard's rates are per second. */
    private double inUnit(double perSecond) {
        return perUnit(perSecond, rateUnit);
    }

    static double perUnit(double perSecond, TimeUnit unit) {
        return perSecond * unit.toNanos(1) / TimeUnit.SECONDS.toNanos(1);
    }

    public void mark() {
        meter.mark();
    }

    public void mark(long n) {
        meter.mark(n);
    }

    @Override
    public long getCount() {
        return meter.getCount();
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
        return inUnit(meter.getMeanRate());
    }

    @Override
    public double getOneMinuteRate() {
        return inUnit(meter.getOneMinuteRate());
    }

    @Override
    public double getFiveMinuteRate() {
        return inUnit(meter.getFiveMinuteRate());
    }

    @Override
    public double getFifteenMinuteRate() {
        return inUnit(meter.getFifteenMinuteRate());
    }
}
