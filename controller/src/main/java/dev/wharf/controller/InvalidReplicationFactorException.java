package dev.wharf.controller;

/**
 * A replication factor that cannot be had: below one, or more replicas than there are live
 * brokers (Kafka's INVALID_REPLICATION_FACTOR).
 */
public class InvalidReplicationFactorException extends IllegalArgumentException {
    public InvalidReplicationFactorException(String message) {
        super(message);
    }
}
