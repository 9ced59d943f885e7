package dev.wharf.bench.e2e;

/**
 * The sizes of the native-consumer, warm-consumer and physical-limit measurements, per profile
 * (kept out of {@link Profile} so that its record stays as it is). The consume workloads read the
 * profile's {@code records1k}; these are the rest.
 *
 * @param warmPasses passes over the topic in one consumer JVM (consume-1k-warm)
 * @param warmMeasured how many of the last passes count
 * @param loopbackBytes at most this many bytes go through the loopback sendfile pair...
 * @param loopbackSeconds ...or for at most this long, whichever ends first
 * @param diskBytes bytes written (1 MiB at a time, then fsync) for the disk's write bandwidth
 */
record NativeSizes(int warmPasses, int warmMeasured, long loopbackBytes, int loopbackSeconds, long diskBytes) {
    private static final long MIB = 1L << 20;

    static NativeSizes of(Profile p) {
        return switch (p.name()) {
            case "full" -> new NativeSizes(5, 3, 16_384 * MIB, 10, 4_096 * MIB);
            case "smoke" -> new NativeSizes(3, 2, 2_048 * MIB, 3, 512 * MIB);
            default -> new NativeSizes(2, 1, 256 * MIB, 1, 64 * MIB);
        };
    }
}
