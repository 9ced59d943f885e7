package dev.wharf.server.metrics;

import java.util.concurrent.TimeUnit;

/** A Kafka (Yammer) timer as JMX shows it: a meter of events and a histogram of their durations. */
public interface KafkaTimerMBean extends KafkaMeterMBean, KafkaHistogramMBean {
    @Override
    long getCount();

    TimeUnit getLatencyUnit();
}
