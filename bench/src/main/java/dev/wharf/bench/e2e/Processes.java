package dev.wharf.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Every JVM the harness starts goes through here, so that each one is bounded in time and none
 * outlives the run: {@link #close()} (also run from a shutdown hook) stops whatever is still alive.
 * Thread-safe.
 */
final class Processes implements AutoCloseable {
    private static final Duration GRACE = Duration.ofSeconds(30);

    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final List<Process> started = new CopyOnWriteArrayList<>();

    /** A command line for a JVM: {@code java <jvmArgs> -cp <classpath> <mainClass> <args>}. */
    record JavaCommand(List<String> jvmArgs, String classpath, String mainClass, List<String> args) {
        List<String> toList(String java) {
            List<String> command = new ArrayList<>();
            command.add(java);
            command.addAll(jvmArgs);
            command.add("-cp");
            command.add(classpath);
            command.add(mainClass);
            command.addAll(args);
            return command;
        }
    }

    /** What a finished tool printed on stdout, with its exit code. */
    record Finished(int exitCode, String stdout) {
    }

    /** Starts a long-running JVM (a broker); stdout and stderr both go to {@code log}. */
    Process start(JavaCommand command, Path log) throws IOException {
        Process process = new ProcessBuilder(command.toList(java)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        started.add(process);
        return process;
    }

    /**
     * Runs a JVM to completion. Its stdout is kept in {@code <logBase>.out} and returned, stderr
     * goes to {@code <logBase>.err}. A run that outlives {@code timeout} is killed and fails.
     */
    Finished run(JavaCommand command, Path logBase, Duration timeout) throws IOException, InterruptedException {
        Path out = logBase.resolveSibling(logBase.getFileName() + ".out");
        Path err = logBase.resolveSibling(logBase.getFileName() + ".err");
        Process process = new ProcessBuilder(command.toList(java)).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        started.add(process);
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new IOException(command.mainClass() + " did not finish within " + timeout.toSeconds() + " s; stderr:\n" + tail(err, 20));
            }
            return new Finished(process.exitValue(), Files.readString(out));
        } finally {
            started.remove(process);
        }
    }

    /** SIGTERM (a clean shutdown), then SIGKILL for the process and its children if it lingers. */
    void stop(Process process) throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
            }
        }
        started.remove(process);
    }

    private static void kill(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The last lines of a log, for error messages. */
    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.exists(log) ? Files.readAllLines(log) : List.of("(no output)");
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        for (Process process : started) {
            try {
                stop(process);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
