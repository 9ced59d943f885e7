package dev.wharf.controller;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topic writes: create a topic, add partitions, replace configs, delete a topic. Any broker makes
 * them, as in Kafka's ZooKeeper mode (a broker receiving CreateTopics or auto-creating a topic
 * writes it itself): each is one ZooKeeper multi-op whose success does not depend on what this
 * broker's cache holds: creation fails if the topic exists, growth is conditional on the version of
 * the assignment it read. New partitions start led by their first replica at leader epoch 0 with
 * every replica in sync (they are all empty); should that replica be down, the controller, which
 * watches every topic, elects another ({@link LeaderElections}). On success the cache is updated
 * at once, so the caller reads its own write.
 *
 * <p>Threads: every method must run on {@code wharf-zk-events} (the facade hands them there), so
 * writes are serialized with each other, with elections and with cache refreshes. No state of its own.
 */
final class ControllerWrites {
    private static final Logger log = LoggerFactory.getLogger(ControllerWrites.class);

    private final CuratorFramework zk;
    private final ControllerElection election;
    private final MetadataCache cache;

    ControllerWrites(ZkSession session, ControllerElection election, MetadataCache cache) {
        this.zk = session.client();
        this.election = election;
        this.cache = cache;
    }

    /**
     * Creates a topic: a new id, replicas assigned round-robin over live brokers, each partition led
     * by its first replica at leader epoch 0 with all replicas in sync.
     */
    TopicInfo createTopic(String name, int partitions, int replicationFactor, Map<String, String> configs) throws Exception {
        if (cache.topic(name).isPresent()) {
            throw new TopicExistsException(name);
        }
        List<BrokerInfo> brokers = cache.liveBrokers();
        if (replicationFactor < 1 || replicationFactor > brokers.size()) {
            throw new IllegalArgumentException("Replication factor: " + replicationFactor + " larger than available brokers: "
                    + brokers.size() + ".");
        }
        UUID id = KafkaIds.random();
        List<TopicInfo.PartitionInfo> infos = assign(brokers, 0, partitions, replicationFactor);
        List<CuratorOp> ops = new ArrayList<>();
        ops.add(zk.transactionOp().create().forPath(ZkData.topic(name), ZkData.topicAssignment(id, infos)));
        ops.add(zk.transactionOp().create().forPath(ZkData.partitions(name)));
        addPartitionOps(ops, name, infos);
        ops.add(zk.transactionOp().create().forPath(ZkData.topicConfig(name), ZkData.topicConfig(configs)));
        try {
            zk.transaction().forOperations(ops);
        } catch (KeeperException.NodeExistsException e) {
            throw new TopicExistsException(name); // created meanwhile, by another broker or request
        }
        TopicInfo info = new TopicInfo(name, id, List.copyOf(infos), Map.copyOf(configs));
        cache.remember(info);
        log.info("created topic={} id={} partitions={} replicationFactor={}", name, KafkaIds.toText(id), partitions,
                replicationFactor);
        return info;
    }

    /**
     * Grows a topic to {@code count} partitions (never shrinks): new partitions are assigned and
     * led like those of a new topic; the assignment and the new partition states are one multi-op.
     */
    TopicInfo addPartitions(String name, int count) throws Exception {
        TopicInfo t = cache.topic(name).orElseThrow(() -> new IllegalArgumentException("unknown topic " + name));
        if (count <= t.partitions().size()) {
            throw new IllegalArgumentException("Topic currently has " + t.partitions().size()
                    + " partitions, which is higher than the requested " + count + ".");
        }
        List<BrokerInfo> brokers = cache.liveBrokers();
        int rf = t.partitions().get(0).replicas().size();
        if (rf > brokers.size()) {
            throw new IllegalArgumentException("not enough live brokers for replication factor " + rf);
        }
        List<TopicInfo.PartitionInfo> added = assign(brokers, t.partitions().size(), count, rf);
        List<TopicInfo.PartitionInfo> all = new ArrayList<>(t.partitions());
        all.addAll(added);
        Stat assignment = zk.checkExists().forPath(ZkData.topic(name));
        if (assignment == null || ZkData.replicaAssignment(zk.getData().forPath(ZkData.topic(name))).size() != t.partitions().size()) {
            throw new IllegalStateException("topic " + name + " changed meanwhile; try again");
        }
        List<CuratorOp> ops = new ArrayList<>();
        ops.add(zk.transactionOp().setData().withVersion(assignment.getVersion())
                .forPath(ZkData.topic(name), ZkData.topicAssignment(t.id(), all)));
        addPartitionOps(ops, name, added);
        zk.transaction().forOperations(ops);
        TopicInfo updated = new TopicInfo(name, t.id(), List.copyOf(all), t.configs());
        cache.remember(updated);
        log.info("topic={} now has partitions={}", name, count);
        return updated;
    }

    /** Replaces a topic's config overrides. */
    TopicInfo setTopicConfigs(String name, Map<String, String> configs) throws Exception {
        TopicInfo t = cache.topic(name).orElseThrow(() -> new IllegalArgumentException("unknown topic " + name));
        zk.setData().forPath(ZkData.topicConfig(name), ZkData.topicConfig(configs));
        TopicInfo updated = new TopicInfo(name, t.id(), t.partitions(), Map.copyOf(configs));
        cache.remember(updated);
        return updated;
    }

    /** Deletes a topic's metadata (each broker deletes its logs). */
    void deleteTopic(String name) throws Exception {
        TopicInfo t = cache.topic(name).orElseThrow(() -> new IllegalArgumentException("unknown topic " + name));
        List<CuratorOp> ops = new ArrayList<>();
        for (TopicInfo.PartitionInfo p : t.partitions()) {
            ops.add(zk.transactionOp().delete().forPath(ZkData.partitionState(name, p.partition())));
            ops.add(zk.transactionOp().delete().forPath(ZkData.partition(name, p.partition())));
        }
        ops.add(zk.transactionOp().delete().forPath(ZkData.partitions(name)));
        ops.add(zk.transactionOp().delete().forPath(ZkData.topic(name)));
        ops.add(zk.transactionOp().delete().forPath(ZkData.topicConfig(name)));
        zk.transaction().forOperations(ops);
        cache.forget(name);
        log.info("deleted topic={}", name);
    }

    /** Partitions {@code from} to {@code to - 1}: replicas round-robin over brokers (sorted by id), led by the first. */
    private static List<TopicInfo.PartitionInfo> assign(List<BrokerInfo> brokers, int from, int to, int replicationFactor) {
        List<TopicInfo.PartitionInfo> out = new ArrayList<>();
        for (int p = from; p < to; p++) {
            List<Integer> replicas = new ArrayList<>();
            for (int r = 0; r < replicationFactor; r++) {
                replicas.add(brokers.get((p + r) % brokers.size()).id());
            }
            out.add(new TopicInfo.PartitionInfo(p, List.copyOf(replicas), replicas.get(0), 0, List.copyOf(replicas)));
        }
        return out;
    }

    private void addPartitionOps(List<CuratorOp> ops, String name, List<TopicInfo.PartitionInfo> partitions) throws Exception {
        for (TopicInfo.PartitionInfo p : partitions) {
            ops.add(zk.transactionOp().create().forPath(ZkData.partition(name, p.partition())));
            ops.add(zk.transactionOp().create().forPath(ZkData.partitionState(name, p.partition()),
                    ZkData.partitionState(p, election.epoch())));
        }
    }
}
