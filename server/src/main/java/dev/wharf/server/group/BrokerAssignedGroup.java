package dev.wharf.server.group;

/**
 * What the group kinds whose assignments the broker computes (KIP-848 consumer groups, share
 * groups, streams groups) share: an id, and being Dead (deleted, unloaded) since a time, which
 * {@link #revive} undoes when the deletion's write fails. Their membership protocols are their own.
 *
 * <p>Threads: as {@link Group}: every method under the group's own monitor.
 */
abstract sealed class BrokerAssignedGroup implements Group permits ConsumerGroup, ShareGroup, StreamsGroup {
    final String groupId;
    boolean dead;
    long stateTimestampMs;

    BrokerAssignedGroup(String groupId, long nowMs) {
        this.groupId = groupId;
        this.stateTimestampMs = nowMs;
    }

    @Override
    public final String groupId() {
        return groupId;
    }

    @Override
    public final boolean isDead() {
        return dead;
    }

    @Override
    public final long stateTimestampMs() {
        return stateTimestampMs;
    }

    @Override
    public final void markDead(long nowMs) {
        dead = true;
        stateTimestampMs = nowMs;
    }

    @Override
    public final void revive(long stateTimestampMs) {
        dead = false;
        this.stateTimestampMs = stateTimestampMs;
    }
}
