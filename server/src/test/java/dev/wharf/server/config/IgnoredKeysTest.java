package dev.wharf.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.server.BrokerConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kafka keys Wharf does not read: silence when harmless, a warning with the reason when not. */
class IgnoredKeysTest {
    // A ZooKeeper-era Kafka server.properties starts without a single warning.
    @Test
    void stockZooKeeperModePropertiesAreQuiet() {
        Map<String, String> stock = new LinkedHashMap<>();
        stock.put("broker.id", "0");
        stock.put("listeners", "PLAINTEXT://:9092");
        stock.put("num.network.threads", "3");
        stock.put("num.io.threads", "8");
        stock.put("socket.send.buffer.bytes", "102400");
        stock.put("socket.receive.buffer.bytes", "102400");
        stock.put("socket.request.max.bytes", "104857600");
        stock.put("log.dirs", "/tmp/kafka-logs");
        stock.put("num.partitions", "1");
        stock.put("num.recovery.threads.per.data.dir", "1");
        stock.put("offsets.topic.replication.factor", "1");
        stock.put("transaction.state.log.replication.factor", "1");
        stock.put("transaction.state.log.min.isr", "1");
        stock.put("share.coordinator.state.topic.replication.factor", "1");
        stock.put("share.coordinator.state.topic.min.isr", "1");
        stock.put("log.flush.interval.messages", "10000");
        stock.put("log.flush.interval.ms", "1000");
        stock.put("log.retention.hours", "168");
        stock.put("log.retention.bytes", "1073741824");
        stock.put("log.segment.bytes", "1073741824");
        stock.put("log.retention.check.interval.ms", "300000");
        stock.put("zookeeper.connect", "localhost:2181");
        stock.put("zookeeper.connection.timeout.ms", "18000");
        stock.put("group.initial.rebalance.delay.ms", "0");
        stock.put("num.replica.fetchers", "1");
        stock.put("log.cleaner.threads", "1");
        stock.put("group.coordinator.rebalance.protocols", "classic,consumer");
        stock.put("metric.reporters", "");
        stock.put("metrics.num.samples", "2");
        stock.put("inter.broker.protocol.version", "3.9");
        stock.put("inter.broker.listener.name", "PLAINTEXT");
        stock.put("delete.topic.enable", "true");
        assertEquals(List.of(), BrokerConfig.of(stock).warnings());
    }

    // KRaft and plug-in keys ask for something Wharf does not do: each gets one warning with its reason.
    @Test
    void keysNotHonouredWarnWithTheirReason() {
        Map<String, String> kraft = new LinkedHashMap<>();
        kraft.put("process.roles", "broker,controller");
        kraft.put("node.id", "1");
        kraft.put("controller.quorum.bootstrap.servers", "localhost:9093");
        kraft.put("create.topic.policy.class.name", "x");
        kraft.put("delete.topic.enable", "false");
        List<String> warnings = BrokerConfig.of(kraft).warnings();
        assertEquals(5, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("process.roles") && warnings.get(0).contains("ZooKeeper"), warnings.get(0));
        assertTrue(warnings.stream().allMatch(w -> w.contains("not honoured")), warnings.toString());
    }

    // A key nobody knows is an "unknown" warning; a prefix rule covers the keys under it, and only those.
    @Test
    void unknownKeysWarn() {
        assertEquals("unknown config 'some.plugin.setting' is ignored", IgnoredKeys.warning("some.plugin.setting", "x"));
        assertEquals(null, IgnoredKeys.warning("group.coordinator.threads", "1"));
        assertTrue(IgnoredKeys.warning("groupx.coordinator", "1").startsWith("unknown"));
        assertTrue(IgnoredKeys.reason("group.coordinator.threads").contains("coordinator"));
        assertEquals(null, IgnoredKeys.reason("log.cleaner.threads"), "read by the broker now");
        assertEquals(null, IgnoredKeys.reason("replica.fetch.max.bytes"), "read by the broker now");
    }

    // The ignored keys a config sets are named in one INFO line: not the keys read elsewhere (TLS, SASL),
    // not the ones that warn, and a not-honoured key set to the value Wharf behaves as counts as ignored.
    @Test
    void ignoredKeysAreNamedOnceAndOnlyThose() {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("socket.send.buffer.bytes", "102400");
        given.put("metrics.num.samples", "2");
        given.put("ssl.keystore.location", "/x");
        given.put("listener.name.internal.ssl.keystore.location", "/y");
        given.put("delete.topic.enable", "true");
        given.put("zookeeper.set.acl", "true");
        given.put("process.roles", "broker");
        given.put("num.partitions", "3");
        given.put("some.plugin.setting", "x");
        BrokerConfig config = BrokerConfig.of(given);
        assertEquals(List.of("delete.topic.enable", "metrics.num.samples", "socket.send.buffer.bytes"), config.ignoredKeys());
        assertEquals("ignored configs (Kafka settings with no effect on Wharf; wharf-server-start.sh --ignored-configs "
                + "says why for each): delete.topic.enable, metrics.num.samples, socket.send.buffer.bytes",
                IgnoredKeys.notice(config.ignoredKeys()));
        assertEquals(3, config.warnings().size(), config.warnings().toString()); // zookeeper.set.acl, process.roles, unknown
        assertEquals(null, IgnoredKeys.notice(List.of()));
    }

    // --ignored-configs lists every rule with its kind and reason.
    @Test
    void everyRuleIsDescribed() {
        List<String> lines = IgnoredKeys.describeAll();
        assertTrue(lines.contains("socket.send.buffer.bytes (ignored): socket buffers are left to the operating system"), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("ssl.* (read by the listeners): ")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("delete.topic.enable (not honoured, warns unless true): ")), lines.toString());
    }
}
