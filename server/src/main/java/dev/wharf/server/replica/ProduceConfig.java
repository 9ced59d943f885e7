package dev.wharf.server.replica;

import dev.wharf.server.TopicConfigs;
import dev.wharf.server.TopicSettings;

/**
 * The topic settings a produce request is checked against, parsed once when the topic's
 * configuration is known or changes, never per request.
 *
 * @param maxBatchBytes {@code max.message.bytes}: the largest batch accepted
 * @param logAppendTime {@code message.timestamp.type=LogAppendTime}: the broker stamps batches
 * @param timestampBeforeMaxMs {@code message.timestamp.before.max.ms}
 * @param timestampAfterMaxMs {@code message.timestamp.after.max.ms}
 * @param minInsyncReplicas {@code min.insync.replicas}: the ISR an acks=all produce needs
 * @param compacted {@code cleanup.policy} includes {@code compact}: every record needs a key
 * @param segmentBytes the segment size: a batch must fit in one segment
 */
public record ProduceConfig(int maxBatchBytes, boolean logAppendTime, long timestampBeforeMaxMs,
        long timestampAfterMaxMs, int minInsyncReplicas, boolean compacted, int segmentBytes) {

    /** Settings with segments larger than any batch. */
    public ProduceConfig(int maxBatchBytes, boolean logAppendTime, long timestampBeforeMaxMs, long timestampAfterMaxMs,
            int minInsyncReplicas, boolean compacted) {
        this(maxBatchBytes, logAppendTime, timestampBeforeMaxMs, timestampAfterMaxMs, minInsyncReplicas, compacted,
                Integer.MAX_VALUE);
    }

    /** Settings of a topic that is not compacted. */
    public ProduceConfig(int maxBatchBytes, boolean logAppendTime, long timestampBeforeMaxMs, long timestampAfterMaxMs,
            int minInsyncReplicas) {
        this(maxBatchBytes, logAppendTime, timestampBeforeMaxMs, timestampAfterMaxMs, minInsyncReplicas, false);
    }

    /** Settings that need no more than the leader in sync. */
    public ProduceConfig(int maxBatchBytes, boolean logAppendTime, long timestampBeforeMaxMs, long timestampAfterMaxMs) {
        this(maxBatchBytes, logAppendTime, timestampBeforeMaxMs, timestampAfterMaxMs, 1);
    }

    /** The produce settings of a topic whose configuration is already parsed. */
    public static ProduceConfig of(TopicSettings topic) {
        return new ProduceConfig(topic.get(TopicConfigs.MAX_MESSAGE_BYTES),
                "LogAppendTime".equals(topic.get(TopicConfigs.MESSAGE_TIMESTAMP_TYPE)),
                topic.get(TopicConfigs.MESSAGE_TIMESTAMP_BEFORE_MAX_MS),
                topic.get(TopicConfigs.MESSAGE_TIMESTAMP_AFTER_MAX_MS), topic.get(TopicConfigs.MIN_INSYNC_REPLICAS),
                topic.get(TopicConfigs.CLEANUP_POLICY).contains("compact"), topic.segmentBytes());
    }
}
