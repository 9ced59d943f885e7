package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker as its own process, killed with SIGKILL while an acks=all producer runs: after a
 * restart every acknowledged record is there.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.INIT_PRODUCER_ID})
class SigkillIT {
    private static final long RUN_LIMIT_MS = 20_000;
    private static final int ACKS_BEFORE_KILL = 3_000;

    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Process startBroker(int port, int zkPort, Path log) throws IOException {
        long readyBefore = Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> l.contains(" ready")).count() : 0;
        Path target = Path.of(System.getProperty("wharf.server.target", "../server/target"));
        String jar;
        try (var files = Files.list(target)) {
            jar = files.filter(f -> f.getFileName().toString().matches("wharf-server-.*(?<!-tests)\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("build the server first: no jar in " + target)).toString();
        }
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", jar + File.pathSeparator + target.resolve("lib") + File.separator + "*", "dev.wharf.server.Main",
                "--override", "listeners=PLAINTEXT://127.0.0.1:" + port,
                "--override", "log.dirs=" + dir.resolve("logs"),
                "--override", "zookeeper.embedded.port=" + zkPort,
                "--override", "zookeeper.session.timeout.ms=10000",
                "--override", "offsets.topic.replication.factor=1")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        await().atMost(Duration.ofSeconds(60)).until(() ->
                Files.readAllLines(log).stream().filter(l -> l.contains(" ready")).count() > readyBefore);
        return p;
    }

    // Every record the broker acknowledged before it was SIGKILLed is readable after it restarts.
    @Test
    void acknowledgedRecordsSurviveSigkill() throws Exception {
        ExternalBroker.assumeOwnBroker("runs Wharf as its own process to SIGKILL and restart it");
        int port = freePort();
        int zkPort = freePort();
        Path log = dir.resolve("broker.log");
        Process broker = startBroker(port, zkPort, log);
        String bootstrap = "127.0.0.1:" + port;
        ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "1", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "5000",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000"), new StringSerializer(), new StringSerializer())) {
            long deadline = System.currentTimeMillis() + RUN_LIMIT_MS;
            int i = 0;
            while (acked.size() < ACKS_BEFORE_KILL && System.currentTimeMillis() < deadline) {
                String value = "v" + i++;
                producer.send(new ProducerRecord<>("durable", value), (md, e) -> {
                    if (e == null) {
                        acked.add(value);
                    }
                });
                if (i % 100 == 0) {
                    producer.flush();
                }
            }
            broker.destroyForcibly(); // SIGKILL while sends are in flight
            assertTrue(broker.waitFor(30, TimeUnit.SECONDS));
            producer.close(Duration.ZERO);
        }
        assertTrue(acked.size() >= ACKS_BEFORE_KILL / 2, "too few acknowledgements: " + acked.size());

        Process restarted = startBroker(port, zkPort, log);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", bootstrap), new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition("durable", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            Set<String> seen = new HashSet<>();
            Set<String> expected = new HashSet<>(acked);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.value()));
                return seen.containsAll(expected);
            });
            System.out.printf("sigkill: %d records acknowledged before the kill, all found after restart (%d read)%n",
                    expected.size(), seen.size());
        } finally {
            restarted.destroy();
            restarted.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
