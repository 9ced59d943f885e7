package dev.wharf.controller;

import java.util.List;
import java.util.Optional;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A partition leader's changes to its in-sync replicas, written straight to the partition's state
 * znode as Kafka's ZooKeeper mode did (rather than asking the controller, KIP-497's AlterPartition):
 * the write is conditional on the znode's version, the partition epoch the leader last saw, and on
 * the state still naming this leader in the same leader epoch. A leader that missed a change (the
 * controller moved leadership, or removed a dead replica) fails the write and learns the new state
 * from the metadata; a leader cut off from ZooKeeper cannot change its ISR at all, so it can never
 * shrink the ISR to itself and acknowledge alone after it was replaced.
 *
 * <p>Threads: {@code wharf-zk-events} only (the facade hands calls there).
 */
final class IsrWrites {
    private static final Logger log = LoggerFactory.getLogger(IsrWrites.class);

    private final org.apache.curator.framework.CuratorFramework zk;
    private final int selfId;
    private final MetadataCache cache;

    IsrWrites(ZkSession session, MetadataCache cache) {
        this.zk = session.client();
        this.selfId = session.self().id();
        this.cache = cache;
    }

    /** The new state, or empty when the partition's state is no longer the one the leader based the change on. */
    Optional<TopicInfo.PartitionInfo> alterIsr(String topic, int partition, int leaderEpoch, int partitionEpoch,
            List<Integer> isr) throws Exception {
        Optional<TopicInfo> t = cache.topic(topic);
        if (t.isEmpty() || partition >= t.get().partitions().size()) {
            return Optional.empty();
        }
        TopicInfo.PartitionInfo known = t.get().partitions().get(partition);
        if (!mayJoin(known.isr(), isr)) {
            return Optional.empty();
        }
        Stat stat = new Stat();
        byte[] state;
        try {
            state = zk.getData().storingStatIn(stat).forPath(ZkData.partitionState(topic, partition));
        } catch (KeeperException.NoNodeException gone) {
            return Optional.empty();
        }
        TopicInfo.PartitionInfo current = ZkData.partitionState(known, state, stat.getVersion());
        if (current.partitionEpoch() != partitionEpoch || current.leader() != selfId || current.leaderEpoch() != leaderEpoch) {
            cache.rememberPartition(topic, current);
            return Optional.empty();
        }
        TopicInfo.PartitionInfo next = current.withLeaderAndIsr(selfId, leaderEpoch, isr);
        Stat written;
        try {
            written = zk.setData().withVersion(partitionEpoch).forPath(ZkData.partitionState(topic, partition),
                    ZkData.partitionState(next, ZkData.controllerEpochOf(state))); // the leader keeps the controller's epoch
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
            return Optional.empty();
        }
        TopicInfo.PartitionInfo done = next.withPartitionEpoch(written.getVersion());
        log.info("partition {}-{}: isr {} -> {} (leader {}, epoch {})", topic, partition, current.isr(), isr, selfId,
                leaderEpoch);
        cache.rememberPartition(topic, done);
        return Optional.of(done);
    }

    /**
     * Whether every replica the change adds to the ISR is registered and not shutting down, as
     * Kafka refuses such a change (KIP-841's INELIGIBLE_REPLICA): a broker in a controlled
     * shutdown still fetches until it stops, so its leader would take it back into the ISR the
     * controller just took it out of, and once it was gone every acks=all write would wait for it
     * until the controller removed it again (which a busy controller did only ~40 s later).
     */
    private boolean mayJoin(List<Integer> before, List<Integer> proposed) {
        java.util.Set<Integer> leaving = cache.shuttingDown();
        java.util.Set<Integer> live = new java.util.HashSet<>();
        cache.liveBrokers().forEach(b -> live.add(b.id()));
        for (int replica : proposed) {
            if (!before.contains(replica) && (leaving.contains(replica) || !live.contains(replica))) {
                log.info("partition change refused: replica {} may not join the ISR {} ({})", replica, before,
                        leaving.contains(replica) ? "shutting down" : "not registered");
                return false;
            }
        }
        return true;
    }
}
