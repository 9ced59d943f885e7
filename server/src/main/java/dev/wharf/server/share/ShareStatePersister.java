package dev.wharf.server.share;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.group.ShareCoordinator;
import dev.wharf.server.group.ShareStateRecord;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Where a partition leader keeps its share-partitions' state: with the group, in the group's
 * {@code __consumer_offsets} partition (Kafka's share coordinator role). When this broker
 * coordinates the group the coordinator is called directly; otherwise {@link RemoteShareState}
 * sends ReadShareGroupState / WriteShareGroupState to the broker that does.
 *
 * <p>Threads: any thread; stateless beyond its collaborators.
 */
final class ShareStatePersister {
    private final ShareCoordinator local;
    private final RemoteShareState remote;

    ShareStatePersister(ShareCoordinator local, RemoteShareState remote) {
        this.local = local;
        this.remote = remote;
    }

    CompletableFuture<ShareCoordinator.StateRead> read(String groupId, UUID topicId, int partition, int leaderEpoch) {
        ShareCoordinator.StateRead here = local.readState(groupId, topicId, partition);
        if (here.error() != ErrorCode.NOT_COORDINATOR || remote == null) {
            return CompletableFuture.completedFuture(here);
        }
        return remote.read(groupId, topicId, partition, leaderEpoch);
    }

    CompletableFuture<ErrorCode> write(String groupId, ShareStateRecord state) {
        return local.writeState(groupId, state).thenCompose(error -> error == ErrorCode.NOT_COORDINATOR && remote != null
                ? remote.write(groupId, state)
                : CompletableFuture.completedFuture(error));
    }
}
