package dev.wharf.server.metrics;

import java.util.concurrent.TimeUnit;

/** The attributes of a Kafka (Yammer) meter as JMX shows them: a count and its decaying rates. */
public interface KafkaMeterMBean {
    long getCount();

    String getEventType();

    TimeUnit getRateUnit();

    double getMeanRate();

    double getOneMinuteRate();

    double getFiveMinuteRate();

    double getFifteenMinuteRate();
}
