package dev.wharf.server.api;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.group.GroupCoordinator;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.DescribeGroupsRequest;
import dev.wharf.wire.message.DescribeGroupsResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * DescribeGroups: state, protocol and members; member metadata and assignments once stable.
 *
 * <p>v1: throttle time. v3: authorized operations. v4: group.instance.id. v5: flexible.
 * v6: GROUP_ID_NOT_FOUND for unknown groups (KIP-1043), which older versions show as Dead.
 */
public final class DescribeGroupsHandler implements ApiHandler {
    private static final int OPERATIONS_NOT_REQUESTED = Integer.MIN_VALUE;

    private final Authorization authz;
    private final GroupCoordinator coordinator;

    public DescribeGroupsHandler(Authorization authz, GroupCoordinator coordinator) {
        this.authz = authz;
        this.coordinator = coordinator;
    }

    @Override
    public ApiKey api() {
        return ApiKey.DESCRIBE_GROUPS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        DescribeGroupsRequest req = (DescribeGroupsRequest) context.body();
        short version = context.version();
        List<DescribeGroupsResponse.DescribedGroup> out = new ArrayList<>();
        for (String groupId : req.groups()) {
            DescribeGroupsResponse.DescribedGroup g = new DescribeGroupsResponse.DescribedGroup().setGroupId(groupId)
                    .setGroupState(GroupCoordinator.GroupSummary.DEAD).setProtocolType("").setProtocolData("")
                    .setAuthorizedOperations(OPERATIONS_NOT_REQUESTED);
            if (!authz.allowed(context, AclOperation.DESCRIBE, ResourceType.GROUP, groupId)) {
                out.add(g.setErrorCode(ErrorCode.GROUP_AUTHORIZATION_FAILED.code));
                continue;
            }
            if (req.includeAuthorizedOperations()) {
                g.setAuthorizedOperations(authz.authorizedOperations(context, ResourceType.GROUP, groupId));
            }
            Optional<GroupCoordinator.GroupSummary> summary = coordinator.describe(groupId);
            if (summary.isEmpty()) {
                out.add(g.setErrorCode(ErrorCode.NOT_COORDINATOR.code));
                continue;
            }
            GroupCoordinator.GroupSummary s = summary.get();
            if (s.isDead() && version >= 6) {
                out.add(g.setErrorCode(ErrorCode.GROUP_ID_NOT_FOUND.code)
                        .setErrorMessage(ErrorCode.clipped("Group " + groupId + " not found.")));
                continue;
            }
            List<DescribeGroupsResponse.DescribedGroupMember> members = new ArrayList<>();
            for (GroupCoordinator.MemberSummary m : s.members()) {
                members.add(new DescribeGroupsResponse.DescribedGroupMember().setMemberId(m.memberId())
                        .setGroupInstanceId(version >= 4 ? m.groupInstanceId() : null).setClientId(m.clientId())
                        .setClientHost(m.clientHost()).setMemberMetadata(m.metadata())
                        .setMemberAssignment(m.assignment()));
            }
            out.add(g.setErrorCode(ErrorCode.NONE.code).setGroupState(s.state())
                    .setProtocolType(s.protocolType()).setProtocolData(s.protocolName() == null ? "" : s.protocolName())
                    .setMembers(members));
        }
        return new DescribeGroupsResponse().setGroups(out);
    }
}
