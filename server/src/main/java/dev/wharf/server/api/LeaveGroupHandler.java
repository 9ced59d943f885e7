package dev.wharf.server.api;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.group.GroupCoordinator;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.LeaveGroupRequest;
import dev.wharf.wire.message.LeaveGroupResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * LeaveGroup: members leave at once instead of timing out; the group rebalances.
 *
 * <p>v1: throttle time. v3: a batch of members, by member id or group.instance.id (KIP-345).
 * v4: flexible. v5: reason.
 */
public final class LeaveGroupHandler implements ApiHandler {
    private final Authorization authz;
    private final GroupCoordinator coordinator;

    public LeaveGroupHandler(Authorization authz, GroupCoordinator coordinator) {
        this.authz = authz;
        this.coordinator = coordinator;
    }

    @Override
    public ApiKey api() {
        return ApiKey.LEAVE_GROUP;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        LeaveGroupRequest req = (LeaveGroupRequest) context.body();
        if (!authz.allowed(context, AclOperation.READ, ResourceType.GROUP, req.groupId())) {
            return new LeaveGroupResponse().setErrorCode(ErrorCode.GROUP_AUTHORIZATION_FAILED.code);
        }
        boolean batched = context.version() >= 3;
        List<GroupCoordinator.LeavingMember> leaving = batched
                ? req.members().stream().map(m -> new GroupCoordinator.LeavingMember(m.memberId(), m.groupInstanceId())).toList()
                : List.of(new GroupCoordinator.LeavingMember(req.memberId(), null));
        GroupCoordinator.LeaveResult result = coordinator.leave(req.groupId(), leaving);
        if (!batched) {
            ErrorCode error = result.members().isEmpty() ? result.error() : result.members().get(0);
            return new LeaveGroupResponse().setErrorCode(error.code);
        }
        List<LeaveGroupResponse.MemberResponse> members = new ArrayList<>();
        for (int i = 0; i < result.members().size(); i++) {
            members.add(new LeaveGroupResponse.MemberResponse().setMemberId(leaving.get(i).memberId())
                    .setGroupInstanceId(leaving.get(i).groupInstanceId()).setErrorCode(result.members().get(i).code));
        }
        return new LeaveGroupResponse().setErrorCode(result.error().code).setMembers(members);
    }
}
