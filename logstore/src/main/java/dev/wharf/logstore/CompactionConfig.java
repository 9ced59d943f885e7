package dev.wharf.logstore;

import java.util.concurrent.TimeUnit;

/**
 * How the log cleaner treats one log, named as Kafka's topic configs (defaults in brackets).
 *
 * @param compact {@code cleanup.policy} contains {@code compact}: the cleaner keeps the latest
 *     record per key [delete only: false]
 * @param delete {@code cleanup.policy} contains {@code delete}: retention and DeleteRecords may
 *     remove records too [true]
 * @param minCleanableDirtyRatio {@code min.cleanable.dirty.ratio}: clean once the part not yet
 *     cleaned is this share of the log [0.5]
 * @param deleteRetentionMs {@code delete.retention.ms}: how long tombstones and transaction
 *     markers stay after the cleaner first passed them [1 day]
 * @param minCompactionLagMs {@code min.compaction.lag.ms}: records younger than this stay
 *     uncompacted [0]
 * @param maxCompactionLagMs {@code max.compaction.lag.ms}: records older than this are cleaned
 *     whatever the ratio [never]
 */
public record CompactionConfig(boolean compact, boolean delete, double minCleanableDirtyRatio, long deleteRetentionMs,
        long minCompactionLagMs, long maxCompactionLagMs) {

    /** Kafka's defaults, for a log that is not compacted. */
    public static final CompactionConfig NONE =
            new CompactionConfig(false, true, 0.5, TimeUnit.DAYS.toMillis(1), 0, Long.MAX_VALUE);

    public CompactionConfig {
        if (minCleanableDirtyRatio < 0 || minCleanableDirtyRatio > 1 || deleteRetentionMs < 0
                || minCompactionLagMs < 0 || maxCompactionLagMs < 1) {
            throw new IllegalArgumentException("invalid compaction config " + this);
        }
        if (minCompactionLagMs > maxCompactionLagMs) {
            throw new IllegalArgumentException("min.compaction.lag.ms " + minCompactionLagMs
                    + " is above max.compaction.lag.ms " + maxCompactionLagMs);
        }
    }

}
