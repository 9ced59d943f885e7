package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * librdkafka, through kcat (a Debian package; .ci/run installs it): produces a few thousand keyed
 * records with headers, consumes them back, and lists metadata.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.INIT_PRODUCER_ID})
class KcatIT {
    private static final int RECORDS = 3000;

    @TempDir
    Path dir;

    /**
     * Runs kcat and returns what it wrote to stdout. Its stderr (librdkafka's log, such as a refused
     * connection to a bootstrap broker that is down) is kept apart, so it never mixes with records,
     * and is shown when kcat fails.
     */
    static String kcat(String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("kcat");
        command.addAll(List.of(args));
        Path stderr = Files.createTempFile("kcat", ".stderr");
        Process p;
        try {
            p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        } catch (IOException e) {
            Files.deleteIfExists(stderr);
            throw new IllegalStateException("kcat is not installed: `apt-get install kcat` (.ci/run does)", e);
        }
        try {
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("kcat did not finish:\n" + out + Files.readString(stderr));
            }
            assertEquals(0, p.exitValue(), "kcat " + String.join(" ", args) + " failed:\n" + out + Files.readString(stderr));
            return out;
        } finally {
            Files.deleteIfExists(stderr);
        }
    }

    // Keyed records with headers go in through librdkafka's producer and come back through its consumer.
    @Test
    void produceConsumeAndMetadata() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of())) {
            String b = broker.bootstrap();
            StringBuilder input = new StringBuilder();
            for (int i = 0; i < RECORDS; i++) {
                input.append("key-").append(i).append(':').append("value-").append(i).append('\n');
            }
            kcat(input.toString(), "-b", b, "-t", "rdkafka", "-P", "-K:", "-H", "origin=kcat", "-X", "acks=all");
            String out = kcat(null, "-b", b, "-t", "rdkafka", "-C", "-o", "beginning", "-e", "-q", "-f", "%o|%k|%s|%h\\n");
            List<String> lines = out.lines().filter(l -> l.contains("|")).toList();
            assertEquals(RECORDS, lines.size(), out.length() > 2000 ? out.substring(0, 2000) : out);
            for (int i = 0; i < RECORDS; i++) {
                assertEquals(i + "|key-" + i + "|value-" + i + "|origin=kcat", lines.get(i));
            }
            String metadata = kcat(null, "-b", b, "-L");
            assertTrue(metadata.contains("topic \"rdkafka\" with 1 partitions"), metadata);
            assertTrue(metadata.contains("broker 0 at"), metadata);
        }
    }
}
