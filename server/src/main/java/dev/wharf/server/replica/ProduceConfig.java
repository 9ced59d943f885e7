package dev.wharf.server.replica;

import dev.wharf.server.BrokerConfig;
import java.util.Map;

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

    /** The topic's overrides over the broker's defaults. */
    public static ProduceConfig of(BrokerConfig broker, Map<String, String> topicConfigs) {
        return new ProduceConfig(
                Integer.parseInt(topicConfigs.getOrDefault("max.message.bytes", broker.getString("message.max.bytes"))),
                "LogAppendTime".equals(topicConfigs.getOrDefault("message.timestamp.type",
                        broker.getString("log.message.timestamp.type"))),
                Long.parseLong(topicConfigs.getOrDefault("message.timestamp.before.max.ms", Long.toString(Long.MAX_VALUE))),
                Long.parseLong(topicConfigs.getOrDefault("message.timestamp.after.max.ms", "3600000")));
    }
}
