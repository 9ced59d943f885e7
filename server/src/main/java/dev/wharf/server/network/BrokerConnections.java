package dev.wharf.server.network;

import dev.wharf.controller.BrokerInfo;
import dev.wharf.controller.ZkMetadataStore;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@link BrokerConnection} per other broker, reached on the inter-broker listener of its
 * registration, connected on first use and again after a failure.
 *
 * <p>Threads: used by one thread at a time (the owner's own thread).
 */
public final class BrokerConnections implements AutoCloseable {
    private final String clientId;
    private final int socketTimeoutMs;
    private final int largestFrame;
    private final ZkMetadataStore metadata;
    private final InterBrokerListener listener;
    private final Map<Integer, BrokerConnection> connections = new HashMap<>();

    public BrokerConnections(String clientId, int socketTimeoutMs, int largestFrame, ZkMetadataStore metadata,
            InterBrokerListener listener) {
        this.clientId = clientId;
        this.socketTimeoutMs = socketTimeoutMs;
        this.largestFrame = largestFrame;
        this.metadata = metadata;
        this.listener = listener;
    }

    /** The connection to {@code brokerId}, connected. */
    public BrokerConnection to(int brokerId) throws IOException {
        BrokerConnection c = connections.computeIfAbsent(brokerId,
                id -> new BrokerConnection(clientId, listener, socketTimeoutMs, largestFrame));
        if (!c.connected()) {
            List<BrokerInfo> live;
            try {
                live = metadata.liveBrokers();
            } catch (Exception e) {
                throw new IOException("no broker list: " + e, e);
            }
            Optional<BrokerInfo.Endpoint> endpoint = live.stream().filter(b -> b.id() == brokerId).findFirst()
                    .flatMap(b -> b.endpoint(listener.name()));
            if (endpoint.isEmpty()) {
                throw new IOException("broker " + brokerId + " is not registered with a listener named " + listener.name());
            }
            c.connect(endpoint.get());
        }
        return c;
    }

    @Override
    public void close() {
        connections.values().forEach(BrokerConnection::close);
    }
}
