package dev.wharf.server.replica;

import dev.wharf.server.metrics.TopicMeters;

/**
 * Told by the {@link ReplicaManager} when a partition starts and stops being hosted here (the
 * metrics register and drop its MBeans), on the thread that opens or drops it, and of the ISR
 * changes its leaders write. Must not block.
 */
public interface HostingListener {
    /** Returns the meters of the partition's topic, which the partition records into. */
    TopicMeters opened(Partition partition);

    void closed(Partition partition);

    /** A leader's ISR change was written: from {@code before} replicas to {@code after} (IsrShrinks/IsrExpands). */
    default void isrChanged(int before, int after) {
    }

    HostingListener NONE = new HostingListener() {
        @Override
        public TopicMeters opened(Partition p) {
            return TopicMeters.NONE;
        }

        @Override
        public void closed(Partition p) {
        }
    };
}
