package dev.wharf.server.api;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.group.GroupCoordinator;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.HeartbeatRequest;
import dev.wharf.wire.message.HeartbeatResponse;
import dev.wharf.wire.protocol.ApiMessage;

/**
 * Heartbeat: keeps a member in its group; REBALANCE_IN_PROGRESS tells it to join again.
 *
 * <p>v1: throttle time. v3: group.instance.id. v4: flexible.
 */
public final class HeartbeatHandler implements ApiHandler {
    private final Authorization authz;
    private final GroupCoordinator coordinator;

    public HeartbeatHandler(Authorization authz, GroupCoordinator coordinator) {
        this.authz = authz;
        this.coordinator = coordinator;
    }

    @Override
    public ApiKey api() {
        return ApiKey.HEARTBEAT;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        HeartbeatRequest req = (HeartbeatRequest) context.body();
        if (!authz.allowed(context, AclOperation.READ, ResourceType.GROUP, req.groupId())) {
            return new HeartbeatResponse().setErrorCode(ErrorCode.GROUP_AUTHORIZATION_FAILED.code);
        }
        return new HeartbeatResponse().setErrorCode(coordinator.heartbeat(
                req.groupId(), req.memberId(), req.groupInstanceId(), req.generationId()).code);
    }
}
