package dev.wharf.server.replica;

import dev.wharf.logstore.PartitionLog;
import java.io.IOException;

/**
 * What a {@link Partition} reports about its log: an I/O error (its log dir is failing) and a
 * follower's truncation (a move of the log to another log dir must cut its copy back). Called on
 * the thread that met the event, sometimes holding the partition's role lock: must not block on it.
 */
interface StorageEvents {
    StorageEvents NONE = new StorageEvents() {
        @Override
        public void ioFailed(PartitionLog log, IOException e) {}

        @Override
        public void truncated(Partition partition) {}
    };

    void ioFailed(PartitionLog log, IOException e);

    void truncated(Partition partition);
}
