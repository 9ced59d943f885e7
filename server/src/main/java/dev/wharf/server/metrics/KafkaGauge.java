package dev.wharf.server.metrics;

import java.util.function.Supplier;

/** A value (a number; ClusterId's is a string) read when JMX or a scrape asks for it (never computed on a hot path). Thread-safe if its supplier is. */
public final class KafkaGauge implements KafkaGaugeMBean {
    private final Supplier<?> value;

    public KafkaGauge(Supplier<?> value) {
        this.value = value;
    }

    @Override
    public Object getValue() {
        return value.get();
    }

    double doubleValue() {
        return value.get() instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
