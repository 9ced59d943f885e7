package dev.wharf.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The operator's scripts as an operator runs them, on the packaged broker: {@code bin/wharf-server-start.sh}
 * with either logging backend, its start-up summary and ignored-keys line, {@code --version} and
 * {@code --help}, and the stop scripts ending what they should and nothing else (each stop names
 * this test's own directory, so brokers of other runs on the machine are never touched). Each test
 * owns its processes and kills what is left of them afterwards. Runs on the test thread.
 */
class ScriptsIT {
    private static final Path ROOT = Path.of(System.getProperty("wharf.root", "..")).toAbsolutePath().normalize();
    private static final Duration STARTED_WITHIN = Duration.ofSeconds(90);
    private static final Duration STOPPED_WITHIN = Duration.ofSeconds(45);

    private final Path dir = ROOT.resolve("server/target/scripts-it").resolve(UUID.randomUUID().toString());
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.stream().filter(Process::isAlive).forEach(Process::destroyForcibly);
    }

    // --version names the build, its commit and the Kafka API level; --help the usage; both exit 0 at once.
    @Test
    void versionAndHelp() throws Exception {
        Files.createDirectories(dir);
        Finished version = run(Map.of(), "bin/wharf-server-start.sh", "--version");
        assertEquals(0, version.status(), version.output());
        assertTrue(version.output().matches("Wharf \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit ([0-9a-f]{7,40}|unknown), "
                + "built \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\)\nKafka API compatible with 4\\.4\n"), version.output());
        Finished help = run(Map.of(), "bin/wharf-server-start.sh", "--help");
        assertEquals(0, help.status(), help.output());
        assertTrue(help.output().startsWith("usage: wharf-server-start.sh"), help.output());
    }

    // Either backend: one summary line once up, the ignored key named once at INFO (never WARN), an unknown
    // key warned about, a record acknowledged, and the stop script shutting it down cleanly (its closing line logged).
    // slf4j-simple takes its settings from config/simplelogger.properties (here one without thread names, in an
    // installation of its own); log4j2 from config/log4j2.properties with its examples on (a server.log too).
    @ParameterizedTest
    @ValueSource(strings = {"slf4j-simple", "log4j2"})
    void startSumUpServeAndStop(String backend) throws Exception {
        Files.createDirectories(dir);
        Path data = dir.resolve("data");
        Path console = dir.resolve("console.log");
        Path home = ROOT;
        Map<String, String> env = Map.of("WHARF_HEAP_OPTS", "-Xmx256m");
        if (backend.equals("log4j2")) {
            env = Map.of("WHARF_HEAP_OPTS", "-Xmx256m", "WHARF_LOG_DIR", dir.resolve("applogs").toString(),
                    "WHARF_LOG4J_OPTS", "-Dlog4j2.configurationFile=" + withExamplesOn(ROOT.resolve("config/log4j2.properties")));
        } else {
            home = installation();
            Files.writeString(home.resolve("config/simplelogger.properties"), "\norg.slf4j.simpleLogger.showThreadName = false\n",
                    StandardOpenOption.APPEND);
        }
        Process broker = start(home, env, console, "bin/wharf-server-start.sh", "config/server.properties",
                "--override", "listeners=PLAINTEXT://127.0.0.1:0", "--override", "log.dirs=" + data,
                "--override", "zookeeper.embedded.port=0", "--override", "socket.send.buffer.bytes=102400",
                "--override", "schema.registry.listeners=http://127.0.0.1:0",
                "--override", "wharf.no.such.key=1");
        Pattern summary = Pattern.compile("INFO dev\\.wharf\\.server\\.Main - Wharf \\S+ started: broker\\.id=0 cluster\\.id=\\S+ "
                + "listeners=PLAINTEXT://127\\.0\\.0\\.1:(\\d+) log\\.dirs=" + Pattern.quote(data.toString())
                + " zookeeper=embedded 127\\.0\\.0\\.1:\\d+ in \\d+ ms");
        await().atMost(STARTED_WITHIN).pollInterval(Duration.ofMillis(100))
                .until(() -> !broker.isAlive() || lines(console).stream().anyMatch(l -> summary.matcher(l).find()));
        List<String> lines = lines(console);
        assertTrue(broker.isAlive(), "the broker exited:\n" + String.join("\n", lines));
        List<String> summaries = lines.stream().filter(l -> summary.matcher(l).find()).toList();
        assertEquals(1, summaries.size(), summaries.toString());
        assertEquals(backend.equals("log4j2"), summaries.get(0).contains(" [main] INFO "), summaries.get(0));

        List<String> ignored = lines.stream().filter(l -> l.contains("socket.send.buffer.bytes")).toList();
        assertEquals(1, ignored.size(), ignored.toString());
        assertTrue(ignored.get(0).contains(" INFO dev.wharf.server.Broker - ignored configs (") && ignored.get(0)
                .endsWith("): socket.send.buffer.bytes"), ignored.get(0));
        assertEquals(1, lines.stream().filter(l -> l.contains(" WARN ") && l.contains("unknown config 'wharf.no.such.key'")).count());

        Matcher port = summary.matcher(summaries.get(0));
        assertTrue(port.find());
        assertEquals(0, produceOne("127.0.0.1:" + port.group(1)).offset());
        assertRegistryAnswers(lines);
        if (backend.equals("log4j2")) {
            // the file example of config/log4j2.properties, turned on, writes what the console shows
            Path serverLog = dir.resolve("applogs/server.log");
            assertTrue(lines(serverLog).stream().anyMatch(l -> summary.matcher(l).find()), "no summary in " + serverLog);
        }

        Finished stop = run(Map.of(), "bin/wharf-server-stop.sh", data.toString());
        assertEquals(0, stop.status(), stop.output());
        assertTrue(broker.waitFor(STOPPED_WITHIN.toSeconds(), TimeUnit.SECONDS), "still running after SIGTERM");
        assertEquals(143, broker.exitValue()); // 128 + SIGTERM, after the shutdown hook ran
        List<String> after = lines(console);
        assertEquals(1, after.stream().filter(l -> l.endsWith("INFO dev.wharf.server.Broker - Wharf broker 0 stopped")).count(),
                String.join("\n", after.subList(Math.max(0, after.size() - 10), after.size())));
        assertFalse(after.stream().anyMatch(l -> l.contains(" ERROR ")), "errors in " + console);

        Finished none = run(Map.of(), "bin/wharf-server-stop.sh", data.toString());
        assertEquals(1, none.status(), none.output());
        assertEquals("No Wharf broker to stop matching '" + data + "'\n", none.output());
    }

    // The standalone ZooKeeper stops with its stop script, picked by its config file.
    @Test
    void zookeeperStopScript() throws Exception {
        Files.createDirectories(dir);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("zookeeper.properties");
        Files.writeString(config, "dataDir=" + dir.resolve("zk") + "\nclientPort=" + port
                + "\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\n");
        Process zookeeper = start(Map.of("WHARF_HEAP_OPTS", "-Xmx128m"), dir.resolve("zookeeper.log"),
                "bin/wharf-zookeeper-start.sh", config.toString());
        await().atMost(STARTED_WITHIN).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> !zookeeper.isAlive() || accepts(port));
        assertTrue(zookeeper.isAlive(), String.join("\n", lines(dir.resolve("zookeeper.log"))));

        Finished stop = run(Map.of(), "bin/wharf-zookeeper-stop.sh", config.toString());
        assertEquals(0, stop.status(), stop.output());
        assertTrue(zookeeper.waitFor(STOPPED_WITHIN.toSeconds(), TimeUnit.SECONDS), "still running after SIGTERM");
        assertEquals(1, run(Map.of(), "bin/wharf-zookeeper-stop.sh", config.toString()).status());
    }

    /**
     * bin/ and config/ copied to a directory of their own, with the built broker linked in: an
     * installation whose config files a test may change, recording its class-data archives apart.
     */
    private Path installation() throws IOException {
        Path home = dir.resolve("home");
        for (String sub : List.of("bin", "config")) {
            try (var files = Files.list(ROOT.resolve(sub))) {
                Files.createDirectories(home.resolve(sub));
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, home.resolve(sub).resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        Path target = Files.createDirectories(home.resolve("server/target"));
        try (var files = Files.list(ROOT.resolve("server/target"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().matches("wharf-server-.*\\.jar|lib|log4j2")).toList()) {
                Files.createSymbolicLink(target.resolve(f.getFileName()), f);
            }
        }
        return home;
    }

    /** A copy of the shipped log4j2 config with every commented example line turned on. */
    private Path withExamplesOn(Path shipped) throws IOException {
        List<String> on = Files.readAllLines(shipped).stream()
                .map(l -> l.matches("#(appender|logger|rootLogger)\\..*=.*") ? l.substring(1) : l).toList();
        Path copy = dir.resolve("log4j2.properties");
        Files.write(copy, on);
        return copy;
    }

    /** The schema registry of config/server.properties is on: it registers a schema as Confluent's clients ask. */
    private static void assertRegistryAnswers(List<String> lines) throws Exception {
        Pattern listening = Pattern.compile("schema registry listening on (http://127\\.0\\.0\\.1:\\d+)");
        String base = lines.stream().map(listening::matcher).filter(Matcher::find).map(m -> m.group(1)).findFirst()
                .orElseThrow(() -> new AssertionError("no schema registry line in:\n" + String.join("\n", lines)));
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<String> registered = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(base + "/subjects/greetings-value/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"schema\":\"\\\"string\\\"\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, registered.statusCode(), registered.body());
        assertEquals("{\"id\":1}", registered.body());
        java.net.http.HttpResponse<String> subjects = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(base + "/subjects")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals("[\"greetings-value\"]", subjects.body());
    }

    private static RecordMetadata produceOne(String bootstrap) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            return producer.send(new ProducerRecord<>("scripts-it", "k", "v")).get(40, TimeUnit.SECONDS);
        }
    }

    private static boolean accepts(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        }
    }

    private Process start(Map<String, String> env, Path output, String... command) throws IOException {
        return start(ROOT, env, output, command);
    }

    /** Runs {@code command} (a script and its arguments) in {@code home}, with only the WHARF_ variables given. */
    private Process start(Path home, Map<String, String> env, Path output, String... command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command(command)).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("WHARF_"));
        builder.environment().putAll(env);
        Process p = builder.start();
        started.add(p);
        return p;
    }

    /** Runs a script to its end (bounded), with its output and exit status. */
    private Finished run(Map<String, String> env, String... command) throws Exception {
        Path output = dir.resolve("run-" + UUID.randomUUID() + ".out");
        Process p = start(env, output, command);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        return new Finished(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    private static List<String> command(String... command) {
        List<String> out = new ArrayList<>(List.of("bash"));
        out.addAll(List.of(command));
        return out;
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    private record Finished(int status, String output) {}
}
