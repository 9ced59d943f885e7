package dev.wharf.server.share;

import dev.wharf.controller.TopicInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.api.ApiHandler;
import dev.wharf.server.api.RequestContext;
import dev.wharf.server.group.ShareCoordinator;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ShareGroupDescribeRequest;
import dev.wharf.wire.message.ShareGroupDescribeResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * ShareGroupDescribe (KIP-932): each group's state, epoch and members with their subscriptions
 * and assignments (topic ids and names). Only v1 exists. Runs on the io pool.
 */
final class ShareGroupDescribeHandler implements ApiHandler {
    private static final String ASSIGNOR = "simple";

    private final Authorization authz;
    private final ShareCoordinator coordinator;
    private final ZkMetadataStore metadata;

    ShareGroupDescribeHandler(Authorization authz, ShareCoordinator coordinator, ZkMetadataStore metadata) {
        this.authz = authz;
        this.coordinator = coordinator;
        this.metadata = metadata;
    }

    @Override
    public ApiKey api() {
        return ApiKey.SHARE_GROUP_DESCRIBE;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        ShareGroupDescribeRequest req = (ShareGroupDescribeRequest) context.body();
        List<ShareGroupDescribeResponse.DescribedGroup> out = new ArrayList<>();
        for (String groupId : req.groupIds()) {
            ShareGroupDescribeResponse.DescribedGroup g = new ShareGroupDescribeResponse.DescribedGroup().setGroupId(groupId);
            out.add(g);
            if (!authz.allowed(context, AclOperation.DESCRIBE, ResourceType.GROUP, groupId)) {
                g.setErrorCode(ErrorCode.GROUP_AUTHORIZATION_FAILED.code);
                continue;
            }
            ShareCoordinator.DescribedGroup d = coordinator.describe(groupId);
            if (d.error() != ErrorCode.NONE) {
                g.setErrorCode(d.error().code).setGroupState(d.state())
                        .setErrorMessage(d.error() == ErrorCode.GROUP_ID_NOT_FOUND
                                ? "Group " + groupId + " not found." : null);
                continue;
            }
            List<ShareGroupDescribeResponse.Member> members = new ArrayList<>();
            for (ShareCoordinator.DescribedMember m : d.members()) {
                members.add(new ShareGroupDescribeResponse.Member().setMemberId(m.memberId()).setRackId(m.rackId())
                        .setMemberEpoch(m.epoch()).setClientId(m.clientId()).setClientHost(m.clientHost())
                        .setSubscribedTopicNames(new ArrayList<>(m.subscribedTopics()))
                        .setAssignment(assignment(m.assignment())));
            }
            g.setGroupState(d.state()).setGroupEpoch(d.epoch()).setAssignmentEpoch(d.epoch()).setAssignorName(ASSIGNOR)
                    .setMembers(members);
        }
        return new ShareGroupDescribeResponse().setGroups(out);
    }

    private ShareGroupDescribeResponse.Assignment assignment(Map<UUID, List<Integer>> assigned) {
        List<ShareGroupDescribeResponse.TopicPartitions> tps = new ArrayList<>();
        assigned.forEach((id, partitions) -> {
            Optional<TopicInfo> topic = metadata.topic(id);
            tps.add(new ShareGroupDescribeResponse.TopicPartitions().setTopicId(id)
                    .setTopicName(topic.map(TopicInfo::name).orElse("")).setPartitions(new ArrayList<>(partitions)));
        });
        return new ShareGroupDescribeResponse.Assignment().setTopicPartitions(tps);
    }
}
