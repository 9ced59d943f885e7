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
 * <p>
 * With {@code -Dcompat.bootstrap=host:port} it is instead a handle on that external broker, reset to
 * a fresh broker's state, or the test is aborted as not applicable there ({@link ExternalBroker}).
 * Made and closed on a test thread; {@link #bootstrap()} may be called from any.
 */
final class RunningBroker implements AutoCloseable {
    /** Null on an external broker. */
    private final Broker broker;
    /** The external broker's address, or null for Wharf in this JVM. */
    private final String external;

    RunningBroker(Path dir, Map<String, String> overrides) throws Exception {
        if (ExternalBroker.active()) {
            broker = null;
            external = ExternalBroker.acquire(dir, overrides);
            return;
        }
        external = null;
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
        if (external != null) {
            return external;
        }
        return broker.advertised().host() + ":" + broker.advertised().port();
    }

    /** Where clients reach the listener named {@code listenerName}. */
    String bootstrap(String listenerName) {
        if (external != null) {
            ExternalBroker.assumeOwnBroker("uses a listener of its own (" + listenerName + ")");
        }
        dev.wharf.controller.BrokerInfo.Endpoint e = broker.advertised().endpoint(listenerName).orElseThrow();
        return e.host() + ":" + e.port();
    }

    /** What the broker has sent, and how much of it went zero-copy from log files. */
    SendStats sendStats() {
        if (external != null) {
            ExternalBroker.assumeOwnBroker("reads Wharf's own send statistics (zero-copy counters)");
        }
        return broker.sendStats();
    }

    @Override
    public void close() throws Exception {
        if (external != null) {
            ExternalBroker.release();
            return;
        }
        broker.close();
    }
}
