package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Older Java client lines (3.9, 2.8), each in its own JVM with only its own jar: producer and consumer round trips. */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS})
class OldClientsIT {
    @TempDir
    Path dir;

    // The same round trip with the 3.9 and 2.8 clients: every record back, in order.
    @ParameterizedTest
    @ValueSource(strings = {"3.9", "2.8"})
    void roundTrip(String line) throws Exception {
        Path base = Path.of(System.getProperty("wharf.old.clients", "kafka-tools-classpath/target"));
        String classpath = String.join(File.pathSeparator,
                System.getProperty("wharf.test.classes", "target/test-classes"),
                base.resolve("clients-" + line) + File.separator + "*",
                base.resolve("clients-common") + File.separator + "*");
        try (RunningBroker broker = new RunningBroker(dir, Map.of())) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-cp", classpath, "dev.wharf.compat.oldclient.RoundTripMain", broker.bootstrap(), "old-" + line, "500")
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("OK 500 with kafka-clients " + line + "."), out);
        }
    }
}
