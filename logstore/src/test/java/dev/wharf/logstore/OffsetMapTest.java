package dev.wharf.logstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The cleaner's key map: latest offset per key, bounded by its load factor. */
class OffsetMapTest {
    private static ByteBuf key(String k) {
        return Unpooled.copiedBuffer(k, StandardCharsets.UTF_8);
    }

    // Each key answers its latest offset; unknown keys answer -1.
    @Test
    void remembersTheLatestOffsetPerKey() {
        OffsetMap map = new OffsetMap(24 * 1000, 0.9);
        for (int i = 0; i < 500; i++) {
            assertTrue(map.put(key("k" + (i % 100)), i));
        }
        assertEquals(100, map.size());
        for (int k = 0; k < 100; k++) {
            assertEquals(400 + k, map.get(key("k" + k)));
        }
        assertEquals(-1, map.get(key("absent")));
        assertEquals(499, map.latestOffset());
    }

    // Past slots x load factor keys the map refuses new keys but still updates known ones; clear empties it.
    @Test
    void fillsAtItsLoadFactor() {
        OffsetMap map = new OffsetMap(24 * 100, 0.5);
        assertEquals(50, map.capacity());
        for (int i = 0; i < 50; i++) {
            assertTrue(map.put(key("k" + i), i));
        }
        assertTrue(map.isFull());
        assertFalse(map.put(key("new"), 50));
        assertTrue(map.put(key("k7"), 51));
        assertEquals(51, map.get(key("k7")));
        map.clear();
        assertEquals(0, map.size());
        assertEquals(-1, map.get(key("k7")));
        assertEquals(-1, map.latestOffset());
    }

    // The map starts small and doubles as keys come, every key still answering its offset, up to its limit.
    @Test
    void growsUpToItsLimit() {
        OffsetMap map = new OffsetMap(24 * 20_000, 0.9);
        int initial = map.bytes();
        for (int i = 0; i < 15_000; i++) {
            assertTrue(map.put(key("k" + i), i), "key " + i);
        }
        assertTrue(map.bytes() > initial, map.bytes() + " > " + initial);
        assertTrue(map.bytes() <= 24 * 20_000);
        for (int i = 0; i < 15_000; i++) {
            assertEquals(i, map.get(key("k" + i)));
        }
        for (int i = 15_000; !map.isFull(); i++) {
            map.put(key("k" + i), i);
        }
        assertEquals(map.capacity(), map.size());
        assertFalse(map.put(key("one-too-many"), 1));
    }
}
