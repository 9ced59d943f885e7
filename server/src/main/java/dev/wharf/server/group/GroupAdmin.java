package dev.wharf.server.group;

import dev.wharf.server.coordinator.CoordinatorLog;
import dev.wharf.server.coordinator.PartitionWriter;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.group.GroupCoordinator.GroupSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DescribeGroups, ListGroups and DeleteGroups, for groups of every kind.
 *
 * <p>Threads: io threads, each reading a group under its monitor; a deletion is decided again and
 * applied on the group's partition writer. No state of its own.
 */
final class GroupAdmin {
    private static final Logger log = LoggerFactory.getLogger(GroupAdmin.class);

    private final GroupStore store;
    private final LongSupplier clock;

    GroupAdmin(GroupStore store, LongSupplier clock) {
        this.store = store;
        this.clock = clock;
    }

    /** DescribeGroups for one group: empty when not coordinated here; a Dead summary when unknown. */
    Optional<GroupSummary> describe(String groupId) {
        if (store.writerFor(groupId).isEmpty()) {
            return Optional.empty();
        }
        Group group = store.group(groupId);
        if (group == null) {
            return Optional.of(GroupSummary.dead(groupId));
        }
        synchronized (group) {
            return Optional.of(group.summary(true));
        }
    }

    /** Every live group this broker coordinates. */
    List<GroupSummary> list() {
        List<GroupSummary> out = new ArrayList<>();
        for (Group group : store.all()) {
            synchronized (group) {
                if (!group.isDead()) {
                    out.add(group.summary(false));
                }
            }
        }
        return out;
    }

    /**
     * Deletes an empty group with its offsets. The check is made again on the group's partition
     * writer, where it also marks the group Dead (so no commit slips in behind the tombstones),
     * and the group is forgotten once the tombstones are durable.
     */
    CompletableFuture<ErrorCode> delete(String groupId) {
        Optional<PartitionWriter> writer = store.writerFor(groupId);
        if (writer.isEmpty()) {
            return CompletableFuture.completedFuture(ErrorCode.NOT_COORDINATOR);
        }
        Group group = store.group(groupId);
        if (group == null) {
            return CompletableFuture.completedFuture(ErrorCode.GROUP_ID_NOT_FOUND);
        }
        return writer.get().write(new PartitionWriter.LogWrite<>() {
            private ErrorCode error = ErrorCode.NONE;
            private long emptySince;

            @Override
            public List<CoordinatorLog.Entry> records() {
                synchronized (group) {
                    if (group.isDead()) {
                        error = ErrorCode.GROUP_ID_NOT_FOUND;
                    } else if (!group.isEmpty()) {
                        error = ErrorCode.NON_EMPTY_GROUP;
                    } else {
                        emptySince = group.stateTimestampMs();
                        group.markDead(clock.getAsLong());
                        // every offset applied so far: later commits find the group Dead
                        return GroupPersistence.tombstones(group, store.offsets().partitions(groupId), true);
                    }
                    return List.of();
                }
            }

            @Override
            public ErrorCode applied() {
                if (error == ErrorCode.NONE) {
                    store.offsets().removeGroup(groupId);
                    store.remove(group);
                    log.info("deleted group {}", groupId);
                }
                return error;
            }

            @Override
            public ErrorCode failed(Exception cause) {
                PartitionWriter.logFailure(log, "cannot delete group " + groupId, cause);
                synchronized (group) {
                    group.revive(emptySince);
                }
                return PartitionWriter.errorFor(cause);
            }
        });
    }
}
