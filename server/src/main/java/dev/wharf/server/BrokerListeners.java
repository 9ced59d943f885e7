package dev.wharf.server;

import dev.wharf.controller.BrokerInfo;
import dev.wharf.server.api.ApiHandlers;
import dev.wharf.server.api.ApiVersionsHandler;
import dev.wharf.server.config.BrokerKeys;
import dev.wharf.server.network.ConnectionLimits;
import dev.wharf.server.network.Endpoint;
import dev.wharf.server.network.EventLoops;
import dev.wharf.server.network.NettyServer;
import dev.wharf.server.network.SendStats;
import dev.wharf.server.security.ListenerSecurities;
import dev.wharf.server.security.ScramCredentials;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * The broker's listeners: one {@link NettyServer} per {@code listeners} entry, each secured as its
 * protocol says ({@link ListenerSecurities}, built when this is constructed, so a wrong setting
 * fails the start before anything binds), on shared event loops, under the broker's connection
 * limits. Bound with accepting paused; connections are accepted only once the broker is ready.
 *
 * <p>Threads: {@link #bind} runs on a start-up thread, the rest on the broker's starting and
 * stopping thread; the servers list is safe to read from either.
 */
final class BrokerListeners implements Closeable {
    private final BrokerConfig config;
    private final List<Endpoint> endpoints = new ArrayList<>();
    private final List<NettyServer> servers = new CopyOnWriteArrayList<>();
    private final SendStats sendStats = new SendStats();
    private final ConnectionLimits limits = new ConnectionLimits();
    private final EventLoops eventLoops;

    /** @param scram where SASL/SCRAM listeners look users' credentials up when a client authenticates */
    BrokerListeners(BrokerConfig config, ScramCredentials scram) {
        this.config = config;
        for (BrokerConfig.Listener l : config.listeners()) {
            endpoints.add(new Endpoint(l.name(), ListenerSecurities.server(config, l.name(), scram), l.host(), l.port()));
        }
        config.interBrokerListener(); // a broken client side fails the start, not the first replica fetch
        limits.update(limitsOf(config));
        this.eventLoops = new EventLoops(config.get(BrokerKeys.NUM_NETWORK_THREADS));
    }

    /** Binds every listener, accepting paused; each bound one is closed by {@link #close} even if a later one fails. */
    void bind(ApiHandlers handlers, ApiVersionsHandler apiVersions, Executor io) throws InterruptedException {
        for (Endpoint e : endpoints) {
            servers.add(new NettyServer(e, eventLoops, config.get(BrokerKeys.SOCKET_REQUEST_MAX_BYTES),
                    config.get(BrokerKeys.CONNECTIONS_MAX_IDLE_MS), handlers, apiVersions, io, sendStats, limits,
                    e.listenerName().equals(config.interBrokerListenerName())));
        }
    }

    /** The connection limits follow the dynamic broker configs (they are dynamic in Kafka). */
    void followLimits(DynamicBrokerConfig dynamicConfig) {
        limits.update(limitsOf(dynamicConfig.current()));
        dynamicConfig.onChange((before, now) -> limits.update(limitsOf(now)));
    }

    /**
     * Where clients reach each listener: its advertised.listeners entry, or the listener itself
     * at its bound port (an empty host advertises as localhost).
     */
    List<BrokerInfo.Endpoint> advertised() {
        List<BrokerInfo.Endpoint> out = new ArrayList<>();
        List<BrokerConfig.Listener> listeners = config.listeners();
        for (int i = 0; i < listeners.size(); i++) {
            BrokerConfig.Listener listener = listeners.get(i);
            BrokerConfig.Listener adv = config.advertisedListener(listener);
            String host = adv.host().isEmpty() ? "localhost" : adv.host();
            int port = adv.port() == 0 || adv.equals(listener) ? servers.get(i).port() : adv.port();
            out.add(new BrokerInfo.Endpoint(listener.name(), endpoints.get(i).securityProtocol(), host, port));
        }
        return out;
    }

    void startAccepting() {
        servers.forEach(NettyServer::startAccepting);
    }

    SendStats sendStats() {
        return sendStats;
    }

    private static ConnectionLimits.Settings limitsOf(BrokerConfig c) {
        return new ConnectionLimits.Settings(c.get(BrokerKeys.MAX_CONNECTIONS), c.get(BrokerKeys.MAX_CONNECTIONS_PER_IP),
                ConnectionLimits.Settings.parseOverrides(c.get(BrokerKeys.MAX_CONNECTIONS_PER_IP_OVERRIDES)),
                c.get(BrokerKeys.MAX_CONNECTION_CREATION_RATE));
    }

    /** Stops listening; open connections close with the event loops. */
    @Override
    public void close() {
        servers.forEach(NettyServer::close);
        eventLoops.close();
    }
}
