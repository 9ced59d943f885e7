package dev.wharf.server.api;

import dev.wharf.server.ErrorCode;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.InitProducerIdRequest;
import dev.wharf.wire.message.InitProducerIdResponse;
import dev.wharf.wire.protocol.ApiMessage;

/**
 * InitProducerId for idempotent producers (on by default in every client since 3.0): a new
 * cluster-unique producer id at epoch 0. Transactional producers need a transaction coordinator,
 * which Wharf does not have yet; they get COORDINATOR_NOT_AVAILABLE.
 *
 * <p>v1: no change. v2: flexible. v3: existing producer id and epoch (KIP-360). v4-5: error codes.
 */
public final class InitProducerIdHandler implements ApiHandler {
    private final ZkMetadataStore metadata;

    public InitProducerIdHandler(ZkMetadataStore metadata) {
        this.metadata = metadata;
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
    public ApiMessage respond(RequestContext context) {
        InitProducerIdRequest req = (InitProducerIdRequest) context.body();
        InitProducerIdResponse resp = new InitProducerIdResponse().setProducerEpoch((short) -1).setProducerId(-1);
        if (req.transactionalId() != null) {
            return resp.setErrorCode(ErrorCode.COORDINATOR_NOT_AVAILABLE.code);
        }
        try {
            return resp.setProducerId(metadata.nextProducerId()).setProducerEpoch((short) 0);
        } catch (Exception e) {
            return resp.setErrorCode(ErrorCode.COORDINATOR_NOT_AVAILABLE.code);
        }
    }
}
