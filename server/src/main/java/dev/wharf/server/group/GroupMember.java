package dev.wharf.server.group;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A member of a classic group. Threads: those of its group; every field is guarded by the group's
 * monitor.
 */
final class GroupMember {
    String memberId;
    final String groupInstanceId;
    String clientId;
    String clientHost;
    int rebalanceTimeoutMs;
    int sessionTimeoutMs;
    /** The protocols it supports, by name, in its order of preference, with its metadata for each. */
    Map<String, byte[]> protocols;
    byte[] assignment = new byte[0];
    /** The JoinGroup waiting for the rebalance to complete, if any. */
    CompletableFuture<GroupCoordinator.JoinResult> awaitingJoin;
    /** The SyncGroup waiting for the leader's assignment, if any. */
    CompletableFuture<GroupCoordinator.SyncResult> awaitingSync;
    /** When the member is considered gone unless it heartbeats again. */
    long heartbeatDeadlineMs;

    GroupMember(String memberId, String groupInstanceId, String clientId, String clientHost, int rebalanceTimeoutMs,
            int sessionTimeoutMs, Map<String, byte[]> protocols) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocols = new LinkedHashMap<>(protocols);
    }

    boolean sameProtocols(Map<String, byte[]> other) {
        if (!protocols.keySet().equals(other.keySet())) {
            return false;
        }
        return protocols.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), other.get(e.getKey())));
    }

    byte[] metadata(String protocol) {
        byte[] m = protocol == null ? null : protocols.get(protocol);
        return m == null ? new byte[0] : m;
    }
}
