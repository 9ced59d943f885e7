package dev.wharf.server.group;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.coordinator.CoordinatorLog;
import dev.wharf.server.coordinator.PartitionWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The share-partition start offsets of a share group as administrators see them:
 * DescribeShareGroupOffsets reads the stored states; AlterShareGroupOffsets and
 * DeleteShareGroupOffsets (only while the group has no members: NON_EMPTY_GROUP) write new ones,
 * each in a new state epoch so that a partition leader still holding the old state is refused
 * its next write and loads the new one. A deleted share-partition starts again as
 * {@code share.auto.offset.reset} says.
 *
 * <p>Threads: io threads. Each group's state is guarded by its monitor; writes are queued on the
 * partition writer, never appended holding it.
 */
public final class ShareOffsetsAdmin {
    private static final Logger log = LoggerFactory.getLogger(ShareOffsetsAdmin.class);

    /** A group's stored share-partition states, or the error to answer for the group. */
    public record Offsets(ErrorCode error, Map<UUID, Map<Integer, ShareStateRecord>> states) {}

    private final GroupStore store;
    private final LongSupplier clock;

    public ShareOffsetsAdmin(GroupStore store, LongSupplier clock) {
        this.store = store;
        this.clock = clock;
    }

    public Offsets describe(String groupId) {
        if (store.writerFor(groupId).isEmpty()) {
            return new Offsets(ErrorCode.NOT_COORDINATOR, Map.of());
        }
        ShareGroup group = store.group(groupId, ShareGroup.class);
        if (group == null) {
            return new Offsets(ErrorCode.GROUP_ID_NOT_FOUND, Map.of());
        }
        Map<UUID, Map<Integer, ShareStateRecord>> out = new HashMap<>();
        synchronized (group) {
            if (group.isDead()) {
                return new Offsets(ErrorCode.GROUP_ID_NOT_FOUND, Map.of());
            }
            group.states.forEach((tp, s) -> {
                if (!s.isDeleted()) {
                    out.computeIfAbsent(tp.topicId(), k -> new HashMap<>()).put(tp.partition(), s);
                }
            });
        }
        return new Offsets(ErrorCode.NONE, out);
    }

    /** Sets the start offsets of these share-partitions (topic id → partition → offset); a new group if there was none. */
    public CompletableFuture<ErrorCode> alter(String groupId, Map<UUID, Map<Integer, Long>> startOffsets) {
        Optional<PartitionWriter> writer = store.writerFor(groupId);
        if (writer.isEmpty()) {
            return CompletableFuture.completedFuture(ErrorCode.NOT_COORDINATOR);
        }
        ShareGroup group = store.getOrCreate(groupId, ShareGroup.class, id -> new ShareGroup(id, clock.getAsLong()));
        if (group == null) {
            return CompletableFuture.completedFuture(ErrorCode.GROUP_ID_NOT_FOUND);
        }
        Map<ShareGroup.TopicIdPartition, ShareStateRecord> next = new HashMap<>();
        return writer.get().write(new PartitionWriter.LogWrite<>() {
            private ErrorCode error = ErrorCode.NONE;

            @Override
            public List<CoordinatorLog.Entry> records() {
                synchronized (group) {
                    error = checkEmpty(group);
                    if (error != ErrorCode.NONE) {
                        return List.of();
                    }
                    List<CoordinatorLog.Entry> out = new ArrayList<>();
                    startOffsets.forEach((topicId, partitions) -> partitions.forEach((partition, offset) -> {
                        ShareGroup.TopicIdPartition tp = new ShareGroup.TopicIdPartition(topicId, partition);
                        ShareStateRecord stored = group.states.get(tp);
                        ShareStateRecord s = new ShareStateRecord(topicId, partition,
                                stored == null ? 1 : stored.stateEpoch() + 1, stored == null ? -1 : stored.leaderEpoch(),
                                offset, List.of());
                        next.put(tp, s);
                        out.add(ShareGroupRecords.stateEntry(groupId, s));
                    }));
                    group.epoch++; // as Kafka: a new group epoch goes with the new start offsets
                    out.add(ShareGroupRecords.groupEntry(group));
                    return out;
                }
            }

            @Override
            public ErrorCode applied() {
                synchronized (group) {
                    group.states.putAll(next);
                }
                return error;
            }

            @Override
            public ErrorCode failed(Exception cause) {
                PartitionWriter.logFailure(log, "cannot alter share offsets of " + groupId, cause);
                return PartitionWriter.errorFor(cause);
            }
        });
    }

    /**
     * Forgets the share-partition states of these topics: each is replaced by a place holder in a
     * new state epoch (not a tombstone), so that a leader still holding the old state cannot write
     * it back (FENCED_STATE_EPOCH), as after AlterShareGroupOffsets.
     */
    public CompletableFuture<ErrorCode> delete(String groupId, Set<UUID> topicIds) {
        Optional<PartitionWriter> writer = store.writerFor(groupId);
        if (writer.isEmpty()) {
            return CompletableFuture.completedFuture(ErrorCode.NOT_COORDINATOR);
        }
        ShareGroup group = store.group(groupId, ShareGroup.class);
        if (group == null) {
            return CompletableFuture.completedFuture(ErrorCode.GROUP_ID_NOT_FOUND);
        }
        Map<ShareGroup.TopicIdPartition, ShareStateRecord> gone = new HashMap<>();
        return writer.get().write(new PartitionWriter.LogWrite<>() {
            private ErrorCode error = ErrorCode.NONE;

            @Override
            public List<CoordinatorLog.Entry> records() {
                synchronized (group) {
                    error = checkEmpty(group);
                    if (error != ErrorCode.NONE) {
                        return List.of();
                    }
                    List<CoordinatorLog.Entry> out = new ArrayList<>();
                    group.states.forEach((tp, stored) -> {
                        if (topicIds.contains(tp.topicId()) && !stored.isDeleted()) {
                            ShareStateRecord marker = ShareStateRecord.deleted(tp.topicId(), tp.partition(),
                                    stored.stateEpoch() + 1, stored.leaderEpoch());
                            gone.put(tp, marker);
                            out.add(ShareGroupRecords.stateEntry(groupId, marker));
                        }
                    });
                    return out;
                }
            }

            @Override
            public ErrorCode applied() {
                synchronized (group) {
                    group.states.putAll(gone);
                }
                return error;
            }

            @Override
            public ErrorCode failed(Exception cause) {
                PartitionWriter.logFailure(log, "cannot delete share offsets of " + groupId, cause);
                return PartitionWriter.errorFor(cause);
            }
        });
    }

    private static ErrorCode checkEmpty(ShareGroup group) {
        if (group.isDead()) {
            return ErrorCode.GROUP_ID_NOT_FOUND;
        }
        return group.isEmpty() ? ErrorCode.NONE : ErrorCode.NON_EMPTY_GROUP;
    }
}
