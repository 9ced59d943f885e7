package dev.wharf.server.group;

import java.util.List;
import java.util.UUID;

/**
 * A share-partition's durable state as its group stores it in {@code __consumer_offsets}: the
 * start offset and the in-flight runs with their delivery states (Kafka's codes: 0 available,
 * 2 acknowledged, 4 archived) and delivery counts, stamped with the leader epoch of the partition
 * leader that wrote it (an older leader's write is refused). A start offset of -1 (as in
 * ReadShareGroupState) marks a state DeleteShareGroupOffsets removed: nothing is stored, but its
 * state epoch is kept so that a leader still holding the old state is refused, and the next
 * leader starts afresh in that epoch. Immutable.
 */
public record ShareStateRecord(UUID topicId, int partition, int stateEpoch, int leaderEpoch, long startOffset,
        List<Batch> batches) {
    public record Batch(long first, long last, byte state, short deliveryCount) {}

    public ShareStateRecord {
        batches = List.copyOf(batches);
    }

    /** A removed state's place holder (DeleteShareGroupOffsets), keeping only the epochs that fence. */
    public static ShareStateRecord deleted(UUID topicId, int partition, int stateEpoch, int leaderEpoch) {
        return new ShareStateRecord(topicId, partition, stateEpoch, leaderEpoch, -1, List.of());
    }

    /** Whether this only marks a removed state: the share-partition starts afresh. */
    public boolean isDeleted() {
        return startOffset < 0;
    }
}
