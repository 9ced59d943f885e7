package dev.wharf.controller;

/**
 * The outcome of an election asked for by an operator (ElectLeaders, {@code kafka-leader-election})
 * for one partition, named after the Kafka error each becomes.
 */
public enum Election {
    /** A new leader was written. */
    ELECTED,
    /** The preferred replica leads already (PREFERRED), or a live leader exists (UNCLEAN): ELECTION_NOT_NEEDED. */
    NOT_NEEDED,
    /** The preferred replica is not live and in sync: PREFERRED_LEADER_NOT_AVAILABLE. */
    PREFERRED_NOT_AVAILABLE,
    /** No live replica could lead: ELIGIBLE_LEADERS_NOT_AVAILABLE. */
    NO_ELIGIBLE_LEADER,
    /** No such topic or partition. */
    UNKNOWN_PARTITION,
    /** The partition state changed under the controller too often, or could not be written: try again. */
    FAILED
}
