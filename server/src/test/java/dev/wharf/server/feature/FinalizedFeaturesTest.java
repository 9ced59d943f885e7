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
    // Nothing stored: every feature at the highest level supported, transaction.version at the config's.
    @Test
    void defaults() {
        FinalizedFeatures f = new FinalizedFeatures((short) 1);
        assertEquals(1, f.level(Feature.GROUP_VERSION));
        assertEquals(1, f.level(Feature.TRANSACTION_VERSION));
        assertEquals(1, f.levels().epoch());
        assertTrue(f.serves(ApiKey.CONSUMER_GROUP_HEARTBEAT));
        assertTrue(f.serves(ApiKey.PRODUCE));
    }

    // Stored levels replace the defaults, clamped to what is supported; unknown names are ignored.
    @Test
    void storedLevels() {
        FinalizedFeatures f = new FinalizedFeatures((short) 2);
        f.update(Map.of("group.version", "0", "transaction.version", "9", "no.such.version", "3", "epoch", "7"));
        assertEquals(0, f.level(Feature.GROUP_VERSION));
        assertEquals(2, f.level(Feature.TRANSACTION_VERSION));
        assertEquals(7, f.levels().epoch());
        assertFalse(f.serves(ApiKey.CONSUMER_GROUP_HEARTBEAT));
        assertFalse(f.serves(ApiKey.CONSUMER_GROUP_DESCRIBE));
        assertTrue(f.serves(ApiKey.JOIN_GROUP));
        f.update(Map.of());
        assertTrue(f.serves(ApiKey.CONSUMER_GROUP_HEARTBEAT));
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
