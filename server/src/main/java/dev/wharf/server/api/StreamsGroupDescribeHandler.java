package dev.wharf.server.api;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.group.StreamsDescriber;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.StreamsGroupDescribeRequest;
import dev.wharf.wire.message.StreamsGroupDescribeResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * StreamsGroupDescribe (KIP-1071): each streams group asked for, with its topology, members and
 * assignments; GROUP_ID_NOT_FOUND for an unknown group or one of another kind.
 *
 * <p>v0: the first version. v1: IncludeTopologyDescription, answered NOT_STORED (Wharf keeps no
 * topology description), and AssignorName.
 */
public final class StreamsGroupDescribeHandler implements ApiHandler {
    private final Authorization authz;
    private final StreamsDescriber describer;

    public StreamsGroupDescribeHandler(Authorization authz, StreamsDescriber describer) {
        this.authz = authz;
        this.describer = describer;
    }

    @Override
    public ApiKey api() {
        return ApiKey.STREAMS_GROUP_DESCRIBE;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        StreamsGroupDescribeRequest req = (StreamsGroupDescribeRequest) context.body();
        List<StreamsGroupDescribeResponse.DescribedGroup> groups = new ArrayList<>();
        for (String groupId : req.groupIds() == null ? List.<String>of() : req.groupIds()) {
            if (!authz.allowed(context, AclOperation.DESCRIBE, ResourceType.GROUP, groupId)) {
                groups.add(new StreamsGroupDescribeResponse.DescribedGroup().setGroupId(groupId)
                        .setErrorCode(ErrorCode.GROUP_AUTHORIZATION_FAILED.code));
                continue;
            }
            groups.add(describer.describe(groupId, req.includeTopologyDescription()));
        }
        return new StreamsGroupDescribeResponse().setGroups(groups);
    }
}
