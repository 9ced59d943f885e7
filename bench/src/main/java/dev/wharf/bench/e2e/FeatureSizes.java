package dev.wharf.bench.e2e;

/**
 * How much work the feature workloads (transactions, groups-classic, groups-consumer) do in each
 * profile, kept apart from {@link Profile} so that its record stays as it is. The full sizes keep
 * the three under about 5 minutes per broker on 2 cores; none of them is in the tiny profile.
 */
record FeatureSizes(int transactions, int recordsPerTransaction, int transactionSamples, int groupMembers, int groupPartitions,
        int groupSamples, int commitSeconds) {

    static FeatureSizes of(Profile p) {
        return switch (p.name()) {
            case "full" -> new FeatureSizes(2_000, 100, 3, 10, 20, 3, 10);
            case "smoke" -> new FeatureSizes(200, 100, 1, 10, 20, 1, 3);
            // not in the tiny profile's list; sizes for a run that names them anyway
            default -> new FeatureSizes(50, 100, 1, 10, 20, 1, 2);
        };
    }
}
