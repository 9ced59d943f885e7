package dev.wharf.server.fetch;

import dev.wharf.controller.BrokerInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.replica.Partition;
import java.util.List;
import java.util.Optional;

/**
 * Where a consumer should read a partition (KIP-392, {@code replica.selector.class}): with Kafka's
 * RackAwareReplicaSelector, an in-sync replica in the consumer's {@code client.rack} (the leader if
 * it is there itself); otherwise, and for consumers that name no rack, the leader. The leader
 * answers a consumer that should read elsewhere with that replica and no records; the consumer
 * then fetches from it, and falls back on the leader when it errs. Stateless; any thread.
 */
final class ReadReplicaSelector {
    private final boolean rackAware;
    private final ZkMetadataStore metadata;

    ReadReplicaSelector(boolean rackAware, ZkMetadataStore metadata) {
        this.rackAware = rackAware;
        this.metadata = metadata;
    }

    /** The replica a consumer in {@code clientRack} should read the partition led here from; -1 for this leader. */
    int preferredFor(Partition leader, int selfId, String clientRack) {
        if (!rackAware || clientRack == null || clientRack.isEmpty()) {
            return -1;
        }
        List<BrokerInfo> live;
        try {
            live = metadata.liveBrokers();
        } catch (Exception e) {
            return -1;
        }
        if (clientRack.equals(rackOf(live, selfId))) {
            return -1;
        }
        for (int replica : leader.inSyncReplicas()) {
            if (replica != selfId && clientRack.equals(rackOf(live, replica))) {
                return replica;
            }
        }
        return -1;
    }

    private static String rackOf(List<BrokerInfo> live, int id) {
        return live.stream().filter(b -> b.id() == id).findFirst().flatMap(BrokerInfo::rack).orElse(null);
    }
}
