package dev.wharf.server.metrics;

import java.util.concurrent.TimeUnit;

/**
 * A Kafka (Yammer) timer: the rate of events and a histogram of their durations in milliseconds
 * (LeaderElectionRateAndTimeMs, LogFlushRateAndTimeMs). Thread-safe, allocation-free to update.
 */
public final class KafkaTimer implements KafkaTimerMBean {
    private final KafkaMeter meter = new KafkaMeter("calls");
    private final KafkaHistogram histogram = new KafkaHistogram();

    public void update(long millis) {
        meter.mark();
        histogram.update(millis);
    }

    KafkaMeter meter() {
        return meter;
    }

    KafkaHistogram histogram() {
        return histogram;
    }

    @Override
    public long getCount() {
        return meter.getCount();
    }

    @Override
    public TimeUnit getLatencyUnit() {
        return TimeUnit.MILLISECONDS;
    }

    @Override
    public String getEventType() {
        return meter.getEventType();
    }

    @Override
    public TimeUnit getRateUnit() {
        return meter.getRateUnit();
    }

    @Override
    public double getMeanRate() {
        return meter.getMeanRate();
    }

    @Override
    public double getOneMinuteRate() {
        return meter.getOneMinuteRate();
    }

    @Override
    public double getFiveMinuteRate() {
        return meter.getFiveMinuteRate();
    }

    @Override
    public double getFifteenMinuteRate() {
        return meter.getFifteenMinuteRate();
    }

    @Override
    public double getMin() {
        return histogram.getMin();
    }

    @Override
    public double getMax() {
        return histogram.getMax();
    }

    @Override
    public double getMean() {
        return histogram.getMean();
    }

    @Override
    public double getStdDev() {
        return histogram.getStdDev();
    }

    @Override
    public double get50thPercentile() {
        return histogram.get50thPercentile();
    }

    @Override
    public double get75thPercentile() {
        return histogram.get75thPercentile();
    }

    @Override
    public double get95thPercentile() {
        return histogram.get95thPercentile();
    }

    @Override
    public double get98thPercentile() {
        return histogram.get98thPercentile();
    }

    @Override
    public double get99thPercentile() {
        return histogram.get99thPercentile();
    }

    @Override
    public double get999thPercentile() {
        return histogram.get999thPercentile();
    }
}
