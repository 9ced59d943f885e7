package dev.wharf.controller;

/** What became of one partition's reassignment request; {@code message} is null when it succeeded. */
public record ReassignmentResult(Kind kind, String message) {
    /** Kafka's answers: NONE, UNKNOWN_TOPIC_OR_PARTITION, INVALID_REPLICA_ASSIGNMENT, INVALID_REPLICATION_FACTOR, NO_REASSIGNMENT_IN_PROGRESS, or a failure. */
    public enum Kind { DONE, UNKNOWN_PARTITION, INVALID_ASSIGNMENT, INVALID_REPLICATION_FACTOR, NOT_IN_PROGRESS, FAILED }

    static ReassignmentResult done() {
        return new ReassignmentResult(Kind.DONE, null);
    }

    static ReassignmentResult of(Kind kind, String message) {
        return new ReassignmentResult(kind, message);
    }
}
