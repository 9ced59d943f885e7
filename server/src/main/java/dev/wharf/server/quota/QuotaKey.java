package dev.wharf.server.quota;

import java.util.Optional;

/**
 * The client quota keys Kafka accepts for users and client ids (AlterClientQuotas,
 * {@code kafka-configs --entity-type users|clients}), with the type each value must have.
 */
public enum QuotaKey {
    /** Bytes per second of records a client may produce (KIP-13). */
    PRODUCER_BYTE_RATE("producer_byte_rate", true),
    /** Bytes per second of fetch responses a consumer may get (KIP-13). */
    CONSUMER_BYTE_RATE("consumer_byte_rate", true),
    /** Percentage of one request-handling thread's time a client may take per window (KIP-124). */
    REQUEST_PERCENTAGE("request_percentage", false),
    /** Partition mutations per second (KIP-599). */
    CONTROLLER_MUTATION_RATE("controller_mutation_rate", false);

    public final String key;
    /** Kafka's type is LONG: a value must be whole. */
    final boolean whole;

    QuotaKey(String key, boolean whole) {
        this.key = key;
        this.whole = whole;
    }

    public static Optional<QuotaKey> byKey(String key) {
        for (QuotaKey k : values()) {
            if (k.key.equals(key)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** Why {@code value} is refused for this key, or empty when it is fine. */
    public Optional<String> refusal(double value) {
        if (Double.isNaN(value) || value <= 0) {
            return Optional.of("Quota " + key + " must be greater than 0, got " + value);
        }
        if (whole && (Math.abs(value - Math.rint(value)) > 1e-6 || value > Long.MAX_VALUE)) {
            return Optional.of("Configuration " + key + " must be a Long value");
        }
        return Optional.empty();
    }

    /** The value as stored in ZooKeeper, as Kafka's ZooKeeper mode wrote it: a long as a whole number. */
    public String stored(double value) {
        return whole ? Long.toString(Math.round(value)) : Double.toString(value);
    }
}
