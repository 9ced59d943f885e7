package dev.wharf.server.group;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.coordinator.CoordinatorLog;
import java.util.List;
import java.util.Set;

/**
 * What every kind of group has, whatever protocol manages its members: an id, a state to list
 * and describe, a say in whether an offset commit comes from a current member, and the topics its
 * members consume (for OffsetDelete and offset retention). Committed offsets are not part of a
 * group; they live in the {@link OffsetTable}.
 *
 * <p>Threads: any io thread, timer hand-off or partition writer may call these. Every method must
 * be called holding the group's own monitor ({@code synchronized (group)}), which guards all of
 * the group's state; nothing is written to a log while it is held.
 */
sealed interface Group permits ClassicGroup, BrokerAssignedGroup {

    String groupId();

    GroupType type();

    /** The protocol type its members declared ("consumer", "connect", ...); "" when none yet. */
    String protocolType();

    /** The state as ListGroups and DescribeGroups name it. */
    String stateName();

    boolean isDead();

    /** No members: the group may be deleted, and its offsets expire from the moment it emptied. */
    boolean isEmpty();

    /** When the group last changed state (the start of retention for an emptied group). */
    long stateTimestampMs();

    /** Whether it ever had members (an offsets-only group's retention counts from each commit). */
    boolean hadMembers();

    /** Ends the group (deleted, or emptied of everything); {@link #revive} undoes it if the write fails. */
    void markDead(long nowMs);

    void revive(long stateTimestampMs);

    /**
     * This broker stopped coordinating the group (its partition moved): requests waiting on it are
     * answered NOT_COORDINATOR, its timers stop, and it goes Dead so a request already past the
     * coordinator check gets COORDINATOR_NOT_AVAILABLE, never UNKNOWN_MEMBER_ID for a member that
     * is fine on the new coordinator.
     */
    void unload(long nowMs);

    /**
     * Whether an OffsetCommit ({@code transactional} false, at API version {@code apiVersion}) or a
     * TxnOffsetCommit (true; its version matters not) from this member of this generation may be
     * stored (NONE if so). A commit from a live member also counts as a sign of life.
     */
    ErrorCode validateOffsetCommit(String memberId, String groupInstanceId, int generation, boolean transactional,
            short apiVersion, long nowMs);

    /**
     * Whether an OffsetFetch naming this member and member epoch may read the group's offsets
     * (OffsetFetch v9+, KIP-848: STALE_MEMBER_EPOCH, UNKNOWN_MEMBER_ID...). Requests naming no member
     * ({@code memberId} null, epoch -1) are admin reads and always allowed.
     */
    default ErrorCode validateOffsetFetch(String memberId, int memberEpoch) {
        return ErrorCode.NONE;
    }

    /**
     * Whether the group goes once it is empty and has no committed offsets left (offset retention
     * deletes it then). Kafka's share groups never expire: their share-partition state must stay.
     */
    default boolean shouldExpire() {
        return true;
    }

    /** Records deleting the group's own metadata from {@code __consumer_offsets} (not its offsets). */
    List<CoordinatorLog.Entry> tombstones();

    /** What its members consume. */
    Subscriptions subscriptions();

    /** The group as DescribeGroups shows it (members only with {@code withMembers}). */
    GroupCoordinator.GroupSummary summary(boolean withMembers);

    /** Which topics a group's members rely on the committed offsets of. */
    sealed interface Subscriptions {
        /** No members: no offset is in use. */
        record None() implements Subscriptions {}

        /** Members consume these topics; {@code settled} is false while they are being reassigned. */
        record Topics(Set<String> topics, boolean settled) implements Subscriptions {}

        /** Consumer members whose subscriptions cannot be read: every offset counts as in use. */
        record Unreadable() implements Subscriptions {}

        /** Members of a protocol the coordinator cannot look into. */
        record OtherProtocol() implements Subscriptions {}
    }
}
