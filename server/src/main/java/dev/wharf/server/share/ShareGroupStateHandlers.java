package dev.wharf.server.share;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.api.ApiHandler;
import dev.wharf.server.api.RequestContext;
import dev.wharf.server.group.ShareCoordinator;
import dev.wharf.server.group.ShareStateRecord;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ReadShareGroupStateRequest;
import dev.wharf.wire.message.ReadShareGroupStateResponse;
import dev.wharf.wire.message.WriteShareGroupStateRequest;
import dev.wharf.wire.message.WriteShareGroupStateResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The broker-to-broker share-state calls a group's coordinator answers for partition leaders
 * elsewhere ({@link RemoteShareState}): ReadShareGroupState (no state stored: start offset -1)
 * and WriteShareGroupState. Brokers only (CLUSTER_ACTION). Both run on the io pool.
 */
final class ShareGroupStateHandlers {
    private ShareGroupStateHandlers() {}

    static final class Read implements ApiHandler {
        private final Authorization authz;
        private final ShareCoordinator coordinator;

        Read(Authorization authz, ShareCoordinator coordinator) {
            this.authz = authz;
            this.coordinator = coordinator;
        }

        @Override
        public ApiKey api() {
            return ApiKey.READ_SHARE_GROUP_STATE;
        }

        @Override
        public ApiMessage respond(RequestContext context) {
            ReadShareGroupStateRequest req = (ReadShareGroupStateRequest) context.body();
            boolean allowed = authz.allowedOnCluster(context, AclOperation.CLUSTER_ACTION);
            List<ReadShareGroupStateResponse.ReadStateResult> results = new ArrayList<>();
            for (ReadShareGroupStateRequest.ReadStateData t : req.topics()) {
                List<ReadShareGroupStateResponse.PartitionResult> partitions = new ArrayList<>();
                for (ReadShareGroupStateRequest.PartitionData p : t.partitions()) {
                    ReadShareGroupStateResponse.PartitionResult r = new ReadShareGroupStateResponse.PartitionResult()
                            .setPartition(p.partition()).setStartOffset(-1);
                    partitions.add(r);
                    if (!allowed) {
                        r.setErrorCode(ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code);
                        continue;
                    }
                    ShareCoordinator.StateRead read = coordinator.readState(req.groupId(), t.topicId(), p.partition());
                    r.setErrorCode(read.error().code);
                    if (read.state() != null) {
                        List<ReadShareGroupStateResponse.StateBatch> batches = new ArrayList<>();
                        for (ShareStateRecord.Batch b : read.state().batches()) {
                            batches.add(new ReadShareGroupStateResponse.StateBatch().setFirstOffset(b.first())
                                    .setLastOffset(b.last()).setDeliveryState(b.state()).setDeliveryCount(b.deliveryCount()));
                        }
                        r.setStartOffset(read.state().startOffset()).setStateEpoch(read.state().stateEpoch()).setStateBatches(batches);
                    }
                }
                results.add(new ReadShareGroupStateResponse.ReadStateResult().setTopicId(t.topicId()).setPartitions(partitions));
            }
            return new ReadShareGroupStateResponse().setResults(results);
        }
    }

    static final class Write implements ApiHandler {
        /** A batch a leader could have written: ordered offsets, a known state (0, 2 or 4), a count. */
        static boolean valid(ShareStateRecord.Batch b) {
            return b.first() >= 0 && b.first() <= b.last() && b.deliveryCount() >= 0
                    && (b.state() == 0 || b.state() == 2 || b.state() == 4);
        }

        private final Authorization authz;
        private final ShareCoordinator coordinator;

        Write(Authorization authz, ShareCoordinator coordinator) {
            this.authz = authz;
            this.coordinator = coordinator;
        }

        @Override
        public ApiKey api() {
            return ApiKey.WRITE_SHARE_GROUP_STATE;
        }

        @Override
        public CompletableFuture<ApiMessage> handle(RequestContext context) {
            WriteShareGroupStateRequest req = (WriteShareGroupStateRequest) context.body();
            boolean allowed = authz.allowedOnCluster(context, AclOperation.CLUSTER_ACTION);
            List<WriteShareGroupStateResponse.WriteStateResult> results = new ArrayList<>();
            List<CompletableFuture<?>> writes = new ArrayList<>();
            for (WriteShareGroupStateRequest.WriteStateData t : req.topics()) {
                List<WriteShareGroupStateResponse.PartitionResult> partitions = new ArrayList<>();
                for (WriteShareGroupStateRequest.PartitionData p : t.partitions()) {
                    WriteShareGroupStateResponse.PartitionResult r = new WriteShareGroupStateResponse.PartitionResult()
                            .setPartition(p.partition());
                    partitions.add(r);
                    if (!allowed) {
                        r.setErrorCode(ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code);
                        continue;
                    }
                    List<ShareStateRecord.Batch> batches = new ArrayList<>();
                    p.stateBatches().forEach(b -> batches.add(new ShareStateRecord.Batch(b.firstOffset(), b.lastOffset(),
                            b.deliveryState(), b.deliveryCount())));
                    if (p.startOffset() < 0 || !batches.stream().allMatch(Write::valid)) {
                        r.setErrorCode(ErrorCode.INVALID_REQUEST.code);
                        continue;
                    }
                    writes.add(coordinator.writeState(req.groupId(), new ShareStateRecord(t.topicId(), p.partition(),
                            p.stateEpoch(), p.leaderEpoch(), p.startOffset(), batches)).thenAccept(error -> r.setErrorCode(error.code)));
                }
                results.add(new WriteShareGroupStateResponse.WriteStateResult().setTopicId(t.topicId())
                        .setPartitions(partitions));
            }
            return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                    .thenApply(v -> new WriteShareGroupStateResponse().setResults(results));
        }
    }
}
