package dev.wharf.server.group;

import java.util.Map;

/**
 * A member of a streams group (one stream thread's consumer, KIP-1071): what it told the
 * coordinator about itself, its epoch, and where it stands on the way to its target assignment.
 *
 * <p>Threads: those of its group; every field is guarded by the group's monitor.
 */
final class StreamsMember {
    /** Where a member stands relative to the group's target assignment, as Kafka names it. */
    enum State {
        /** Has every task of its target, or is waiting for none. */
        STABLE,
        /** Must give up tasks (reported as still owned) before it moves to the new epoch. */
        UNREVOKED_TASKS,
        /** Moved to the new epoch, but some of its target tasks are still owned elsewhere. */
        UNRELEASED_TASKS
    }

    /** A user endpoint for interactive queries. */
    record Endpoint(String host, int port) {}

    final String memberId;
    String instanceId;
    String rackId;
    String clientId;
    String clientHost;
    String processId;
    Endpoint userEndpoint;
    Map<String, String> clientTags = Map.of();
    int topologyEpoch;
    int rebalanceTimeoutMs;

    int memberEpoch;
    int previousMemberEpoch;
    State state = State.STABLE;
    /** Tasks it may run now. */
    StreamsTasks assigned = StreamsTasks.EMPTY;
    /** Tasks it was asked to give up and has not yet reported released. */
    StreamsTasks pendingRevocation = StreamsTasks.EMPTY;

    /**
     * The changelog offset sums it last reported for the tasks whose state it has locally, and their
     * end offsets, as subtopology → partition → offset. Not stored, as in Kafka: a restored member
     * reports them again within group.streams.task.offset.interval.ms.
     */
    Map<String, Map<Integer, Long>> taskOffsets = Map.of();
    Map<String, Map<Integer, Long>> taskEndOffsets = Map.of();

    /** Not stored: a restored member gets a fresh session. */
    long heartbeatDeadlineMs;
    /** Whether its session timer runs. */
    boolean sessionTimed;
    /** When a member that has not released its revoked tasks by then is fenced; 0 when none pending. */
    long revocationDeadlineMs;

    StreamsMember(String memberId) {
        this.memberId = memberId;
    }

    /** Whether it has reached this epoch of the target assignment with nothing left to give up or get. */
    boolean reconciledTo(int targetEpoch) {
        return memberEpoch == targetEpoch && state == State.STABLE;
    }
}
