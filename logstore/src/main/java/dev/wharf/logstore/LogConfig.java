package dev.wharf.logstore;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Per-log settings, named as in Kafka's topic configs (broker defaults in brackets are Kafka's).
 *
 * @param segmentBytes {@code segment.bytes}: roll the active segment past this size [1 GiB]
 * @param segmentMs {@code segment.ms}: roll the active segment after this age [7 days]
 * @param segmentIndexBytes {@code segment.index.bytes}: offset index size; roll when full [10 MiB]
 * @param indexIntervalBytes {@code index.interval.bytes}: bytes between offset index entries [4 KiB]
 * @param retentionMs {@code retention.ms}: delete segments older than this; -1 keeps all [7 days]
 * @param retentionBytes {@code retention.bytes}: delete old segments beyond this size; -1 no limit
 * @param flushMessages {@code flush.messages}: fsync after this many messages [never: page cache]
 * @param flushMs {@code flush.ms}: fsync at least this often [never: page cache]
 * @param fileDeleteDelayMs {@code file.delete.delay.ms}: keep deleted segments' files this long so
 *     reads in flight finish [60 s]
 * @param compaction what the log cleaner does with the log (see {@link CompactionConfig})
 */
public record LogConfig(
        int segmentBytes,
        long segmentMs,
        int segmentIndexBytes,
        int indexIntervalBytes,
        long retentionMs,
        long retentionBytes,
        long flushMessages,
        long flushMs,
        long fileDeleteDelayMs,
        CompactionConfig compaction) {

    public static final LogConfig DEFAULTS = new LogConfig(
            1024 * 1024 * 1024,
            TimeUnit.DAYS.toMillis(7),
            10 * 1024 * 1024,
            4096,
            TimeUnit.HOURS.toMillis(168),
            -1L,
            Long.MAX_VALUE,
            Long.MAX_VALUE,
            60_000L,
            CompactionConfig.NONE);

    public LogConfig {
        if (segmentBytes < 1024) {
            throw new IllegalArgumentException("segment.bytes must be at least 1024, not " + segmentBytes);
        }
        if (segmentIndexBytes < 64) {
            throw new IllegalArgumentException("segment.index.bytes must be at least 64, not " + segmentIndexBytes);
        }
        Objects.requireNonNull(compaction, "compaction");
        if (segmentMs <= 0 || indexIntervalBytes < 0 || flushMessages <= 0 || flushMs <= 0 || fileDeleteDelayMs < 0) {
            throw new IllegalArgumentException("invalid log config " + this);
        }
    }

    /** These settings overridden by Kafka-named keys ({@code segment.bytes}, {@code retention.ms}, ...). */
    public LogConfig with(Map<String, String> overrides) {
        int segBytes = segmentBytes;
        long segMs = segmentMs;
        int indexBytes = segmentIndexBytes;
        int interval = indexIntervalBytes;
        long retMs = retentionMs;
        long retBytes = retentionBytes;
        long flushMsgs = flushMessages;
        long flushEvery = flushMs;
        long deleteDelay = fileDeleteDelayMs;
        boolean compact = compaction.compact();
        boolean delete = compaction.delete();
        double dirtyRatio = compaction.minCleanableDirtyRatio();
        long deleteRetention = compaction.deleteRetentionMs();
        long minLag = compaction.minCompactionLagMs();
        long maxLag = compaction.maxCompactionLagMs();
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            String v = e.getValue().trim();
            try {
                switch (e.getKey()) {
                    case "segment.bytes" -> segBytes = Integer.parseInt(v);
                    case "segment.ms" -> segMs = Long.parseLong(v);
                    case "segment.index.bytes" -> indexBytes = Integer.parseInt(v);
                    case "index.interval.bytes" -> interval = Integer.parseInt(v);
                    case "retention.ms" -> retMs = Long.parseLong(v);
                    case "retention.bytes" -> retBytes = Long.parseLong(v);
                    case "flush.messages" -> flushMsgs = Long.parseLong(v);
                    case "flush.ms" -> flushEvery = Long.parseLong(v);
                    case "file.delete.delay.ms" -> deleteDelay = Long.parseLong(v);
                    case "cleanup.policy" -> {
                        compact = v.contains("compact");
                        delete = v.contains("delete");
                    }
                    case "min.cleanable.dirty.ratio" -> dirtyRatio = Double.parseDouble(v);
                    case "delete.retention.ms" -> deleteRetention = Long.parseLong(v);
                    case "min.compaction.lag.ms" -> minLag = Long.parseLong(v);
                    case "max.compaction.lag.ms" -> maxLag = Long.parseLong(v);
                    default -> throw new IllegalArgumentException("unknown log config " + e.getKey());
                }
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("invalid value '" + v + "' for " + e.getKey());
            }
        }
        return new LogConfig(segBytes, segMs, indexBytes, interval, retMs, retBytes, flushMsgs, flushEvery, deleteDelay,
                new CompactionConfig(compact, delete, dirtyRatio, deleteRetention, minLag, maxLag));
    }

    /**
     * How old the active segment may grow before it rolls: {@code segment.ms}, or for a compacted
     * log at most {@code max.compaction.lag.ms}, so that its records become cleanable in time (KIP-354).
     */
    public long rollMs() {
        return compaction.compact() ? Math.min(segmentMs, compaction.maxCompactionLagMs()) : segmentMs;
    }
}
