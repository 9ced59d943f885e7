package dev.wharf.compat;

import dev.wharf.compat.streams.WordCountMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of {@link WordCountMain} in its own JVM, on this test's classpath (kafka-streams and
 * kafka-clients 4.4.0), with a small heap. A thread reads its output as it comes and keeps the last
 * lines for failure messages; {@link #runningCount()} counts how often it reached RUNNING.
 * {@link #close()} SIGKILLs it if it still runs. Driven from one test thread.
 */
final class StreamsApp implements AutoCloseable {
    private static final int KEPT_LINES = 2_000;
    private static final int SHOWN_LINES = 150;
    private static final String LOG_LEVEL = "org.slf4j.simpleLogger.log.";
    /** TransactionManager's line once FindCoordinator named a transaction coordinator. */
    private static final String COORDINATOR_FOUND = "Discovered transaction coordinator";

    private final String name;
    private final Process process;
    private final Deque<String> lines = new ArrayDeque<>();
    private int running;

    private StreamsApp(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread reader = new Thread(this::readOutput, "streams-app-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts the application. Its JVM's temporary files (RocksDB unpacks its native library there)
     * go under {@code tmp}, so a SIGKILLed run leaves nothing behind outside the test's directory.
     */
    static StreamsApp start(String name, String bootstrap, String applicationId, Path stateDir, long pauseMsPerRecord,
            Path tmp) throws IOException {
        return start(name, bootstrap, applicationId, stateDir, pauseMsPerRecord, tmp, "classic");
    }

    /** {@link #start}, with the group protocol: {@code classic} or {@code streams} (KIP-1071). */
    static StreamsApp start(String name, String bootstrap, String applicationId, Path stateDir, long pauseMsPerRecord,
            Path tmp, String groupProtocol) throws IOException {
        Files.createDirectories(tmp);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + tmp,
                // warnings, plus the transactional producer's few lines (coordinator found, producer id and epoch)
                "-D" + LOG_LEVEL + "org.apache.kafka.clients.producer.internals.TransactionManager=info",
                "-D" + LOG_LEVEL + "org.apache.kafka.streams.StreamsConfig=error",
                "-cp", System.getProperty("java.class.path"), WordCountMain.class.getName(),
                bootstrap, applicationId, stateDir.toString(), Long.toString(pauseMsPerRecord), groupProtocol));
        // its stdin stays open for the life of this JVM: when this JVM dies, even by SIGKILL, the application halts
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        return new StreamsApp(name, process);
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null;) {
                synchronized (this) {
                    if (lines.size() == KEPT_LINES) {
                        lines.removeFirst();
                    }
                    lines.addLast(line);
                    if (line.endsWith(WordCountMain.RUNNING)) {
                        running++;
                    }
                }
            }
        } catch (IOException e) {
            // the process was killed: its pipe is gone
        }
    }

    String name() {
        return name;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** How many times the application has reached RUNNING (again after each rebalance). */
    synchronized int runningCount() {
        return running;
    }

    /** Whether its transactional producer ever found a transaction coordinator (among the lines kept). */
    synchronized boolean foundTransactionCoordinator() {
        return lines.stream().anyMatch(l -> l.contains(COORDINATOR_FOUND));
    }

    /** SIGKILL: no shutdown hook, no clean close; an open transaction stays open on the broker. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " (pid " + process.pid() + ") did not die");
        }
    }

    /** SIGTERM: its shutdown hook closes Kafka Streams, which leaves the group; waits for it to exit. */
    void stop() throws InterruptedException {
        // through the handle: Process.destroy() would also close the pipes, and the end of its stdin halts it
        process.toHandle().destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " (pid " + process.pid() + ") did not stop within 30 s");
        }
    }

    /** Its state and last lines of output, for failure messages. */
    String output() {
        String state = process.isAlive() ? "running" : "exited with " + process.exitValue();
        List<String> last;
        synchronized (this) {
            last = new ArrayList<>(lines);
        }
        last = last.subList(Math.max(0, last.size() - SHOWN_LINES), last.size());
        return "--- " + name + " (pid " + process.pid() + ", " + state + "), last " + last.size() + " lines:\n"
                + String.join("\n", last) + "\n--- end of " + name;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Deletes a directory tree (a state directory the next run must restore from the changelog). */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
