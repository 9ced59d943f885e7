package dev.wharf.server.feature;

import dev.wharf.wire.message.ApiKey;
import java.util.Optional;
import java.util.Set;

/**
 * The features (KIP-584) Wharf supports, each with the levels it can run at and the APIs that only
 * work from level 1: below it ApiVersions still lists them, as Kafka 4.4 does, but their requests
 * are answered UNSUPPORTED_VERSION. Immutable.
 */
public enum Feature {
    /** Level 1: consumer groups of the KIP-848 protocol. */
    GROUP_VERSION("group.version", 1, Set.of(ApiKey.CONSUMER_GROUP_HEARTBEAT, ApiKey.CONSUMER_GROUP_DESCRIBE)),
    /**
     * Level 1: share groups (KIP-932). Level 2, which Kafka 4.4 finalizes on a new cluster, adds
     * share groups' dead-letter queues (KIP-1191): Wharf has none, so 2 serves as 1.
     */
    SHARE_VERSION("share.version", 2, Set.of(ApiKey.SHARE_GROUP_HEARTBEAT, ApiKey.SHARE_GROUP_DESCRIBE,
            ApiKey.SHARE_FETCH, ApiKey.SHARE_ACKNOWLEDGE, ApiKey.DESCRIBE_SHARE_GROUP_OFFSETS,
            ApiKey.ALTER_SHARE_GROUP_OFFSETS, ApiKey.DELETE_SHARE_GROUP_OFFSETS, ApiKey.INITIALIZE_SHARE_GROUP_STATE,
            ApiKey.READ_SHARE_GROUP_STATE, ApiKey.WRITE_SHARE_GROUP_STATE, ApiKey.DELETE_SHARE_GROUP_STATE,
            ApiKey.READ_SHARE_GROUP_STATE_SUMMARY)),
    /** Level 1: streams groups (KIP-1071). */
    STREAMS_VERSION("streams.version", 1, Set.of(ApiKey.STREAMS_GROUP_HEARTBEAT, ApiKey.STREAMS_GROUP_DESCRIBE)),
    /** Level 2: Java clients 4.0+ speak transaction version 2 (KIP-890); below it version 1. Gates no API. */
    TRANSACTION_VERSION("transaction.version", 2, Set.of());

    public final String featureName;
    /** The highest level this broker supports; the lowest is 0 for every feature. */
    public final short maxLevel;
    private final Set<ApiKey> gatedApis;

    Feature(String featureName, int maxLevel, Set<ApiKey> gatedApis) {
        this.featureName = featureName;
        this.maxLevel = (short) maxLevel;
        this.gatedApis = gatedApis;
    }

    /** The feature that must be finalized at 1 or more for {@code api} to be served, if any. */
    public static Optional<Feature> gating(ApiKey api) {
        for (Feature f : values()) {
            if (f.gatedApis.contains(api)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    public static Optional<Feature> named(String name) {
        for (Feature f : values()) {
            if (f.featureName.equals(name)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
