package dev.wharf.compat;

import java.util.Map;
import java.util.TreeMap;

/**
 * What {@link ApiVersionsMatrixIT} learnt of the broker under test, for {@link MatrixListener} to
 * write into the feature matrix after the run: each API key's advertised version range, the finalized
 * features and the cluster id. Written once by the test thread, read by the listener afterwards
 * (volatile publication).
 */
final class BrokerApis {
    record Range(int min, int max) {
        @Override
        public String toString() {
            return min + "-" + max;
        }
    }

    record Probe(String clusterId, Map<Integer, Range> advertised, Map<String, Integer> finalizedFeatures) {
    }

    private static volatile Probe probe;

    private BrokerApis() {
    }

    static void record(String clusterId, Map<Integer, Range> advertised, Map<String, Integer> finalizedFeatures) {
        probe = new Probe(clusterId, new TreeMap<>(advertised), new TreeMap<>(finalizedFeatures));
    }

    /** Null when ApiVersionsMatrixIT did not run in this JVM. */
    static Probe probe() {
        return probe;
    }
}
