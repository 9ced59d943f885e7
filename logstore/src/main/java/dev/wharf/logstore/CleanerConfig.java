package dev.wharf.logstore;

/**
 * The broker's log cleaner settings, named as Kafka's (defaults in brackets).
 *
 * @param enabled {@code log.cleaner.enable}: run the cleaner at all [true]
 * @param threads {@code log.cleaner.threads} [1]
 * @param dedupeBufferBytes {@code log.cleaner.dedupe.buffer.size}: the key maps of all threads
 *     together [128 MiB]; allocated when the first compacted log needs cleaning
 * @param ioBufferBytes {@code log.cleaner.io.buffer.size}: read and write buffers of all threads [512 KiB]
 * @param loadFactor {@code log.cleaner.io.buffer.load.factor}: how full a key map may get [0.9]
 * @param ioMaxBytesPerSecond {@code log.cleaner.io.max.bytes.per.second}: read and write rate of
 *     all threads together [unlimited]
 * @param backoffMs {@code log.cleaner.backoff.ms}: a thread's sleep when no log needs cleaning [15 s]
 */
public record CleanerConfig(boolean enabled, int threads, long dedupeBufferBytes, int ioBufferBytes,
        double loadFactor, double ioMaxBytesPerSecond, long backoffMs) {

    public static final CleanerConfig DEFAULTS =
            new CleanerConfig(true, 1, 128L * 1024 * 1024, 512 * 1024, 0.9, Double.MAX_VALUE, 15_000);

    public CleanerConfig {
        if (threads < 1 || dedupeBufferBytes < 1024 || ioBufferBytes < 1024 || !(loadFactor > 0 && loadFactor < 1)
                || !(ioMaxBytesPerSecond > 0) || backoffMs < 0) {
            throw new IllegalArgumentException("invalid log cleaner config " + this);
        }
    }

    /** One thread's key map: the dedupe buffer shared out, at most what a buffer can address. */
    int mapBytesPerThread() {
        return (int) Math.min(dedupeBufferBytes / threads, Integer.MAX_VALUE - 64);
    }

    /** One thread's read buffer: half its share of the io buffer, as Kafka splits it into reads and writes. */
    int readBufferBytesPerThread() {
        return Math.max(1024, ioBufferBytes / threads / 2);
    }
}
