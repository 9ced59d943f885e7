package dev.wharf.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** --version: the build's own version, commit and time, and the Kafka API level. */
class BuildInfoTest {
    // The build filled every part in: the Maven version, a commit (or "unknown" outside git), a UTC time, Kafka 4.4.
    @Test
    void theBuildFillsEveryPartIn() {
        BuildInfo build = BuildInfo.current();
        assertTrue(build.version().matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), build.version());
        assertTrue(build.commit().matches("[0-9a-f]{7,40}|unknown"), build.commit());
        assertTrue(build.built().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), build.built());
        assertEquals("4.4", build.kafkaApiLevel());
    }

    // The text --version prints.
    @Test
    void versionText() {
        assertEquals("Wharf 0.2.0 (commit 6a65fbf, built 2026-12-06T07:00:00Z)\nKafka API compatible with 4.4",
                new BuildInfo("0.2.0", "6a65fbf", "2026-12-06T07:00:00Z", "4.4.0").versionText());
    }
}
