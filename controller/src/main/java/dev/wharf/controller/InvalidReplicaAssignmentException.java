package dev.wharf.controller;

/**
 * Replica lists given by a client that cannot be used as they are: an unknown broker, a broker
 * twice in one partition, partitions of different sizes or numbered with gaps (Kafka's
 * INVALID_REPLICA_ASSIGNMENT).
 */
public class InvalidReplicaAssignmentException extends IllegalArgumentException {
    public InvalidReplicaAssignmentException(String message) {
        super(message);
    }
}
