package dev.wharf.server.replica;

/** An append as leader to a replica that does not lead (any more): answered NOT_LEADER_OR_FOLLOWER or NOT_COORDINATOR. */
public final class NotLeaderException extends RuntimeException {
    public NotLeaderException(String message) {
        super(message);
    }
}
