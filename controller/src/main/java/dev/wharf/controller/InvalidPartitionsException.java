package dev.wharf.controller;

/** A partition count that cannot be had: none at all, or fewer than a topic has (Kafka's INVALID_PARTITIONS). */
public class InvalidPartitionsException extends IllegalArgumentException {
    public InvalidPartitionsException(String message) {
        super(message);
    }
}
