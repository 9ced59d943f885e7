package dev.wharf.server.api;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.group.GroupCoordinator;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.SyncGroupRequest;
import dev.wharf.wire.message.SyncGroupResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * SyncGroup: the leader brings the assignment; every member waits for its share.
 *
 * <p>v1: throttle time. v3: group.instance.id. v4: flexible. v5: protocol type and name, checked
 * against the group's (KIP-559).
 */
public final class SyncGroupHandler implements ApiHandler {
    private final Authorization authz;
    private final GroupCoordinator coordinator;

    public SyncGroupHandler(Authorization authz, GroupCoordinator coordinator) {
        this.authz = authz;
        this.coordinator = coordinator;
    }

    @Override
    public ApiKey api() {
        return ApiKey.SYNC_GROUP;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        SyncGroupRequest req = (SyncGroupRequest) context.body();
        short version = context.version();
        if (!authz.allowed(context, AclOperation.READ, ResourceType.GROUP, req.groupId())) {
            return CompletableFuture.completedFuture(new SyncGroupResponse()
                    .setErrorCode(ErrorCode.GROUP_AUTHORIZATION_FAILED.code).setAssignment(new byte[0]));
        }
        Map<String, byte[]> assignments = new HashMap<>();
        req.assignments().forEach(a -> assignments.put(a.memberId(), a.assignment()));
        return coordinator.sync(req.groupId(), req.generationId(), req.memberId(),
                        req.groupInstanceId(), req.protocolType(), req.protocolName(), assignments)
                .thenApply(r -> new SyncGroupResponse().setErrorCode(r.error().code)
                        .setProtocolType(version >= 5 ? r.protocolType() : null)
                        .setProtocolName(version >= 5 ? r.protocolName() : null).setAssignment(r.assignment()));
    }
}
