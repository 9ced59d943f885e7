package dev.wharf.server.group;

import java.util.List;
import java.util.UUID;

/**
 * A share-partition's durable state as its group stores it in {@code __consumer_offsets}: the
 * start offset and the in-flight runs with their delivery states (Kafka's codes: 0 available,
 * 2 acknowledged, 4 archived) and delivery counts, stamped with the leader epoch of the partition
 * leader that wrote it (an older leader's write is refused). Immutable.
 */
public record ShareStateRecord(UUID topicId, int partition, int stateEpoch, int leaderEpoch, long startOffset,
        List<Batch> batches) {
    public record Batch(long first, long last, byte state, short deliveryCount) {}

    public ShareStateRecord {
        batches = List.copyOf(batches);
    }
}
