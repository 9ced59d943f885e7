package dev.wharf.controller;

import java.util.List;
import java.util.Optional;

/**
 * A live broker as registered in ZooKeeper: its id, where clients reach each of its listeners, and
 * its rack ({@code broker.rack}), which replica placement spreads partitions over.
 *
 * @param endpoints one per listener, in the broker's configured order; never empty
 * @param rack empty when the broker was given none
 */
public record BrokerInfo(int id, List<Endpoint> endpoints, Optional<String> rack) {
    /** Where one listener of a broker is reached, and the security protocol it speaks. */
    public record Endpoint(String listenerName, String securityProtocol, String host, int port) {
        /** As Kafka writes it in a registration's {@code endpoints}: {@code NAME://host:port}. */
        @Override
        public String toString() {
            return listenerName + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    public BrokerInfo {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("broker " + id + " has no endpoints");
        }
        rack = rack.filter(r -> !r.isEmpty());
    }

    /** A broker without a rack. */
    public BrokerInfo(int id, List<Endpoint> endpoints) {
        this(id, endpoints, Optional.empty());
    }

    /** A broker with one PLAINTEXT listener. */
    public BrokerInfo(int id, String host, int port) {
        this(id, List.of(new Endpoint("PLAINTEXT", "PLAINTEXT", host, port)));
    }

    /** The first listener's host. */
    public String host() {
        return endpoints.get(0).host();
    }

    /** The first listener's port. */
    public int port() {
        return endpoints.get(0).port();
    }

    /** The endpoint of the listener named {@code listenerName}, if this broker has one. */
    public Optional<Endpoint> endpoint(String listenerName) {
        return endpoints.stream().filter(e -> e.listenerName().equals(listenerName)).findFirst();
    }
}
