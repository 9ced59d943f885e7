package dev.wharf.server.replica;

import java.util.List;

/**
 * Writes a leader's proposed ISR to the cluster metadata, off the caller's thread, and reports
 * back with {@link Partition#isrChangeDone}. Implemented by the {@link ReplicaManager}.
 */
interface IsrChanger {
    /** An ISR changer for a partition that is never replicated (tests, a single broker's own use). */
    IsrChanger NONE = (partition, leaderEpoch, partitionEpoch, isr) -> partition.isrChangeDone(null);

    void alterIsr(Partition partition, int leaderEpoch, int partitionEpoch, List<Integer> isr);
}
