package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.group.ConsumerGroups;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ConsumerGroupDescribeRequest;
import dev.wharf.wire.message.ConsumerGroupDescribeResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * ConsumerGroupDescribe (KIP-848): a consumer group's state, epochs, assignor and members with
 * their current and target assignments. A group of another kind, or none, is GROUP_ID_NOT_FOUND,
 * which tells the admin client to ask DescribeGroups instead.
 *
 * <p>v0: first version. v1: MemberType (0: a classic member of a converted group, 1: a member of
 * the consumer protocol).
 */
public final class ConsumerGroupDescribeHandler implements ApiHandler {
    private static final int OPERATIONS_NOT_REQUESTED = Integer.MIN_VALUE;
    private static final byte CLASSIC_MEMBER = 0;
    private static final byte CONSUMER_MEMBER = 1;

    private final Authorization authz;
    private final ConsumerGroups groups;
    private final ZkMetadataStore metadata;

    public ConsumerGroupDescribeHandler(Authorization authz, ConsumerGroups groups, ZkMetadataStore metadata) {
        this.authz = authz;
        this.groups = groups;
        this.metadata = metadata;
    }

    @Override
    public ApiKey api() {
        return ApiKey.CONSUMER_GROUP_DESCRIBE;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        ConsumerGroupDescribeRequest req = (ConsumerGroupDescribeRequest) context.body();
        List<ConsumerGroupDescribeResponse.DescribedGroup> out = new ArrayList<>();
        for (String groupId : req.groupIds()) {
            ConsumerGroupDescribeResponse.DescribedGroup g = new ConsumerGroupDescribeResponse.DescribedGroup()
                    .setGroupId(groupId).setAuthorizedOperations(OPERATIONS_NOT_REQUESTED);
            if (!authz.allowed(context, AclOperation.DESCRIBE, ResourceType.GROUP, groupId)) {
                out.add(g.setErrorCode(ErrorCode.GROUP_AUTHORIZATION_FAILED.code));
                continue;
            }
            ConsumerGroups.DescribedGroup d = groups.describe(groupId);
            if (d.error() != ErrorCode.NONE) {
                out.add(g.setErrorCode(d.error().code)
                        .setErrorMessage(d.message() == null ? null : ErrorCode.clipped(d.message())));
                continue;
            }
            if (req.includeAuthorizedOperations()) {
                g.setAuthorizedOperations(authz.authorizedOperations(context, ResourceType.GROUP, groupId));
            }
            List<ConsumerGroupDescribeResponse.Member> members = new ArrayList<>();
            for (ConsumerGroups.DescribedMember m : d.members()) {
                members.add(new ConsumerGroupDescribeResponse.Member().setMemberId(m.memberId())
                        .setInstanceId(m.instanceId()).setRackId(m.rackId()).setMemberEpoch(m.memberEpoch())
                        .setClientId(m.clientId()).setClientHost(m.clientHost())
                        .setSubscribedTopicNames(new ArrayList<>(m.subscribedTopicNames()))
                        .setSubscribedTopicRegex(m.subscribedTopicRegex())
                        .setAssignment(assignment(m.assignment())).setTargetAssignment(assignment(m.targetAssignment()))
                        .setMemberType(m.classic() ? CLASSIC_MEMBER : CONSUMER_MEMBER));
            }
            out.add(g.setErrorCode(ErrorCode.NONE.code).setGroupState(d.state()).setGroupEpoch(d.groupEpoch())
                    .setAssignmentEpoch(d.assignmentEpoch()).setAssignorName(d.assignorName()).setMembers(members));
        }
        return new ConsumerGroupDescribeResponse().setGroups(out);
    }

    private ConsumerGroupDescribeResponse.Assignment assignment(Map<String, Set<Integer>> partitions) {
        List<ConsumerGroupDescribeResponse.TopicPartitions> tps = new ArrayList<>();
        partitions.forEach((topic, ps) -> {
            UUID id = metadata.topic(topic).map(TopicInfo::id).orElse(null);
            if (id != null) {
                tps.add(new ConsumerGroupDescribeResponse.TopicPartitions().setTopicId(id).setTopicName(topic)
                        .setPartitions(new ArrayList<>(ps)));
            }
        });
        return new ConsumerGroupDescribeResponse.Assignment().setTopicPartitions(tps);
    }
}
