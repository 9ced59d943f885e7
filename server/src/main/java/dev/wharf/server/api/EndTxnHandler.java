package dev.wharf.server.api;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.server.txn.TxnCoordinator;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.EndTxnRequest;
import dev.wharf.wire.message.EndTxnResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.concurrent.CompletableFuture;

/**
 * EndTxn: commit or abort, answered once the coordinator's decision is durable; the markers
 * follow. From v5 the client speaks transaction version 2 (KIP-890): every commit or abort bumps
 * the epoch, and the answer carries the producer id and epoch of the next transaction.
 *
 * <p>v1: no change. v2: PRODUCER_FENCED (KIP-588). v3: flexible. v4: TRANSACTION_ABORTABLE
 * possible. v5: the producer id and epoch after the transaction (KIP-890).
 */
public final class EndTxnHandler implements ApiHandler {
    private final Authorization authz;
    private final TxnCoordinator coordinator;

    public EndTxnHandler(Authorization authz, TxnCoordinator coordinator) {
        this.authz = authz;
        this.coordinator = coordinator;
    }

    @Override
    public ApiKey api() {
        return ApiKey.END_TXN;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        EndTxnRequest req = (EndTxnRequest) context.body();
        if (!authz.allowed(context, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, req.transactionalId())) {
            return CompletableFuture.completedFuture(new EndTxnResponse()
                    .setErrorCode(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code).setProducerId(-1)
                    .setProducerEpoch((short) -1));
        }
        return coordinator.endTransaction(req.transactionalId(), req.producerId(), req.producerEpoch(), req.committed(),
                context.version() >= 2, context.version() >= 5).thenApply(r -> new EndTxnResponse()
                        .setErrorCode(r.error().code).setProducerId(r.producerId()).setProducerEpoch(r.producerEpoch()));
    }
}
