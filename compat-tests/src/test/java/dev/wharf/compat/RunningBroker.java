package dev.wharf.compat;

import dev.wharf.server.Broker;
import dev.wharf.server.BrokerConfig;
import dev.wharf.server.network.SendStats;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real Wharf broker in this JVM on a free loopback port, with its own embedded ZooKeeper (unless
 * {@code zookeeper.connect} is given). {@code __consumer_offsets} gets one replica unless the
 * overrides say otherwise, as in the shipped server.properties: Kafka's default of 3 would leave a
 * lone broker without group coordinators.
 */
final class RunningBroker implements AutoCloseable {
    private final Broker broker;

    RunningBroker(Path dir, Map<String, String> overrides) throws Exception {
        Map<String, String> config = new HashMap<>(Map.of(
                "listeners", "PLAINTEXT://127.0.0.1:0",
                "log.dirs", dir.resolve("logs").toString(),
                "zookeeper.embedded.port", "0",
                "zookeeper.session.timeout.ms", "10000",
                "offsets.topic.replication.factor", "1",
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1"));
        config.putAll(overrides);
        broker = new Broker(BrokerConfig.of(config));
        try {
            broker.start();
        } catch (Exception | Error e) {
            broker.close(); // whatever started before the failure
            throw e;
        }
    }

    String bootstrap() {
        return broker.advertised().host() + ":" + broker.advertised().port();
    }

    /** Where clients reach the listener named {@code listenerName}. */
    String bootstrap(String listenerName) {
        dev.wharf.controller.BrokerInfo.Endpoint e = broker.advertised().endpoint(listenerName).orElseThrow();
        return e.host() + ":" + e.port();
    }

    /** What the broker has sent, and how much of it went zero-copy from log files. */
    SendStats sendStats() {
        return broker.sendStats();
    }

    @Override
    public void close() throws Exception {
        broker.close();
    }
}
