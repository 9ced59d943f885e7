package dev.wharf.server.api;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.group.GroupCoordinator;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.JoinGroupRequest;
import dev.wharf.wire.message.JoinGroupResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * JoinGroup: answered when the rebalance it starts or joins completes (or at once with an error
 * or MEMBER_ID_REQUIRED). The connection waits meanwhile, as with Kafka.
 *
 * <p>v1: rebalance timeout. v4: member id required first (KIP-394). v5: group.instance.id.
 * v6: flexible. v7: protocol type in the response. v8: reason. v9: skip assignment (KIP-814).
 */
public final class JoinGroupHandler implements ApiHandler {
    private final Authorization authz;
    private final GroupCoordinator coordinator;

    public JoinGroupHandler(Authorization authz, GroupCoordinator coordinator) {
        this.authz = authz;
        this.coordinator = coordinator;
    }

    @Override
    public ApiKey api() {
        return ApiKey.JOIN_GROUP;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        JoinGroupRequest req = (JoinGroupRequest) context.body();
        short version = context.version();
        if (!authz.allowed(context, AclOperation.READ, ResourceType.GROUP, req.groupId())) {
            return CompletableFuture.completedFuture(new JoinGroupResponse()
                    .setErrorCode(ErrorCode.GROUP_AUTHORIZATION_FAILED.code).setGenerationId(-1)
                    .setProtocolName(version >= 7 ? null : "").setLeader("").setMemberId("").setMembers(List.of()));
        }
        Map<String, byte[]> protocols = new LinkedHashMap<>();
        req.protocols().forEach(p -> protocols.putIfAbsent(p.name(), p.metadata()));
        String clientId = context.clientId();
        String host = context.connection().clientHost();
        int rebalanceTimeout = version == 0 || req.rebalanceTimeoutMs() < 0 ? req.sessionTimeoutMs() : req.rebalanceTimeoutMs();
        GroupCoordinator.JoinRequest join = new GroupCoordinator.JoinRequest(req.groupId(), req.memberId(),
                req.groupInstanceId(), clientId, host, req.sessionTimeoutMs(), rebalanceTimeout, req.protocolType(),
                protocols, version);
        return coordinator.join(join).thenApply(r -> response(r, version));
    }

    private static ApiMessage response(GroupCoordinator.JoinResult r, short version) {
        List<JoinGroupResponse.JoinGroupResponseMember> members = r.members().stream()
                .map(m -> new JoinGroupResponse.JoinGroupResponseMember().setMemberId(m.memberId())
                        .setGroupInstanceId(m.groupInstanceId()).setMetadata(m.metadata()))
                .toList();
        // before v7 the protocol name is not nullable and the type is not sent
        String protocolName = r.protocolName() == null && version < 7 ? "" : r.protocolName();
        return new JoinGroupResponse().setErrorCode(r.error().code).setGenerationId(r.generation())
                .setProtocolType(version >= 7 ? r.protocolType() : null).setProtocolName(protocolName)
                .setLeader(r.leaderId() == null ? "" : r.leaderId()).setMemberId(r.memberId())
                .setSkipAssignment(version >= 9 && r.skipAssignment()).setMembers(members);
    }
}
