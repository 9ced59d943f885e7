package dev.wharf.compat;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The packaged broker as its own JVM (as in {@link SigkillIT}), on a port fixed for its lifetime so
 * that it can be SIGKILLed, SIGSTOPped or restarted and come back on the same directories and
 * address. Output of every run is appended to one log, {@code <dir>/broker.log}.
 * <p>
 * Either standalone, with its own embedded ZooKeeper on a port of its own, or a member of a
 * {@link Cluster}: a fixed broker id and an external {@code zookeeper.connect}, optionally started
 * from one of the shipped config files. Used from one test thread at a time.
 */
final class BrokerProcess implements AutoCloseable {
    private static final Duration READY_WITHIN = Duration.ofSeconds(60);
    private static final Duration STOP_WITHIN = Duration.ofSeconds(30);

    private final Path dir;
    private final Path log;
    private final int port;
    private final Optional<Path> configFile;
    private final String maxHeap;
    /** Passed as {@code --override key=value}, after the config file: they win. */
    private final Map<String, String> settings;
    private final List<String> jvmOptions = new ArrayList<>();
    private Process process;
    private long readyBefore;
    private boolean paused;

    private BrokerProcess(Path dir, Optional<Path> configFile, String maxHeap, Map<String, String> defaults,
            Map<String, String> overrides) throws IOException {
        ExternalBroker.assumeOwnBroker("runs Wharf as its own process (to kill, pause or restart it)");
        this.dir = dir;
        this.log = dir.resolve("broker.log");
        this.port = freePort();
        this.configFile = configFile;
        this.maxHeap = maxHeap;
        this.settings = new LinkedHashMap<>();
        settings.put("listeners", "PLAINTEXT://127.0.0.1:" + port);
        settings.put("log.dirs", dir.resolve("logs").toString());
        settings.put("zookeeper.session.timeout.ms", "10000");
        settings.putAll(defaults);
        settings.putAll(overrides);
        // "{port}" in a setting is this broker's client port: extra listeners beside it (port 0 for theirs)
        settings.replaceAll((key, value) -> value.replace("{port}", Integer.toString(port)));
    }

    /** A broker with its own embedded ZooKeeper (on a free port, kept across restarts). */
    BrokerProcess(Path dir, Map<String, String> overrides) throws IOException {
        // one broker: Kafka's default of 3 replicas for __consumer_offsets would leave it without group coordinators
        this(dir, Optional.empty(), "512m", Map.of("zookeeper.embedded.port", Integer.toString(freePort()),
                "offsets.topic.replication.factor", "1", "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1"), overrides);
    }

    /**
     * Broker {@code id} of a cluster whose ZooKeeper is at {@code zookeeperConnect}, with a small heap.
     * Settings come from {@code configFile} if given; this broker's address, log dir, id and the
     * ZooKeeper connection always override it, and {@code overrides} override everything.
     */
    static BrokerProcess clusterMember(Path dir, int id, String zookeeperConnect, Optional<Path> configFile,
            Map<String, String> overrides) throws IOException {
        return new BrokerProcess(dir, configFile, "256m", Map.of("broker.id", Integer.toString(id),
                "zookeeper.connect", zookeeperConnect), overrides);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Adds JVM options (system properties, diagnostics) to this broker's next starts. */
    BrokerProcess jvmOptions(String... options) {
        jvmOptions.addAll(List.of(options));
        return this;
    }

    int id() {
        return Integer.parseInt(settings.getOrDefault("broker.id", "0"));
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    Path log() {
        return log;
    }

    /** The running JVM's process id. */
    long pid() {
        if (process == null) {
            throw new IllegalStateException("broker " + id() + " was never started");
        }
        return process.pid();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    boolean isPaused() {
        return paused;
    }

    /** Starts the broker and waits until it logs that it is ready. */
    void start() throws IOException {
        launch();
        awaitReady();
    }

    /** Starts the broker's JVM without waiting for it; {@link #awaitReady()} waits. */
    void launch() throws IOException {
        if (isAlive()) {
            throw new IllegalStateException("broker " + id() + " is already running as " + process.pid());
        }
        Files.createDirectories(dir);
        readyBefore = readyLines();
        Path target = Path.of(System.getProperty("wharf.server.target", "../server/target"));
        String jar;
        try (var files = Files.list(target)) {
            jar = files.filter(f -> f.getFileName().toString().matches("wharf-server-.*(?<!-tests)\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("build the server first: no jar in " + target)).toString();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", jar + File.pathSeparator + target.resolve("lib") + File.separator + "*",
                "dev.wharf.server.Main"));
        configFile.ifPresent(f -> command.add(f.toString()));
        settings.forEach((k, v) -> {
            command.add("--override");
            command.add(k + "=" + v);
        });
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        paused = false;
    }

    /** Waits until the JVM {@link #launch()} started logs that it is ready. */
    void awaitReady() throws IOException {
        try {
            await().atMost(READY_WITHIN).pollInterval(Duration.ofMillis(100))
                    .until(() -> !process.isAlive() || readyLines() > readyBefore);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("broker " + id() + " did not become ready; log:\n" + tail(), e);
        }
        if (!process.isAlive()) {
            throw new AssertionError("broker " + id() + " exited with " + process.exitValue() + "; log:\n" + tail());
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

    /**
     * The Java-level deadlocks {@code jstack} finds in the running JVM, as it reports them, or
     * empty when there are none (or no thread dump could be taken): for failure messages.
     */
    String deadlocks() {
        if (!isAlive() || paused) {
            return "";
        }
        Path dump = dir.resolve("jstack.txt");
        try {
            Process jstack = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                    Long.toString(process.pid())).redirectErrorStream(true).redirectOutput(dump.toFile()).start();
            if (!jstack.waitFor(30, TimeUnit.SECONDS)) {
                jstack.destroyForcibly();
                return "";
            }
            String threads = Files.readString(dump);
            int found = threads.indexOf("Found one Java-level deadlock");
            return found < 0 ? "" : threads.substring(found);
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** SIGKILL (also of a paused broker): no shutdown hook runs, nothing is flushed. */
    void sigkill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(STOP_WITHIN.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("broker " + id() + " did not die");
        }
        paused = false;
    }

    /** SIGSTOP: the JVM freezes with its connections open, as in a long GC pause or a hung host. */
    void pause() throws IOException, InterruptedException {
        signal("STOP");
        paused = true;
    }

    /** SIGCONT after {@link #pause()}. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
        paused = false;
    }

    // Java sends only SIGTERM and SIGKILL itself
    private void signal(String name) throws IOException, InterruptedException {
        if (!isAlive()) {
            throw new IllegalStateException("broker " + id() + " is not running");
        }
        Process kill = new ProcessBuilder("/bin/kill", "-" + name, Long.toString(process.pid())).redirectErrorStream(true).start();
        String out = new String(kill.getInputStream().readAllBytes());
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: " + out);
        }
    }

    /** Stops the broker cleanly if it runs (resuming it first if paused) and starts it again. */
    void restart() throws IOException, InterruptedException {
        stop();
        start();
    }

    /** Resumes a paused broker and sends SIGTERM (a clean shutdown), without waiting for it to exit. */
    void beginStop() {
        if (!isAlive()) {
            return;
        }
        if (paused) {
            try {
                resume();
            } catch (IOException | InterruptedException | IllegalStateException e) {
                process.destroyForcibly(); // SIGTERM cannot reach a stopped JVM
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
        }
        process.destroy();
    }

    /** Stops the broker cleanly: SIGTERM, then SIGKILL if it is still running after 30 s. */
    void stop() throws InterruptedException {
        beginStop();
        if (process != null && !process.waitFor(STOP_WITHIN.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(STOP_WITHIN.toSeconds(), TimeUnit.SECONDS);
        }
        paused = false;
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
