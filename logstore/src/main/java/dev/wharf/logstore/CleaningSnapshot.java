package dev.wharf.logstore;

import java.util.List;
import java.util.Map;

/**
 * A log as the cleaner sees it when a round begins, taken under the log's lock so the parts agree.
 *
 * @param segments every segment, oldest first; the last is the active one
 * @param logStartOffset where the log starts
 * @param lastStableOffset below it every transaction is decided and every record committed
 * @param activeProducers each producer's last batch, which cleaning keeps
 * @param truncations the log's truncation count: a swap is refused if it moved (see
 *     {@link PartitionLog#replaceSegments(List, List, long)})
 * @param config the log's settings
 */
record CleaningSnapshot(List<LogSegment> segments, long logStartOffset, long logEndOffset, long lastStableOffset,
        Map<Long, ProducerStateTable.LastBatch> activeProducers, long truncations, LogConfig config) {

    LogSegment active() {
        return segments.get(segments.size() - 1);
    }
}
