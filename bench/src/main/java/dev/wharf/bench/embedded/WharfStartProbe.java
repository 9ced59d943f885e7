package dev.wharf.bench.embedded;

import dev.wharf.junit.WharfCluster;
import java.util.Map;

/**
 * Starts wharf-junit's one-broker cluster {@code args[0]} times in this JVM, one after the other,
 * each time timing start-up and the first acknowledged record ({@link FirstRecord}), then closing
 * it. The first start is the cold one. Runs on the bench's main thread only.
 */
public final class WharfStartProbe {
    private WharfStartProbe() {
    }

    public static void main(String[] args) throws Exception {
        int starts = Integer.parseInt(args[0]);
        for (int i = 0; i < starts; i++) {
            long started = System.nanoTime();
            try (WharfCluster cluster = WharfCluster.start(1, Map.of())) {
                long up = System.nanoTime();
                FirstRecord.sendAndAwaitAck(cluster.bootstrap());
                FirstRecord.report(started, up, System.nanoTime());
            }
        }
    }
}
