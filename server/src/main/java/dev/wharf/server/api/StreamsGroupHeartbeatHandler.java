package dev.wharf.server.api;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.group.StreamsCoordinator;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.StreamsGroupHeartbeatRequest;
import dev.wharf.wire.message.StreamsGroupHeartbeatResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.concurrent.CompletableFuture;

/**
 * StreamsGroupHeartbeat (KIP-1071): a Kafka Streams member joins, stays in or leaves its streams
 * group, registers the topology, reports the tasks it owns and gets its assignment.
 *
 * <p>v0: the first version. v1: AcceptableRecoveryLag (int64) and TopologyDescriptionRequired in
 * the response (Wharf stores no topology description, so never asks for one).
 */
public final class StreamsGroupHeartbeatHandler implements ApiHandler {
    private final Authorization authz;
    private final StreamsCoordinator coordinator;

    public StreamsGroupHeartbeatHandler(Authorization authz, StreamsCoordinator coordinator) {
        this.authz = authz;
        this.coordinator = coordinator;
    }

    @Override
    public ApiKey api() {
        return ApiKey.STREAMS_GROUP_HEARTBEAT;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        StreamsGroupHeartbeatRequest req = (StreamsGroupHeartbeatRequest) context.body();
        if (!authz.allowed(context, AclOperation.READ, ResourceType.GROUP, req.groupId())) {
            return CompletableFuture.completedFuture(new StreamsGroupHeartbeatResponse()
                    .setErrorCode(ErrorCode.GROUP_AUTHORIZATION_FAILED.code));
        }
        short version = context.version();
        return coordinator.heartbeat(req, context.clientId(), context.connection().clientHost()).thenApply(r -> {
            if (version >= 1) {
                r.setAcceptableRecoveryLagLegacy(0); // v0's int32 field; v1 has the int64 one
            }
            return (ApiMessage) r;
        });
    }
}
