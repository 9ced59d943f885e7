package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka 4.4.0's {@code ReplicaVerificationTool} against three Wharf brokers: it fetches every
 * partition from every replica (as the debugging consumer, replica id -2, from followers too) and
 * compares the batches' offsets and checksums; it must report every replica caught up (max lag 0)
 * and never a mismatch (on which it exits).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicaVerificationIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOPIC = "verified";
    private static final int RECORDS = 3_000;

    @TempDir
    static Path dir;

    private Cluster cluster;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = Cluster.start(dir, 3, Map.of());
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    // Every replica of every partition holds the same batches as its leader.
    @Test
    void replicasMatch() throws Exception {
        cluster.createReplicatedTopic(TOPIC, 3, WAIT);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(TOPIC, "key-" + i, "value-" + i));
            }
            producer.flush();
        }
        assertTrue(cluster.awaitFullIsr(TOPIC, WAIT), "the ISR never filled");

        Path lib = Path.of(System.getProperty("wharf.kafka.tools.lib", "kafka-tools-classpath/target/lib"));
        Process tool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", lib + File.separator + "*", "org.apache.kafka.tools.ReplicaVerificationTool",
                "--broker-list", cluster.bootstrapServers(), "--topics-include", TOPIC, "--time", "-2",
                "--report-interval-ms", "1000").redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        boolean caughtUp = false;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(tool.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            String line;
            // the tool runs until stopped, reporting every second: read until it reports every replica caught up
            while (System.nanoTime() < deadline && (line = lines.readLine()) != null) {
                output.add(line);
                if (line.contains("max lag is 0 for partition")) {
                    caughtUp = true;
                    break;
                }
            }
            assertTrue(tool.isAlive(), "the tool stopped (it exits on a mismatch):\n" + String.join("\n", output));
        } finally {
            tool.destroy();
            if (!tool.waitFor(10, TimeUnit.SECONDS)) {
                tool.destroyForcibly();
            }
        }
        String all = String.join("\n", output);
        assertTrue(caughtUp, "no report of every replica caught up:\n" + all);
        assertEquals(List.of(), output.stream().filter(l -> l.contains("doesn't match") || l.contains("unmatched checksum")
                || l.contains("Error in processing")).toList(), all);
    }
}
