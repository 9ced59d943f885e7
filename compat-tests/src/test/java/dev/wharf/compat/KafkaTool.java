package dev.wharf.compat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of Kafka's own CLI tool classes (kafka-tools 4.4.0, on its own classpath in a separate
 * JVM, as the shell scripts do) and captures what it printed.
 */
final class KafkaTool {
    /** Exit code and combined output of a tool run. */
    record Result(int exitCode, String output) {}

    private KafkaTool() {}

    /** {@code kafka-configs --bootstrap-server <bootstrap> <args>}: its exit code and output. */
    static Result configs(String bootstrap, String... args) throws IOException, InterruptedException {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-server";
        all[1] = bootstrap;
        System.arraycopy(args, 0, all, 2, args.length);
        return run("org.apache.kafka.tools.ConfigCommand", null, all);
    }

    /** {@link #configs}, which must succeed (exit code 0; the output shows otherwise). */
    static Result configsOk(String bootstrap, String... args) throws IOException, InterruptedException {
        Result r = configs(bootstrap, args);
        if (r.exitCode() != 0) {
            throw new AssertionError("kafka-configs " + String.join(" ", args) + " failed:\n" + r.output());
        }
        return r;
    }

    static Result run(String mainClass, String stdin, String... args) throws IOException, InterruptedException {
        Path lib = Path.of(System.getProperty("wharf.kafka.tools.lib", "kafka-tools-classpath/target/lib"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", lib + File.separator + "*", mainClass));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(mainClass + " did not finish");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
