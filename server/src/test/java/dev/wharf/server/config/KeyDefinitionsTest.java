package dev.wharf.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.server.BrokerConfig;
import dev.wharf.server.TopicConfigs;
import dev.wharf.server.TopicKey;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The broker and topic key tables: documented, defaults valid, bad values named. */
class KeyDefinitionsTest {
    // Every broker key says what it is for, and its default (when it has one) passes its own validator.
    @Test
    void brokerKeysAreDocumentedWithValidDefaults() {
        assertFalse(BrokerKeys.all().isEmpty());
        for (ConfigKey<?> key : BrokerKeys.all()) {
            assertFalse(key.doc().isBlank(), key.name());
            if (key.defaultValue() != null) {
                assertNotNull(key.parsedDefault(), key.name());
                // a key Wharf reads is read, even where an ignore rule covers its prefix
                assertEquals(java.util.List.of(), BrokerConfig.of(Map.of(key.name(), key.defaultValue())).warnings());
            }
        }
        for (ConfigKey<?> key : BrokerKeys.DESCRIBED) {
            assertNotNull(key.defaultValue(), key.name() + " is described, so needs a default");
        }
    }

    // Every topic key is documented, dynamic, and the default a stock broker gives it is valid.
    @Test
    void topicKeysAreDocumentedDynamicWithValidDefaults() {
        BrokerConfig broker = BrokerConfig.of(Map.of());
        for (TopicKey<?> key : TopicConfigs.all()) {
            assertFalse(key.def().doc().isBlank(), key.name());
            assertTrue(key.def().dynamic(), key.name());
            if (key.internal()) {
                assertEquals(null, key.defaultValue(broker), key.name()); // unset unless a topic sets it
            } else {
                key.def().parse(key.defaultValue(broker));
            }
        }
    }

    // DescribeConfigs shows these defaults for a topic on a stock broker; they must not drift.
    @Test
    void topicDefaultsAreKafkasAndUnchanged() {
        Map<String, String> d = TopicConfigs.defaults(BrokerConfig.of(Map.of()));
        String max = Long.toString(Long.MAX_VALUE);
        assertEquals(Map.ofEntries(Map.entry("retention.ms", "604800000"), Map.entry("retention.bytes", "-1"),
                Map.entry("segment.bytes", "1073741824"), Map.entry("segment.ms", "604800000"),
                Map.entry("segment.index.bytes", "10485760"), Map.entry("index.interval.bytes", "4096"),
                Map.entry("flush.messages", max), Map.entry("flush.ms", max), Map.entry("file.delete.delay.ms", "60000"),
                Map.entry("max.message.bytes", "1048588"), Map.entry("cleanup.policy", "delete"),
                Map.entry("compression.type", "producer"), Map.entry("message.timestamp.type", "CreateTime"),
                Map.entry("min.insync.replicas", "1"), Map.entry("unclean.leader.election.enable", "false"),
                Map.entry("preallocate", "false"), Map.entry("min.cleanable.dirty.ratio", "0.5"),
                Map.entry("delete.retention.ms", "86400000"), Map.entry("min.compaction.lag.ms", "0"),
                Map.entry("max.compaction.lag.ms", max), Map.entry("message.timestamp.before.max.ms", max),
                Map.entry("message.timestamp.after.max.ms", "3600000"),
                Map.entry("message.timestamp.difference.max.ms", max), Map.entry("message.downconversion.enable", "true"),
                Map.entry("segment.jitter.ms", "0"), Map.entry("follower.replication.throttled.replicas", ""),
                Map.entry("leader.replication.throttled.replicas", ""), Map.entry("local.retention.ms", "-2"),
                Map.entry("local.retention.bytes", "-2"), Map.entry("remote.storage.enable", "false")), d);
    }

    // A broker value that is not of the key's type, or out of its range, fails start-up naming the key.
    @ParameterizedTest
    @CsvSource({"num.partitions,many", "num.partitions,0", "auto.create.topics.enable,yes",
            "log.message.timestamp.type,WallClock", "zookeeper.embedded.port,70000", "log.segment.bytes,1048575",
            "log.cleanup.policy,shred", "log.cleaner.min.cleanable.ratio,2"})
    void badBrokerValuesNameTheKey(String key, String value) {
        ConfigException e = assertThrows(ConfigException.class, () -> BrokerConfig.of(Map.of(key, value)));
        assertTrue(e.getMessage().contains(key) && e.getMessage().contains(value), e.getMessage());
    }

    // A topic value the key does not accept is refused when set, naming the key; so is an unknown name.
    @ParameterizedTest
    @CsvSource({"retention.ms,soon", "max.message.bytes,big", "message.timestamp.after.max.ms,-5",
            "cleanup.policy,shred", "compression.type,rar", "segment.bytes,1048575", "flush.ms,0",
            "min.cleanable.dirty.ratio,NaN", "preallocate,maybe", "no.such.config,1", "internal.segment.bytes,lots"})
    void badTopicValuesNameTheKey(String key, String value) {
        ConfigException e = assertThrows(ConfigException.class, () -> TopicConfigs.validate(Map.of(key, value)));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    // Values Kafka accepts pass: lists with blanks, -1 for unlimited, booleans in any case, 1 MiB
    // segments, and smaller ones through the internal testing key.
    @Test
    void goodTopicValuesPass() {
        TopicConfigs.validate(Map.of("cleanup.policy", "compact,,delete", "retention.ms", "-1",
                "retention.bytes", "-1", "preallocate", "TRUE", "segment.bytes", "1048576", "min.cleanable.dirty.ratio", "1",
                "internal.segment.bytes", "4096"));
        TopicConfigs.validate(Map.of("cleanup.policy", ""));
    }
}
