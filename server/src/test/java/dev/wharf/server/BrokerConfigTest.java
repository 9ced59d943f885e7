package dev.wharf.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.server.config.BrokerKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kafka-style server.properties: defaults, overrides, warnings for unknown keys, errors for bad values. */
class BrokerConfigTest {
    @TempDir
    Path dir;

    // A Kafka server.properties loads; --override wins; unknown keys only warn, ignorable ones not even that.
    @Test
    void loadsKafkaStylePropertiesWithOverrides() throws Exception {
        Path file = dir.resolve("server.properties");
        Files.writeString(file, String.join("\n",
                "broker.id=3",
                "listeners=PLAINTEXT://0.0.0.0:19092",
                "log.dirs=/data/a,/data/b",
                "log.retention.hours=24",
                "num.partitions=6",
                "group.initial.rebalance.delay.ms=0",
                "transaction.state.log.min.isr=1",
                "log.segment.delete.delay.ms=1500",
                "some.plugin.setting=x"));
        BrokerConfig c = BrokerConfig.load(file, List.of("num.partitions=12", "log.retention.ms=5000"));
        assertEquals(3, c.brokerId());
        assertEquals(new BrokerConfig.Listener("PLAINTEXT", "0.0.0.0", 19092), c.listener());
        assertEquals(c.listener(), c.advertisedListener());
        assertEquals(List.of(Path.of("/data/a"), Path.of("/data/b")), c.logDirs());
        assertEquals(12, (int) c.get(BrokerKeys.NUM_PARTITIONS));
        assertEquals(5000, c.retentionMs()); // log.retention.ms wins over hours
        assertEquals(5000, c.logConfig().retentionMs());
        assertEquals(1500, c.logConfig().fileDeleteDelayMs()); // Kafka's broker name for the topic's file.delete.delay.ms
        assertEquals(1, c.warnings().size(), c.warnings().toString()); // transaction.state.log.min.isr is harmless
        assertEquals(0, (int) c.get(BrokerKeys.GROUP_INITIAL_REBALANCE_DELAY_MS));
        assertTrue(c.warnings().get(0).contains("some.plugin.setting"));
    }

    // Defaults are Kafka's: localhost:9092, 7 days retention, 1 GiB segments, auto-creation on.
    @Test
    void defaults() {
        BrokerConfig c = BrokerConfig.of(Map.of());
        assertEquals(9092, c.listener().port());
        assertEquals(7L * 24 * 3600 * 1000, c.retentionMs());
        assertEquals(1 << 30, c.logConfig().segmentBytes());
        assertTrue(c.get(BrokerKeys.AUTO_CREATE_TOPICS_ENABLE));
        assertEquals(List.of(Path.of("wharf-data/logs")), c.logDirs());
        assertEquals(60_000, c.logConfig().fileDeleteDelayMs());
    }

    // A bad value fails start-up with the key named.
    // followers reach their leaders on inter.broker.listener.name, else the PLAINTEXT listener, else the first
    @Test
    void interBrokerListener() {
        String two = "INTERNAL://127.0.0.1:0,PLAINTEXT://127.0.0.1:0";
        String map = "INTERNAL:PLAINTEXT,PLAINTEXT:PLAINTEXT,CLIENT:PLAINTEXT";
        assertEquals("PLAINTEXT", BrokerConfig.of(Map.of("listeners", two, "listener.security.protocol.map", map))
                .interBrokerListenerName());
        assertEquals("INTERNAL", BrokerConfig.of(Map.of("listeners", two, "listener.security.protocol.map", map,
                "inter.broker.listener.name", "INTERNAL")).interBrokerListenerName());
        assertEquals("CLIENT", BrokerConfig.of(Map.of("listeners", "CLIENT://127.0.0.1:0", "listener.security.protocol.map", map))
                .interBrokerListenerName());
        assertThrows(IllegalArgumentException.class, () -> BrokerConfig.of(Map.of("listeners", two,
                "listener.security.protocol.map", map, "inter.broker.listener.name", "NOPE")).interBrokerListenerName());
    }

    @Test
    void badValuesAreErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BrokerConfig.of(Map.of("num.partitions", "many")));
        assertTrue(e.getMessage().contains("num.partitions"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BrokerConfig.of(Map.of("auto.create.topics.enable", "yes")));
        assertThrows(IllegalArgumentException.class, () -> BrokerConfig.of(Map.of("listeners", "localhost:9092")).listener());
        assertThrows(IllegalArgumentException.class, () -> BrokerConfig.load(null, List.of("novalue")));
    }
}
