package dev.wharf.logstore;

import dev.wharf.wire.records.CompressionType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The victim of {@link SigkillDurabilityTest}, run in its own JVM: appends batches of 5 records,
 * flushes every third one and prints {@code flushed <last offset>} after each flush, until killed
 * (or a bounded number of batches).
 */
public final class KillTestAppender {
    private KillTestAppender() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int maxBatches = Integer.parseInt(args[1]);
        LogManager manager = new LogManager(List.of(dir), LogConfig.DEFAULTS.with(Map.of("segment.bytes", "65536")),
                60_000, System::currentTimeMillis);
        manager.startup();
        PartitionLog log = manager.getOrCreate(new TopicPartition("kill", 0));
        TestLogs batches = new TestLogs();
        for (int i = 0; i < maxBatches; i++) {
            AppendResult r = log.append(batches.batch(5, CompressionType.NONE), 0);
            if (i % 3 == 0) {
                log.flush();
                System.out.println("flushed " + r.lastOffset());
                System.out.flush();
            }
        }
        System.out.println("done");
        System.out.flush();
        System.in.read(); // wait to be killed
    }
}
