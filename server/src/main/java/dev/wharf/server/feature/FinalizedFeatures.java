package dev.wharf.server.feature;

import dev.wharf.wire.message.ApiKey;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cluster's finalized feature levels as this broker last saw them in ZooKeeper, and the
 * epoch clients use to tell newer from older (KIP-584). Features never written are at their
 * defaults: the highest level this broker supports, except {@code transaction.version}, which
 * starts at the broker's {@code transaction.version} config. Every broker follows the same
 * znode, so an UpdateFeatures through any of them reaches all.
 *
 * <p>Threads: {@link #update} on {@code wharf-zk-events}; everything else on any thread, reading
 * an immutable snapshot.
 */
public final class FinalizedFeatures {
    /** One consistent view: every feature's level and the epoch it was finalized at. */
    public record Levels(Map<Feature, Short> levels, long epoch) {
        public short level(Feature f) {
            return levels.get(f);
        }
    }

    private final Map<Feature, Short> defaults;
    /** Features whose APIs stay off whatever their level: their protocol is not in group.coordinator.rebalance.protocols. */
    private final Set<Feature> switchedOff;
    private volatile Levels current;

    /** Every protocol enabled: for tests and tools that have no broker config. */
    public FinalizedFeatures(short transactionVersion) {
        this(transactionVersion, List.of("classic", "consumer", "streams"));
    }

    /**
     * @param rebalanceProtocols {@code group.coordinator.rebalance.protocols}: without "consumer"
     *     (or "streams") the KIP-848 (KIP-1071) APIs are not served, whatever the feature's level
     */
    public FinalizedFeatures(short transactionVersion, List<String> rebalanceProtocols) {
        Set<Feature> off = EnumSet.noneOf(Feature.class);
        if (!rebalanceProtocols.contains("consumer")) {
            off.add(Feature.GROUP_VERSION);
        }
        if (!rebalanceProtocols.contains("streams")) {
            off.add(Feature.STREAMS_VERSION);
        }
        this.switchedOff = off;
        Map<Feature, Short> d = new EnumMap<>(Feature.class);
        for (Feature f : Feature.values()) {
            d.put(f, f == Feature.TRANSACTION_VERSION ? transactionVersion : f.maxLevel);
        }
        this.defaults = Map.copyOf(d);
        this.current = new Levels(defaults, 1);
    }

    public Levels levels() {
        return current;
    }

    public short level(Feature f) {
        return current.level(f);
    }

    /** Whether {@code api} is served at all: its group protocol is not left out of the broker's config. */
    public boolean serves(ApiKey api) {
        return Feature.gating(api).map(f -> !switchedOff.contains(f)).orElse(true);
    }

    /** Whether {@code api} works now: it needs no feature, or its feature is at 1 or more. */
    public boolean enables(ApiKey api) {
        return Feature.gating(api).map(f -> level(f) >= 1).orElse(true);
    }

    /** Follows the stored map (feature names to levels, and {@code "epoch"}) as read from ZooKeeper. */
    public void update(Map<String, String> stored) {
        current = levelsOf(stored);
    }

    /** The levels a stored map means: features it does not name are at their defaults. */
    public Levels levelsOf(Map<String, String> stored) {
        Map<Feature, Short> next = new EnumMap<>(defaults);
        stored.forEach((name, value) -> Feature.named(name).ifPresent(f ->
                next.put(f, (short) Math.max(0, Math.min(f.maxLevel, Short.parseShort(value))))));
        long epoch = Long.parseLong(stored.getOrDefault("epoch", "1"));
        return new Levels(Map.copyOf(next), epoch);
    }
}
