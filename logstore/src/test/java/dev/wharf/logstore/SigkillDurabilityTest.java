package dev.wharf.logstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A separate JVM appends and flushes in a loop, reporting each flushed offset; it is killed with
 * SIGKILL at a random moment. Reopening the log finds every reported offset, and nothing torn.
 */
class SigkillDurabilityTest {
    private static final int ROUNDS = 3;
    private static final int MAX_BATCHES = 200_000;

    @TempDir
    Path tmp;

    // Every offset reported as flushed before the SIGKILL is there after recovery, records intact.
    @Test
    void everyFlushedOffsetSurvivesSigkill() throws Exception {
        Random random = new Random();
        for (int round = 0; round < ROUNDS; round++) {
            Path dir = tmp.resolve("round-" + round);
            int killAfterReports = 20 + random.nextInt(300);
            Process victim = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), KillTestAppender.class.getName(), dir.toString(),
                    Integer.toString(MAX_BATCHES))
                    .redirectError(tmp.resolve("victim-" + round + ".err").toFile())
                    .start();
            long lastReported = -1;
            int reports = 0;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(victim.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while (reports < killAfterReports && (line = out.readLine()) != null) {
                    if (line.startsWith("flushed ")) {
                        lastReported = Long.parseLong(line.substring("flushed ".length()));
                        reports++;
                    }
                }
                victim.destroyForcibly(); // SIGKILL: no shutdown hooks, no clean marker, page cache only
                assertTrue(victim.waitFor(30, TimeUnit.SECONDS), "victim did not die");
            }
            assertEquals(killAfterReports, reports, "the victim stopped early; see victim-" + round + ".err");

            LogManager manager = new LogManager(List.of(dir), LogConfig.DEFAULTS, 60_000, System::currentTimeMillis);
            manager.startup();
            PartitionLog log = manager.get(new TopicPartition("kill", 0)).orElseThrow();
            assertTrue(log.logEndOffset() > lastReported,
                    "flushed offset " + lastReported + " lost: log ends at " + log.logEndOffset());
            List<TestLogs.Written> records = TestLogs.readAll(log, 0, 1 << 20);
            assertEquals(log.logEndOffset(), records.size());
            for (int i = 0; i < records.size(); i++) {
                assertEquals(i, records.get(i).offset());
            }
            System.out.printf("sigkill round %d: killed after %d flushes (offset %d), recovered %d records%n",
                    round, reports, lastReported, records.size());
            manager.close();
        }
    }
}
