package dev.wharf.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * What build this broker is, for {@code --version} and the start-up summary: the Maven project
 * version, the build time and the Kafka release whose protocol it speaks (the version the
 * compatibility tests run against), from {@code build.properties} filled in at build time, and the
 * git commit from {@code commit}, written by the build ({@code unknown} when built outside a git
 * checkout). Read once; immutable.
 *
 * @param kafka the Kafka release clients see this broker as, e.g. {@code 4.4.0}
 */
record BuildInfo(String version, String commit, String built, String kafka) {
    /** This build's, or "unknown" parts when run from classes the build did not process. */
    static BuildInfo current() {
        Properties props = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                props.load(in);
            }
        } catch (IOException e) {
            // the parts stay unknown: nothing else depends on them
        }
        String commit = "unknown";
        try (InputStream in = BuildInfo.class.getResourceAsStream("commit")) {
            if (in != null) {
                String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
                commit = text.isEmpty() ? commit : text;
            }
        } catch (IOException e) {
            // unknown, as outside a git checkout
        }
        return new BuildInfo(known(props.getProperty("version")), commit, known(props.getProperty("built")),
                known(props.getProperty("kafka")));
    }

    /** A value filled in by the build, or "unknown" for a missing or unfilled one. */
    private static String known(String value) {
        return value == null || value.isBlank() || value.startsWith("${") ? "unknown" : value.strip();
    }

    /** {@code Wharf 0.1.0 (commit 6a65fbf, built 2026-12-06T07:00:00Z)} and the Kafka API level on a second line. */
    String versionText() {
        return "Wharf " + version + " (commit " + commit + ", built " + built + ")\n"
                + "Kafka API compatible with " + kafkaApiLevel();
    }

    /** The Kafka release as major.minor, the level a client's feature checks go by: 4.4.0 gives 4.4. */
    String kafkaApiLevel() {
        String[] parts = kafka.split("\\.");
        return parts.length >= 2 ? parts[0] + "." + parts[1] : kafka;
    }
}
