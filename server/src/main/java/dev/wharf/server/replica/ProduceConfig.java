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
 */
public record ProduceConfig(int maxBatchBytes, boolean logAppendTime, long timestampBeforeMaxMs,
        long timestampAfterMaxMs) {

    /** The produce settings of a topic whose configuration is already parsed. */
    public static ProduceConfig of(TopicSettings topic) {
        return new ProduceConfig(topic.get(TopicConfigs.MAX_MESSAGE_BYTES),
                "LogAppendTime".equals(topic.get(TopicConfigs.MESSAGE_TIMESTAMP_TYPE)),
                topic.get(TopicConfigs.MESSAGE_TIMESTAMP_BEFORE_MAX_MS),
                topic.get(TopicConfigs.MESSAGE_TIMESTAMP_AFTER_MAX_MS));
    }
}
