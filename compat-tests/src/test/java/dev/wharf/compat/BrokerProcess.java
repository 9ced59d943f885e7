package dev.wharf.compat;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged broker as its own JVM (as in {@link SigkillIT}), on fixed ports so that it can be
 * SIGKILLed and started again on the same directories and address. Output is appended to one log.
 * Overrides come after the defaults here ({@code offsets.topic.replication.factor=1} among them), so they win.
 */
final class BrokerProcess implements AutoCloseable {
    private final Path dir;
    private final Path log;
    private final int port;
    private final int zkPort;
    private final Map<String, String> overrides;
    private Process process;

    BrokerProcess(Path dir, Map<String, String> overrides) throws IOException {
        this.dir = dir;
        this.log = dir.resolve("broker.log");
        this.port = freePort();
        this.zkPort = freePort();
        this.overrides = overrides;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    Path log() {
        return log;
    }

    /** Starts the broker and waits until it logs that it is ready. */
    void start() throws IOException {
        long readyBefore = readyLines();
        Path target = Path.of(System.getProperty("wharf.server.target", "../server/target"));
        String jar;
        try (var files = Files.list(target)) {
            jar = files.filter(f -> f.getFileName().toString().matches("wharf-server-.*(?<!-tests)\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("build the server first: no jar in " + target)).toString();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", jar + File.pathSeparator + target.resolve("lib") + File.separator + "*", "dev.wharf.server.Main",
                "--override", "listeners=PLAINTEXT://127.0.0.1:" + port,
                "--override", "log.dirs=" + dir.resolve("logs"),
                "--override", "zookeeper.embedded.port=" + zkPort,
                "--override", "zookeeper.session.timeout.ms=10000",
                // one broker: Kafka's default of 3 replicas would leave it without group coordinators
                "--override", "offsets.topic.replication.factor=1"));
        overrides.forEach((k, v) -> {
            command.add("--override");
            command.add(k + "=" + v);
        });
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> !process.isAlive() || readyLines() > readyBefore);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("broker did not become ready; log:\n" + tail(), e);
        }
        if (!process.isAlive()) {
            throw new AssertionError("broker exited with " + process.exitValue() + "; log:\n" + tail());
        }
    }

    private long readyLines() throws IOException {
        return Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> l.contains(" ready")).count() : 0;
    }

    /** The last lines of the broker's output, for failure messages. */
    String tail() throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("broker did not die");
        }
    }

    /** SIGTERM (a clean shutdown), then SIGKILL if the broker is still running after 30 s. */
    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(30, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
