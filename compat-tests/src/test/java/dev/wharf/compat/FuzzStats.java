package dev.wharf.compat;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What the hostile clients did, summed over all their threads. Thread-safe. */
final class FuzzStats {
    /** The kinds of thing a hostile client does, one per session. */
    enum Attack { PIPELINE, TRUNCATED, BAD_LENGTH, SLOW_LORIS, DRIP, FLOOD, SASL }

    private final LongAdder frames = new LongAdder();
    private final LongAdder mutated = new LongAdder();
    private final LongAdder connections = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder responseBytes = new LongAdder();
    private final Map<Attack, LongAdder> sessions = new EnumMap<>(Attack.class);

    FuzzStats() {
        for (Attack a : Attack.values()) {
            sessions.put(a, new LongAdder());
        }
    }

    /** A frame was written, whole or in part. */
    void frame(boolean wasMutated) {
        frames.increment();
        if (wasMutated) {
            mutated.increment();
        }
    }

    void connection() {
        connections.increment();
    }

    /** A connect failed, or a write found the connection already closed by the broker. */
    void refused() {
        refused.increment();
    }

    void responseBytes(long n) {
        responseBytes.add(n);
    }

    void session(Attack attack) {
        sessions.get(attack).increment();
    }

    long frames() {
        return frames.sum();
    }

    long connections() {
        return connections.sum();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        s.append(frames.sum()).append(" frames (").append(mutated.sum()).append(" mutated) on ").append(connections.sum())
                .append(" connections, ").append(refused.sum()).append(" writes or connects refused, ")
                .append(responseBytes.sum()).append(" response bytes; sessions:");
        sessions.forEach((a, n) -> s.append(' ').append(a).append('=').append(n.sum()));
        return s.toString();
    }
}
