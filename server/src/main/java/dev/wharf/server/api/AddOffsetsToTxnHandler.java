package dev.wharf.server.api;

import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.group.GroupStore;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.server.txn.TxnCoordinator;
import dev.wharf.wire.message.AddOffsetsToTxnRequest;
import dev.wharf.wire.message.AddOffsetsToTxnResponse;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * AddOffsetsToTxn: the producer will commit a group's offsets in its transaction
 * ({@code sendOffsetsToTransaction}); the group's {@code __consumer_offsets} partition joins the
 * transaction, so that its marker commits or drops them.
 *
 * <p>v1: no change. v2: PRODUCER_FENCED (KIP-588). v3: flexible. v4: TRANSACTION_ABORTABLE possible.
 */
public final class AddOffsetsToTxnHandler implements ApiHandler {
    private final Authorization authz;
    private final TxnCoordinator coordinator;
    private final GroupStore groups;

    public AddOffsetsToTxnHandler(Authorization authz, TxnCoordinator coordinator, GroupStore groups) {
        this.authz = authz;
        this.coordinator = coordinator;
        this.groups = groups;
    }

    @Override
    public ApiKey api() {
        return ApiKey.ADD_OFFSETS_TO_TXN;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        AddOffsetsToTxnRequest req = (AddOffsetsToTxnRequest) context.body();
        if (!authz.allowed(context, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, req.transactionalId())) {
            return CompletableFuture.completedFuture(
                    new AddOffsetsToTxnResponse().setErrorCode(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code));
        }
        if (!authz.allowed(context, AclOperation.READ, ResourceType.GROUP, req.groupId())) {
            return CompletableFuture.completedFuture(
                    new AddOffsetsToTxnResponse().setErrorCode(ErrorCode.GROUP_AUTHORIZATION_FAILED.code));
        }
        OptionalInt partition;
        try {
            groups.coordinatorFor(req.groupId()); // creates __consumer_offsets on first use
            partition = groups.partitionOf(req.groupId());
        } catch (Exception e) {
            partition = OptionalInt.empty();
        }
        if (partition.isEmpty()) {
            return CompletableFuture.completedFuture(
                    new AddOffsetsToTxnResponse().setErrorCode(ErrorCode.COORDINATOR_NOT_AVAILABLE.code));
        }
        TopicPartition offsets = new TopicPartition(GroupStore.OFFSETS_TOPIC, partition.getAsInt());
        return coordinator.addOffsetsPartition(req.transactionalId(), req.producerId(), req.producerEpoch(), offsets,
                context.version() >= 2).thenApply(error -> new AddOffsetsToTxnResponse().setErrorCode(error.code));
    }
}
