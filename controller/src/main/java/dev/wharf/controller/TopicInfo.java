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
     * change of leader, ISR or replicas bumps and every such write is conditional on. While it is
     * being reassigned, {@code replicas} holds the target and the original replicas together,
     * {@code adding} those of the target not yet there, {@code removing} those that go once the
     * target replicas are all in sync (Kafka's KIP-455 sets).
     */
    public record PartitionInfo(int partition, List<Integer> replicas, int leader, int leaderEpoch, List<Integer> isr,
            int partitionEpoch, List<Integer> adding, List<Integer> removing) {
        public PartitionInfo {
            replicas = List.copyOf(replicas);
            isr = List.copyOf(isr);
            adding = List.copyOf(adding);
            removing = List.copyOf(removing);
        }

        /** A partition not being reassigned. */
        public PartitionInfo(int partition, List<Integer> replicas, int leader, int leaderEpoch, List<Integer> isr,
                int partitionEpoch) {
            this(partition, replicas, leader, leaderEpoch, isr, partitionEpoch, List.of(), List.of());
        }

        /** A partition state not yet written (partition epoch 0, the version of a new znode). */
        public PartitionInfo(int partition, List<Integer> replicas, int leader, int leaderEpoch, List<Integer> isr) {
            this(partition, replicas, leader, leaderEpoch, isr, 0);
        }

        /** The same partition with a new leader, leader epoch and ISR (partition epoch unchanged until written). */
        public PartitionInfo withLeaderAndIsr(int newLeader, int newLeaderEpoch, List<Integer> newIsr) {
            return new PartitionInfo(partition, replicas, newLeader, newLeaderEpoch, newIsr, partitionEpoch, adding,
                    removing);
        }

        /** The same partition as written under partition epoch {@code epoch}. */
        public PartitionInfo withPartitionEpoch(int epoch) {
            return new PartitionInfo(partition, replicas, leader, leaderEpoch, isr, epoch, adding, removing);
        }

        /** The same partition with another replica set (and reassignment sets). */
        public PartitionInfo withReplicas(List<Integer> newReplicas, List<Integer> newAdding, List<Integer> newRemoving) {
            return new PartitionInfo(partition, newReplicas, leader, leaderEpoch, isr, partitionEpoch, newAdding,
                    newRemoving);
        }

        /** Whether a reassignment of this partition is under way. */
        public boolean reassigning() {
            return !adding.isEmpty() || !removing.isEmpty();
        }

        /** The replicas a reassignment leaves (all of them when none is under way). */
        public List<Integer> targetReplicas() {
            return replicas.stream().filter(r -> !removing.contains(r)).toList();
        }

        /** The replicas before the reassignment under way (all of them when none is). */
        public List<Integer> originalReplicas() {
            return replicas.stream().filter(r -> !adding.contains(r)).toList();
        }
    }
}
