package dev.wharf.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wharf.logstore.CompactionConfig;
import dev.wharf.logstore.LogConfig;
import dev.wharf.server.config.ConfigException;
import dev.wharf.server.replica.ProduceConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A topic's settings parsed once from its overrides and the broker's defaults. */
class TopicSettingsTest {
    private final BrokerConfig broker = BrokerConfig.of(Map.of("message.max.bytes", "2000",
            "log.message.timestamp.type", "LogAppendTime", "log.retention.minutes", "10"));

    // Produce settings come from the broker's synonyms unless the topic overrides them.
    @Test
    void produceConfigFromBrokerDefaultsAndOverrides() {
        assertEquals(new ProduceConfig(2000, true, Long.MAX_VALUE, 3_600_000, 1, false, 1 << 30),
                ProduceConfig.of(TopicSettings.of(broker, Map.of())));
        assertEquals(new ProduceConfig(500, false, 1000, 2000, 1, false, 2 << 20), ProduceConfig.of(TopicSettings.of(broker,
                Map.of("max.message.bytes", "500", "message.timestamp.type", "CreateTime",
                        "message.timestamp.before.max.ms", "1000", "message.timestamp.after.max.ms", "2000",
                        "segment.bytes", "2097152"))));
        // internal.segment.bytes replaces segment.bytes (tests' small segments), as in Kafka
        assertEquals(4096, ProduceConfig.of(TopicSettings.of(broker, Map.of("internal.segment.bytes", "4096"))).segmentBytes());
    }

    // Log settings: overrides typed, broker defaults otherwise; compact-only turns retention off.
    @Test
    void logConfigFromSettings() {
        LogConfig log = TopicSettings.of(broker, Map.of("segment.bytes", "2097152", "flush.ms", "50")).logConfig();
        assertEquals(2097152, log.segmentBytes());
        // Kafka's internal testing key replaces segment.bytes, below its 1 MiB floor too
        assertEquals(4096, TopicSettings.of(broker, Map.of("segment.bytes", "2097152", "internal.segment.bytes", "4096"))
                .logConfig().segmentBytes());
        assertEquals(null, TopicSettings.of(broker, Map.of()).get(TopicConfigs.INTERNAL_SEGMENT_BYTES));
        assertEquals(50, log.flushMs());
        assertEquals(600_000, log.retentionMs());
        assertEquals(broker.logConfig().segmentMs(), log.segmentMs());
        LogConfig compact = TopicSettings.of(broker, Map.of("cleanup.policy", "compact", "retention.bytes", "10")).logConfig();
        assertEquals(-1, compact.retentionMs());
        assertEquals(-1, compact.retentionBytes());
        assertEquals(1024, TopicSettings.of(broker, Map.of("cleanup.policy", "compact,delete", "retention.bytes", "1024"))
                .logConfig().retentionBytes());
    }

    // Compaction settings: cleanup.policy's compact and delete, the cleaner's keys from the broker's synonyms or the topic.
    @Test
    void compactionConfigFromSettings() {
        BrokerConfig b = BrokerConfig.of(Map.of("log.cleaner.min.cleanable.ratio", "0.2", "log.cleaner.delete.retention.ms", "5000"));
        CompactionConfig both = TopicSettings.of(b, Map.of("cleanup.policy", "compact,delete", "min.compaction.lag.ms", "10",
                "max.compaction.lag.ms", "20")).logConfig().compaction();
        assertEquals(new CompactionConfig(true, true, 0.2, 5000, 10, 20), both);
        CompactionConfig plain = TopicSettings.of(b, Map.of("min.cleanable.dirty.ratio", "0.9")).logConfig().compaction();
        assertEquals(new CompactionConfig(false, true, 0.9, 5000, 0, Long.MAX_VALUE), plain);
        ConfigException conflict = assertThrows(ConfigException.class, () -> TopicConfigs.validate(Map.of(
                "min.compaction.lag.ms", "30", "max.compaction.lag.ms", "20")));
        assertEquals("conflict topic config setting min.compaction.lag.ms (30) > max.compaction.lag.ms (20)", conflict.getMessage());
    }

    // Typed reads return what was parsed; a stored value that no longer parses names its key.
    @Test
    void typedValues() {
        TopicSettings s = TopicSettings.of(broker, Map.of("min.insync.replicas", "2"));
        assertEquals(2000, s.get(TopicConfigs.MAX_MESSAGE_BYTES));
        assertEquals(java.util.List.of("delete"), s.get(TopicConfigs.CLEANUP_POLICY));
        ConfigException e = assertThrows(ConfigException.class, () -> TopicSettings.of(broker, Map.of("segment.ms", "x")));
        assertEquals("Invalid value x for configuration segment.ms: Expected a value of type long", e.getMessage());
    }
}
