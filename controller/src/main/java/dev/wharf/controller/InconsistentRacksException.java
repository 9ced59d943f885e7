package dev.wharf.controller;

/**
 * Some live brokers have a {@code broker.rack} and some do not, so replicas cannot be placed by
 * rack, and placing them without racks could put every replica of a partition in one rack. A
 * problem of the brokers' configuration, not of the request: answered as INVALID_CONFIG (Kafka's
 * ZooKeeper-mode controller fails the request too, with this message, as an unknown server error).
 */
public class InconsistentRacksException extends IllegalArgumentException {
    public InconsistentRacksException(String message) {
        super(message);
    }
}
