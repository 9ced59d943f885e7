package dev.wharf.server.feature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.wire.message.ApiKey;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Finalized levels from what ZooKeeper holds, and which APIs they let through. */
class FinalizedFeaturesTest {
    // Nothing stored: every feature at the highest level supported (share.version 2, as Kafka 4.4), transaction.version at the config's.
    @Test
    void defaults() {
        FinalizedFeatures f = new FinalizedFeatures((short) 1);
        assertEquals(1, f.level(Feature.GROUP_VERSION));
        assertEquals(2, f.level(Feature.SHARE_VERSION));
        assertEquals(1, f.level(Feature.TRANSACTION_VERSION));
        assertEquals(1, f.levels().epoch());
        assertTrue(f.serves(ApiKey.CONSUMER_GROUP_HEARTBEAT));
        assertTrue(f.enables(ApiKey.CONSUMER_GROUP_HEARTBEAT));
        assertTrue(f.serves(ApiKey.PRODUCE));
        assertTrue(f.enables(ApiKey.PRODUCE));
    }

    // Stored levels replace the defaults, clamped to what is supported; unknown names are ignored.
    // A feature at 0 leaves its APIs served (advertised) but not enabled (answered UNSUPPORTED_VERSION).
    @Test
    void storedLevels() {
        FinalizedFeatures f = new FinalizedFeatures((short) 2);
        f.update(Map.of("group.version", "0", "transaction.version", "9", "no.such.version", "3", "epoch", "7"));
        assertEquals(0, f.level(Feature.GROUP_VERSION));
        assertEquals(2, f.level(Feature.TRANSACTION_VERSION));
        assertEquals(7, f.levels().epoch());
        assertTrue(f.serves(ApiKey.CONSUMER_GROUP_HEARTBEAT));
        assertFalse(f.enables(ApiKey.CONSUMER_GROUP_HEARTBEAT));
        assertFalse(f.enables(ApiKey.CONSUMER_GROUP_DESCRIBE));
        assertTrue(f.enables(ApiKey.JOIN_GROUP));
        f.update(Map.of());
        assertTrue(f.enables(ApiKey.CONSUMER_GROUP_HEARTBEAT));
    }

    // A protocol left out of group.coordinator.rebalance.protocols is off whatever its feature's level.
    @Test
    void rebalanceProtocolsSwitchApisOff() {
        FinalizedFeatures f = new FinalizedFeatures((short) 2, List.of("classic", "streams"));
        assertEquals(1, f.level(Feature.GROUP_VERSION));
        assertFalse(f.serves(ApiKey.CONSUMER_GROUP_HEARTBEAT));
        assertTrue(f.serves(ApiKey.STREAMS_GROUP_HEARTBEAT));
        assertTrue(f.serves(ApiKey.SHARE_FETCH));
    }
}
