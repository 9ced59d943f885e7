package dev.wharf.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Version ranges as the specs write them. */
class VersionsTest {

    // "3", "0-12", "9+" and "none" parse to the right inclusive ranges and print back the same.
    @Test
    void parsesEverySpecForm() {
        assertEquals(new Versions((short) 3, (short) 3), Versions.parse("3"));
        assertEquals(new Versions((short) 0, (short) 12), Versions.parse("0-12"));
        assertEquals(new Versions((short) 9, Short.MAX_VALUE), Versions.parse("9+"));
        assertTrue(Versions.parse("none").isEmpty());
        for (String s : new String[] {"3", "0-12", "9+", "none"}) {
            assertEquals(s, Versions.parse(s).toString());
        }
        assertThrows(SpecException.class, () -> Versions.parse("x+"));
    }

    // Intersections and coverage drive which version checks the generated code needs.
    @Test
    void intersectAndCover() {
        Versions all = Versions.parse("0-13");
        assertEquals(Versions.parse("9-13"), Versions.parse("9+").intersect(all));
        assertTrue(Versions.parse("14+").intersect(all).isEmpty());
        assertTrue(Versions.parse("0+").covers(all));
        assertFalse(Versions.parse("1+").covers(all));
        assertTrue(Versions.parse("1+").covers(Versions.NONE));
        assertTrue(Versions.parse("2-4").contains(3));
        assertFalse(Versions.parse("2-4").contains(5));
    }
}
