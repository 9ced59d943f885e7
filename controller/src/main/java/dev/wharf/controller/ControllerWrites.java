package dev.wharf.controller;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
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
     * Creates a topic: a new id, replicas placed over the live brokers by {@link ReplicaPlacement}
     * (refusing when only some brokers have a rack), then as {@link #createTopic(String, List, Map)}.
     */
    TopicInfo createTopic(String name, int partitions, int replicationFactor, Map<String, String> configs) throws Exception {
        if (cache.topic(name).isPresent()) {
            throw new TopicExistsException(name);
        }
        List<List<Integer>> assignment = ReplicaPlacement.over(cache.liveBrokers(), ReplicaPlacement.MixedRacks.REFUSE)
                .forNewTopic(partitions, replicationFactor);
        return createTopic(name, assignment, configs);
    }

    /**
     * Creates a topic with the given replicas of each partition (by partition number; checked
     * against the live brokers): a new id, each partition led by its first replica at leader epoch 0
     * with all replicas in sync.
     */
    TopicInfo createTopic(String name, List<List<Integer>> assignment, Map<String, String> configs) throws Exception {
        if (cache.topic(name).isPresent()) {
            throw new TopicExistsException(name);
        }
        if (assignment.isEmpty()) {
            throw new InvalidPartitionsException("Number of partitions must be larger than 0.");
        }
        ReplicaPlacement.checkAssignment(assignment, liveBrokerIds(), OptionalInt.empty());
        UUID id = KafkaIds.random();
        List<TopicInfo.PartitionInfo> infos = ledByFirstReplica(assignment, 0);
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
        log.info("created topic={} id={} partitions={} replicationFactor={}", name, KafkaIds.toText(id), assignment.size(),
                assignment.get(0).size());
        return info;
    }

    /**
     * Grows a topic to {@code count} partitions (never shrinks), the new ones placed by
     * {@link ReplicaPlacement} where the topic's leaders left off, then as {@link #addPartitions(String, List)}.
     */
    TopicInfo addPartitions(String name, int count) throws Exception {
        TopicInfo t = cache.topic(name).orElseThrow(() -> new IllegalArgumentException("unknown topic " + name));
        List<List<Integer>> existing = t.partitions().stream().map(TopicInfo.PartitionInfo::replicas).toList();
        List<List<Integer>> added = ReplicaPlacement.over(cache.liveBrokers(), ReplicaPlacement.MixedRacks.REFUSE)
                .forNewPartitions(existing, count);
        return addPartitions(name, added);
    }

    /**
     * Adds partitions with the given replicas (one list per new partition, numbered on from the
     * topic's count; as many replicas as the topic's partitions have), led like those of a new
     * topic; the assignment and the new partition states are one multi-op.
     */
    TopicInfo addPartitions(String name, List<List<Integer>> newAssignments) throws Exception {
        TopicInfo t = cache.topic(name).orElseThrow(() -> new IllegalArgumentException("unknown topic " + name));
        if (newAssignments.isEmpty()) {
            throw new InvalidPartitionsException("Topic already has " + t.partitions().size() + " partitions.");
        }
        ReplicaPlacement.checkAssignment(newAssignments, liveBrokerIds(),
                OptionalInt.of(t.partitions().get(0).replicas().size()));
        List<TopicInfo.PartitionInfo> added = ledByFirstReplica(newAssignments, t.partitions().size());
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
        log.info("topic={} now has partitions={}", name, all.size());
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

    /** New partitions numbered from {@code first}, each led by its first replica at epoch 0, all replicas in sync. */
    private static List<TopicInfo.PartitionInfo> ledByFirstReplica(List<List<Integer>> replicas, int first) {
        List<TopicInfo.PartitionInfo> out = new ArrayList<>();
        for (int i = 0; i < replicas.size(); i++) {
            List<Integer> r = List.copyOf(replicas.get(i));
            out.add(new TopicInfo.PartitionInfo(first + i, r, r.get(0), 0, r));
        }
        return out;
    }

    private List<Integer> liveBrokerIds() {
        return cache.liveBrokers().stream().map(BrokerInfo::id).toList();
    }

    private void addPartitionOps(List<CuratorOp> ops, String name, List<TopicInfo.PartitionInfo> partitions) throws Exception {
        for (TopicInfo.PartitionInfo p : partitions) {
            ops.add(zk.transactionOp().create().forPath(ZkData.partition(name, p.partition())));
            ops.add(zk.transactionOp().create().forPath(ZkData.partitionState(name, p.partition()),
                    ZkData.partitionState(p, election.epoch())));
        }
    }
}
