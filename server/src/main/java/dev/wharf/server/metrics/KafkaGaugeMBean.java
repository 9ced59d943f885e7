package dev.wharf.server.metrics;

/** A Kafka (Yammer) gauge as JMX shows it: one value, read when asked. */
public interface KafkaGaugeMBean {
    Object getValue();
}
