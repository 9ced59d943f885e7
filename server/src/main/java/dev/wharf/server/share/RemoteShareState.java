package dev.wharf.server.share;

import dev.wharf.controller.BrokerInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.group.GroupStore;
import dev.wharf.server.group.ShareCoordinator;
import dev.wharf.server.group.ShareStateRecord;
import dev.wharf.server.network.BrokerConnections;
import dev.wharf.server.network.InterBrokerListener;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ReadShareGroupStateRequest;
import dev.wharf.wire.message.ReadShareGroupStateResponse;
import dev.wharf.wire.message.WriteShareGroupStateRequest;
import dev.wharf.wire.message.WriteShareGroupStateResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A partition leader's calls to the broker coordinating a share group, for share-partition state
 * kept there: ReadShareGroupState when a share-partition is first used here, WriteShareGroupState
 * after each change (v0, one partition per call). A read answered with start offset -1 means no
 * state is stored. A coordinator that cannot be found or reached is COORDINATOR_NOT_AVAILABLE.
 *
 * <p>Threads: any thread asks; the calls run one at a time on a thread of their own
 * ({@code wharf-share-state}, which ends when idle), which alone uses the connections.
 */
final class RemoteShareState {
    private static final Logger log = LoggerFactory.getLogger(RemoteShareState.class);

    private final GroupStore groups;
    private final int brokerId;
    private final BrokerConnections connections;
    private final ExecutorService thread;

    RemoteShareState(GroupStore groups, ZkMetadataStore metadata, int brokerId, InterBrokerListener listener) {
        this.groups = groups;
        this.brokerId = brokerId;
        this.connections = new BrokerConnections("wharf-share-state-" + brokerId, 30_000, 16 << 20, metadata, listener);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "wharf-share-state-" + brokerId);
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        this.thread = pool;
    }

    CompletableFuture<ShareCoordinator.StateRead> read(String groupId, UUID topicId, int partition, int leaderEpoch) {
        return CompletableFuture.supplyAsync(() -> {
            int coordinator = coordinator(groupId);
            if (coordinator < 0) {
                return new ShareCoordinator.StateRead(ErrorCode.COORDINATOR_NOT_AVAILABLE, null);
            }
            ReadShareGroupStateRequest request = new ReadShareGroupStateRequest().setGroupId(groupId).setTopics(List.of(
                    new ReadShareGroupStateRequest.ReadStateData().setTopicId(topicId).setPartitions(List.of(
                            new ReadShareGroupStateRequest.PartitionData().setPartition(partition)
                                    .setLeaderEpoch(leaderEpoch)))));
            try {
                ReadShareGroupStateResponse response = (ReadShareGroupStateResponse) connections.to(coordinator)
                        .call(ApiKey.READ_SHARE_GROUP_STATE, (short) 0, request);
                for (ReadShareGroupStateResponse.ReadStateResult t : response.results()) {
                    for (ReadShareGroupStateResponse.PartitionResult p : t.partitions()) {
                        if (p.errorCode() != 0) {
                            return new ShareCoordinator.StateRead(ErrorCode.forCode(p.errorCode()), null);
                        }
                        if (p.startOffset() < 0) { // none stored, or a deleted state's place holder with its epoch
                            return new ShareCoordinator.StateRead(ErrorCode.NONE, p.stateEpoch() > 0
                                    ? ShareStateRecord.deleted(topicId, partition, p.stateEpoch(), leaderEpoch) : null);
                        }
                        List<ShareStateRecord.Batch> batches = new ArrayList<>();
                        p.stateBatches().forEach(b -> batches.add(new ShareStateRecord.Batch(b.firstOffset(),
                                b.lastOffset(), b.deliveryState(), b.deliveryCount())));
                        return new ShareCoordinator.StateRead(ErrorCode.NONE,
                                new ShareStateRecord(topicId, partition, p.stateEpoch(), leaderEpoch, p.startOffset(), batches));
                    }
                }
                return new ShareCoordinator.StateRead(ErrorCode.COORDINATOR_NOT_AVAILABLE, null);
            } catch (Exception e) {
                log.info("cannot read share state of {} from broker {}: {}", groupId, coordinator, e.toString());
                return new ShareCoordinator.StateRead(ErrorCode.COORDINATOR_NOT_AVAILABLE, null);
            }
        }, thread);
    }

    CompletableFuture<ErrorCode> write(String groupId, ShareStateRecord state) {
        return CompletableFuture.supplyAsync(() -> {
            int coordinator = coordinator(groupId);
            if (coordinator < 0) {
                return ErrorCode.COORDINATOR_NOT_AVAILABLE;
            }
            List<WriteShareGroupStateRequest.StateBatch> batches = new ArrayList<>();
            state.batches().forEach(b -> batches.add(new WriteShareGroupStateRequest.StateBatch()
                    .setFirstOffset(b.first()).setLastOffset(b.last()).setDeliveryState(b.state())
                    .setDeliveryCount(b.deliveryCount())));
            WriteShareGroupStateRequest request = new WriteShareGroupStateRequest().setGroupId(groupId).setTopics(List.of(
                    new WriteShareGroupStateRequest.WriteStateData().setTopicId(state.topicId()).setPartitions(List.of(
                            new WriteShareGroupStateRequest.PartitionData().setPartition(state.partition())
                                    .setStateEpoch(state.stateEpoch())
                                    .setLeaderEpoch(state.leaderEpoch()).setStartOffset(state.startOffset())
                                    .setStateBatches(batches)))));
            try {
                WriteShareGroupStateResponse response = (WriteShareGroupStateResponse) connections.to(coordinator)
                        .call(ApiKey.WRITE_SHARE_GROUP_STATE, (short) 0, request);
                for (WriteShareGroupStateResponse.WriteStateResult t : response.results()) {
                    for (WriteShareGroupStateResponse.PartitionResult p : t.partitions()) {
                        return ErrorCode.forCode(p.errorCode());
                    }
                }
                return ErrorCode.COORDINATOR_NOT_AVAILABLE;
            } catch (Exception e) {
                log.info("cannot write share state of {} to broker {}: {}", groupId, coordinator, e.toString());
                return ErrorCode.COORDINATOR_NOT_AVAILABLE;
            }
        }, thread);
    }

    private int coordinator(String groupId) {
        try {
            Optional<BrokerInfo> b = groups.coordinatorFor(groupId);
            return b.map(BrokerInfo::id).filter(id -> id != brokerId).orElse(-1);
        } catch (Exception e) {
            return -1;
        }
    }
}
