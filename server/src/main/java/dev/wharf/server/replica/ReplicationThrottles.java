package dev.wharf.server.replica;

import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Replication throttles (KIP-73), as {@code kafka-reassign-partitions --throttle} sets them: a
 * leader sends a throttled replica's records to a follower outside the ISR only while the bytes it
 * sent that way stay under {@code leader.replication.throttled.rate}; a follower outside the ISR
 * fetches its throttled replicas only while what it copied that way stays under
 * {@code follower.replication.throttled.rate}. Which replicas are throttled, each topic says in
 * {@code leader.replication.throttled.replicas} and {@code follower.replication.throttled.replicas}
 * ({@link ThrottledReplicas}). Replicas in sync are never throttled: the throttle slows a
 * reassignment, never the clients.
 *
 * <p>Threads: any (the quotas synchronize; configs are read from the metadata's snapshot).
 */
public final class ReplicationThrottles {
    /** Kafka's {@code replication.quota.window.num}. */
    private static final int WINDOWS = 11;
    static final String LEADER_REPLICAS = "leader.replication.throttled.replicas";
    static final String FOLLOWER_REPLICAS = "follower.replication.throttled.replicas";

    private final int brokerId;
    private final Function<String, Map<String, String>> topicConfigs;
    private final ReplicationQuota leader;
    private final ReplicationQuota follower;

    /** {@code topicConfigs}: a topic's config overrides by name (empty when unknown). */
    public ReplicationThrottles(int brokerId, Function<String, Map<String, String>> topicConfigs, LongSupplier leaderRate,
            LongSupplier followerRate) {
        this.brokerId = brokerId;
        this.topicConfigs = topicConfigs;
        this.leader = new ReplicationQuota(leaderRate, WINDOWS);
        this.follower = new ReplicationQuota(followerRate, WINDOWS);
    }

    /** As leader: whether {@code followerId}'s fetch of {@code p} gets no records this time. */
    public boolean leaderHoldsBack(Partition p, int followerId, long nowMs) {
        return leaderThrottled(p, followerId) && leader.exceeded(nowMs);
    }

    /** As leader: {@code bytes} of {@code p} went to {@code followerId}. */
    public void sentToFollower(Partition p, int followerId, long bytes, long nowMs) {
        if (leaderThrottled(p, followerId)) {
            leader.record(bytes, nowMs);
        }
    }

    /** As follower: whether {@code p} is left out of the next fetch. */
    boolean followerHoldsBack(Partition p, long nowMs) {
        return followerThrottled(p) && follower.exceeded(nowMs);
    }

    /** As follower: {@code bytes} of {@code p} were copied. */
    void copied(Partition p, long bytes, long nowMs) {
        if (followerThrottled(p)) {
            follower.record(bytes, nowMs);
        }
    }

    private boolean leaderThrottled(Partition p, int followerId) {
        return leader.limited() && !p.inSyncReplicas().contains(followerId)
                && ThrottledReplicas.listed(config(p, LEADER_REPLICAS), p.topicPartition().partition(), brokerId);
    }

    private boolean followerThrottled(Partition p) {
        return follower.limited() && !p.inSyncReplicas().contains(brokerId)
                && ThrottledReplicas.listed(config(p, FOLLOWER_REPLICAS), p.topicPartition().partition(), brokerId);
    }

    private String config(Partition p, String key) {
        return topicConfigs.apply(p.topicPartition().topic()).get(key);
    }
}
