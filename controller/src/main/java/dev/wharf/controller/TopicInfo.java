package dev.wharf.controller;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A topic as the cluster metadata holds it: id, partitions with their leadership, configs. */
public record TopicInfo(String name, UUID id, List<PartitionInfo> partitions, Map<String, String> configs) {

    /** One partition: its replicas, current leader and leader epoch, and in-sync replicas. */
    public record PartitionInfo(int partition, List<Integer> replicas, int leader, int leaderEpoch, List<Integer> isr) {}
}
