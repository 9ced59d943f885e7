package dev.wharf.server.api;

import dev.wharf.server.ErrorCode;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.InitProducerIdRequest;
import dev.wharf.wire.message.InitProducerIdResponse;
import dev.wharf.server.txn.TxnCoordinator;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.concurrent.CompletableFuture;

/**
 * InitProducerId: idempotent producers (on by default in every client since 3.0) get a new
 * cluster-unique producer id at epoch 0; transactional producers get their id's producer id and
 * next epoch from its transaction coordinator, which fences the previous producer of the id.
 *
 * <p>v1: no change. v2: flexible. v3: existing producer id and epoch (KIP-360). v4-5: error codes.
 */
public final class InitProducerIdHandler implements ApiHandler {
    private final Authorization authz;
    private final ZkMetadataStore metadata;
    private final TxnCoordinator transactions;

    public InitProducerIdHandler(Authorization authz, ZkMetadataStore metadata, TxnCoordinator transactions) {
        this.authz = authz;
        this.metadata = metadata;
        this.transactions = transactions;
    }

    @Override
    public ApiKey api() {
        return ApiKey.INIT_PRODUCER_ID;
    }

    @Override
    public short highestVersion() {
        // the newest version is still under development in Kafka: clients must not be offered it
        return (short) (ApiKey.INIT_PRODUCER_ID.highestVersion - (ApiKey.INIT_PRODUCER_ID.latestVersionUnstable ? 1 : 0));
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        InitProducerIdRequest req = (InitProducerIdRequest) context.body();
        InitProducerIdResponse resp = new InitProducerIdResponse().setProducerEpoch((short) -1).setProducerId(-1);
        if (req.transactionalId() != null) {
            // (the Java client sends an empty id for "none" in some versions; Kafka treats it as none too)
            if (!req.transactionalId().isEmpty()) {
                if (!authz.allowed(context, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, req.transactionalId())) {
                    return CompletableFuture.completedFuture(
                            resp.setErrorCode(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code));
                }
                return transactions.initProducerId(req.transactionalId(), req.transactionTimeoutMs(), req.producerId(),
                        req.producerEpoch(), context.version() >= 4).thenApply(r -> (ApiMessage) resp
                                .setErrorCode(r.error().code).setProducerId(r.producerId()).setProducerEpoch(r.producerEpoch()));
            }
        }
        // an idempotent producer: IDEMPOTENT_WRITE on the cluster, or WRITE on some topic (KIP-679)
        if (!authz.allowedOnCluster(context, AclOperation.IDEMPOTENT_WRITE)
                && !authz.allowedOnAny(context, AclOperation.WRITE, ResourceType.TOPIC)) {
            return CompletableFuture.completedFuture(resp.setErrorCode(ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code));
        }
        try {
            return CompletableFuture.completedFuture(resp.setProducerId(metadata.nextProducerId()).setProducerEpoch((short) 0));
        } catch (Exception e) {
            return CompletableFuture.completedFuture(resp.setErrorCode(ErrorCode.COORDINATOR_NOT_AVAILABLE.code));
        }
    }
}
