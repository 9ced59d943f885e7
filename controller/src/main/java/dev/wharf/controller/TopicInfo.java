package dev.wharf.controller;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A topic as the cluster metadata holds it: id, partitions with their leadership, configs. */
public record TopicInfo(String name, UUID id, List<PartitionInfo> partitions, Map<String, String> configs) {

    /** This topic with one partition's state replaced. */
    public TopicInfo withPartition(PartitionInfo p) {
        List<PartitionInfo> copy = new ArrayList<>(partitions);
        copy.set(p.partition(), p);
        return new TopicInfo(name, id, List.copyOf(copy), configs);
    }

    /**
     * One partition: its replicas, current leader (-1: none, the partition is offline) and leader
     * epoch, in-sync replicas, and its partition epoch: the version of its state znode, which every
     * change of leader or ISR bumps and every such write is conditional on.
     */
    public record PartitionInfo(int partition, List<Integer> replicas, int leader, int leaderEpoch, List<Integer> isr,
            int partitionEpoch) {
        public PartitionInfo {
            replicas = List.copyOf(replicas);
            isr = List.copyOf(isr);
        }

        /** A partition state not yet written (partition epoch 0, the version of a new znode). */
        public PartitionInfo(int partition, List<Integer> replicas, int leader, int leaderEpoch, List<Integer> isr) {
            this(partition, replicas, leader, leaderEpoch, isr, 0);
        }

        /** The same partition with a new leader, leader epoch and ISR (partition epoch unchanged until written). */
        public PartitionInfo withLeaderAndIsr(int newLeader, int newLeaderEpoch, List<Integer> newIsr) {
            return new PartitionInfo(partition, replicas, newLeader, newLeaderEpoch, newIsr, partitionEpoch);
        }
    }
}
