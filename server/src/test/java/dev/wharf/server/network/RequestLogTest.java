package dev.wharf.server.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The request log (README "Logging and operations"): with {@code dev.wharf.request.Produce} at
 * DEBUG a produce request logs one line with its API, version, client id and phase times; with the
 * shipped {@code config/simplelogger.properties} nothing is logged. Each case runs
 * {@link RequestLogProbe} in a JVM of its own (slf4j-simple fixes levels when loggers are made).
 */
class RequestLogTest {
    private static final Pattern LINE = Pattern.compile("DEBUG dev\\.wharf\\.request\\.Produce - completed api=Produce version=11 "
            + "clientId=t correlationId=7 client=\\S+ requestBytes=\\d+ responseBytes=\\d+ totalMs=\\d+\\.\\d{3} queueMs=\\d+\\.\\d{3} "
            + "localMs=\\d+\\.\\d{3} remoteMs=\\d+\\.\\d{3} responseQueueMs=\\d+\\.\\d{3} sendMs=\\d+\\.\\d{3}");

    private static List<String> probe(String classPathFirst, String... properties) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(properties));
        String classPath = System.getProperty("java.class.path");
        command.addAll(List.of("-cp", classPathFirst == null ? classPath : classPathFirst + java.io.File.pathSeparator + classPath,
                RequestLogProbe.class.getName()));
        Path err = Files.createTempFile("request-log", ".txt");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(err.toFile()).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe did not end");
            List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), String.join("\n", lines));
            assertTrue(lines.contains("probe done"), String.join("\n", lines));
            return lines.stream().filter(l -> l.contains("dev.wharf.request.")).toList();
        } finally {
            Files.deleteIfExists(err);
        }
    }

    @Test
    void aProduceRequestLogsOneLineWhenItsLoggerIsAtDebug() throws Exception {
        List<String> lines = probe(null, "-Dorg.slf4j.simpleLogger.log.dev.wharf.request.Produce=debug");
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(LINE.matcher(lines.get(0)).find(), lines.get(0));
    }

    @Test
    void theRequestLogIsOffByDefault() throws Exception {
        Path shippedConfig = Path.of(System.getProperty("user.dir")).resolveSibling("config");
        assertTrue(Files.isRegularFile(shippedConfig.resolve("simplelogger.properties")), shippedConfig.toString());
        assertEquals(List.of(), probe(shippedConfig.toString()));
        assertEquals(List.of(), probe(null)); // slf4j-simple's own defaults: INFO
    }
}
