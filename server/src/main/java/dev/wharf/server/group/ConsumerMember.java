package dev.wharf.server.group;

import io.netty.util.Timeout;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A member of a consumer group (KIP-848): what it subscribes to, its epoch, and where it stands on
 * the way to its target assignment. Threads: those of its group; every field is guarded by the
 * group's monitor.
 */
final class ConsumerMember {
    /** The epoch a member sends to join, to leave, and (static members) to leave for a while. */
    static final int JOIN_EPOCH = 0;
    static final int LEAVE_EPOCH = -1;
    static final int STATIC_LEAVE_EPOCH = -2;

    /** Where a member is on the way to its target, as ConsumerGroupDescribe and Kafka's records name it. */
    enum State {
        /** Owns its target at the group's assignment epoch (or has nothing to change). */
        STABLE((byte) 0),
        /** Must give up partitions ({@link #revoking}) before it can move on; keeps its epoch meanwhile. */
        UNREVOKED_PARTITIONS((byte) 1),
        /** At the new epoch, waiting for other members to release partitions of its target. */
        UNRELEASED_PARTITIONS((byte) 2);

        final byte code;

        State(byte code) {
            this.code = code;
        }

        static State of(byte code) {
            for (State s : values()) {
                if (s.code == code) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown member state " + code);
        }
    }

    String memberId;
    String instanceId;
    String rackId;
    String clientId;
    String clientHost;
    int rebalanceTimeoutMs;
    List<String> subscribedTopicNames = List.of();
    /** The RE2J pattern it subscribes with, or null. */
    String subscribedTopicRegex;
    /**
     * Which topics its last heartbeat's principal may DESCRIBE (checked live against the ACLs), the
     * filter on its regular expression's matches; null until it heartbeats to this broker (restored
     * from the log: not written, as a principal's rights are not the group's state).
     */
    Predicate<String> describable;
    /** The assignor it asked for (group.remote.assignor), or null for the broker's default. */
    String serverAssignor;

    /**
     * Set for a member speaking the classic protocol (JoinGroup, SyncGroup, Heartbeat) inside a
     * consumer group, after its classic group was converted: its session timeout and protocols.
     */
    ClassicProtocol classic;

    int memberEpoch;
    int previousMemberEpoch;
    State state = State.STABLE;
    Map<String, Set<Integer>> assigned = TopicPartitions.NONE;
    Map<String, Set<Integer>> revoking = TopicPartitions.NONE;

    /** When it is removed unless it heartbeats again. */
    long sessionDeadlineMs;
    /** When it is removed unless it has revoked {@link #revoking}; 0 when nothing is being revoked. */
    long revocationDeadlineMs;
    Timeout sessionTimer;

    /** What a classic member declared in its JoinGroup. */
    record ClassicProtocol(int sessionTimeoutMs, Map<String, byte[]> protocols) {
        /** The protocol it prefers (the first), told back to it in JoinGroup and SyncGroup. */
        String protocolName() {
            return protocols.keySet().iterator().next();
        }
    }

    ConsumerMember(String memberId) {
        this.memberId = memberId;
    }

    /** The metadata a member record stores, to tell whether a heartbeat changed it. */
    Object metadataKey() {
        return List.of(Objects.toString(instanceId), Objects.toString(rackId), clientId, clientHost,
                rebalanceTimeoutMs, subscribedTopicNames, Objects.toString(subscribedTopicRegex),
                Objects.toString(serverAssignor), classic == null ? "" : classic.sessionTimeoutMs() + "/"
                        + classic.protocols().keySet());
    }

    /** The assignment a current-assignment record stores. */
    Object assignmentKey() {
        return List.of(memberEpoch, previousMemberEpoch, state, assigned, revoking);
    }

    /** Whether every partition it owns is one it could own at this point (a previous-epoch heartbeat is fine then). */
    boolean owns(Map<String, Set<Integer>> owned) {
        return owned != null && TopicPartitions.minus(owned, assigned).isEmpty();
    }

    @Override
    public String toString() {
        return memberId + "@" + memberEpoch + " " + state + " " + assigned + (revoking.isEmpty() ? "" : " revoking " + revoking);
    }
}
