package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Transactions with the older Java client lines, each in its own JVM with only its own jar (as in
 * {@link OldClientsIT}): 3.9 (InitProducerId v5, EndTxn v4, TxnOffsetCommit v4) and 2.8
 * (InitProducerId v4, AddPartitionsToTxn/AddOffsetsToTxn/EndTxn/TxnOffsetCommit v3, Fetch v12).
 */
@Exercises({ApiKeys.FIND_COORDINATOR, ApiKeys.INIT_PRODUCER_ID, ApiKeys.ADD_OFFSETS_TO_TXN, ApiKeys.END_TXN,
        ApiKeys.TXN_OFFSET_COMMIT})
class OldClientTransactionsIT {
    private static final int RECORDS = 100;

    @TempDir
    Path dir;

    // The 3.9 and 2.8 clients commit, abort and commit again; read_committed reads exactly the committed
    // records in order, and the group's offsets are those sent in the committed transaction.
    @ParameterizedTest
    @ValueSource(strings = {"3.9", "2.8"})
    @Timeout(150)
    void commitAndAbort(String line) throws Exception {
        Path base = Path.of(System.getProperty("wharf.old.clients", "kafka-tools-classpath/target"));
        Path jars = base.resolve("clients-" + line);
        assertTrue(Files.isDirectory(jars), "no kafka-clients " + line + " in " + jars + ": build compat-tests/kafka-tools-classpath");
        String classpath = String.join(File.pathSeparator,
                System.getProperty("wharf.test.classes", "target/test-classes"),
                jars + File.separator + "*",
                base.resolve("clients-common") + File.separator + "*");
        Path output = dir.resolve("client-" + line + ".log");
        try (RunningBroker broker = new RunningBroker(dir, Map.of("group.initial.rebalance.delay.ms", "0",
                "offsets.topic.num.partitions", "5"))) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-cp", classpath, "dev.wharf.compat.oldclient.TransactionsMain", broker.bootstrap(), "txn-" + line,
                    Integer.toString(RECORDS))
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            p.getOutputStream().close();
            boolean exited = p.waitFor(120, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            String out = Files.readString(output);
            assertTrue(exited, "kafka-clients " + line + " did not finish within 120 s:\n" + out);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("OK " + 2 * RECORDS + " with kafka-clients " + line + "."), out);
        }
    }
}
