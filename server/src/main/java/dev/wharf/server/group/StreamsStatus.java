package dev.wharf.server.group;

/**
 * The statuses a StreamsGroupHeartbeat response reports (KIP-1071), with the codes and messages
 * kafka-clients 4.4.0 knows them by. Immutable.
 */
enum StreamsStatus {
    STALE_TOPOLOGY(0, "The topology epoch supplied is inconsistent with the topology for this streams group."),
    MISSING_SOURCE_TOPICS(1, "One or more source topics are missing or a source topic regex resolves to zero topics."),
    INCORRECTLY_PARTITIONED_TOPICS(2, "One or more topics expected to be copartitioned are not copartitioned."),
    MISSING_INTERNAL_TOPICS(3, "One or more internal topics are missing."),
    SHUTDOWN_APPLICATION(4, "A client requested the shutdown of the whole application."),
    ASSIGNMENT_DELAYED(5, "The assignment was delayed by the coordinator.");

    final byte code;
    final String message;

    StreamsStatus(int code, String message) {
        this.code = (byte) code;
        this.message = message;
    }
}
