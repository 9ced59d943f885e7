package dev.wharf.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The start-up summary line operators grep for. */
class StartupSummaryTest {
    // Every part in its key=value place, log dirs absolute, several listeners comma-separated.
    @Test
    void namesWhatRunsWhereAndHowFast() {
        String line = StartupSummary.format("0.1.0", 1, "Moy_xcg2QLyYknI2_9oAQA",
                List.of("PLAINTEXT://127.0.0.1:9092", "SSL://127.0.0.1:9093"), List.of(Path.of("/var/wharf/a"), Path.of("/var/wharf/b/")),
                "embedded 127.0.0.1:2181", 812);
        assertEquals("Wharf 0.1.0 started: broker.id=1 cluster.id=Moy_xcg2QLyYknI2_9oAQA "
                + "listeners=PLAINTEXT://127.0.0.1:9092,SSL://127.0.0.1:9093 log.dirs=/var/wharf/a,/var/wharf/b "
                + "zookeeper=embedded 127.0.0.1:2181 in 812 ms", line);
    }

    // A relative log dir is shown where it really is.
    @Test
    void relativeLogDirsAreShownAbsolute() {
        String line = StartupSummary.format("0.1.0", 0, "c", List.of("PLAINTEXT://localhost:9092"), List.of(Path.of("data/logs")),
                "zk1:2181,zk2:2181/wharf", 5);
        assertEquals("Wharf 0.1.0 started: broker.id=0 cluster.id=c listeners=PLAINTEXT://localhost:9092 log.dirs="
                + Path.of("data/logs").toAbsolutePath() + " zookeeper=zk1:2181,zk2:2181/wharf in 5 ms", line);
    }
}
