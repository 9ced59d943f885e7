package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The schema registry clients' scripts in {@code compat-tests/registry-clients}: where their npm
 * packages are ({@code compat-tests/registry-clients/install.sh} installs them and Debian's Python
 * client; .ci/run runs it), running one to its end, and reading the lines it printed.
 */
final class RegistryScripts {
    static final Path NPM = Path.of(System.getenv().getOrDefault("WHARF_REGISTRY_CLIENTS",
            System.getProperty("user.home") + "/.cache/wharf/registry-clients"), "node_modules");
    static final Path SCRIPTS = Path.of("registry-clients").toAbsolutePath();

    private RegistryScripts() {}

    static void assertInstalled() {
        assertTrue(Files.isDirectory(NPM.resolve("kafkajs")) && Files.isDirectory(NPM.resolve("@confluentinc/schemaregistry")),
                "the schema registry npm clients are not installed: run compat-tests/registry-clients/install.sh (.ci/run does)");
        assertTrue(Files.isRegularFile(Path.of("/usr/lib/python3/dist-packages/confluent_kafka/__init__.py"))
                        && Files.isDirectory(Path.of("/usr/lib/python3/dist-packages/google/protobuf")),
                "Debian's python3-confluent-kafka and python3-protobuf are not installed: run "
                        + "compat-tests/registry-clients/install.sh (.ci/run does)");
    }

    /** Runs {@code script} with {@code interpreter} to its end (at most two minutes): the lines it printed; fails with them if it failed. */
    static List<String> run(Path dir, String interpreter, String script, String... args) throws Exception {
        Path out = dir.resolve(script + ".out");
        Path err = dir.resolve(script + ".err");
        List<String> command = new java.util.ArrayList<>(List.of(interpreter, SCRIPTS.resolve(script).toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("NODE_PATH", NPM.toString());
        // Python's requests lets these override the CA a script configures (ssl.ca.location); the script's own settings decide
        pb.environment().remove("REQUESTS_CA_BUNDLE");
        pb.environment().remove("CURL_CA_BUNDLE");
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1"); // no __pycache__ in the checkout
        Process p = pb.start();
        boolean ended = p.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertTrue(ended && p.exitValue() == 0 && lines.contains("done"), script + " failed (" + (ended ? "exit " + p.exitValue()
                : "still running after 120 s") + "):\n" + String.join("\n", lines) + "\n" + stderr);
        return lines;
    }

    static String value(List<String> lines, String kind) {
        List<String> found = values(lines, kind);
        assertEquals(1, found.size(), kind + " in " + lines);
        return found.get(0);
    }

    static List<String> values(List<String> lines, String kind) {
        return lines.stream().filter(l -> l.startsWith(kind + " ")).map(l -> l.substring(kind.length() + 1)).toList();
    }
}
