package dev.wharf.server.api;

import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.group.GroupOffsets;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.OffsetDeleteRequest;
import dev.wharf.wire.message.OffsetDeleteResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * OffsetDelete: removes committed offsets of a group, except for topics an active member
 * subscribes to (GROUP_SUBSCRIBED_TO_TOPIC). Needs DELETE on the group and READ on each topic. v0 only.
 */
public final class OffsetDeleteHandler implements ApiHandler {
    private final Authorization authz;
    private final GroupOffsets groupOffsets;

    public OffsetDeleteHandler(Authorization authz, GroupOffsets offsets) {
        this.authz = authz;
        this.groupOffsets = offsets;
    }

    @Override
    public ApiKey api() {
        return ApiKey.OFFSET_DELETE;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        OffsetDeleteRequest req = (OffsetDeleteRequest) context.body();
        if (!authz.allowed(context, AclOperation.DELETE, ResourceType.GROUP, req.groupId())) {
            return CompletableFuture.completedFuture(
                    new OffsetDeleteResponse().setErrorCode(ErrorCode.GROUP_AUTHORIZATION_FAILED.code));
        }
        List<TopicPartition> requested = new ArrayList<>();
        java.util.Set<String> unreadable = new java.util.HashSet<>();
        for (OffsetDeleteRequest.OffsetDeleteRequestTopic t : req.topics()) {
            if (!authz.allowed(context, AclOperation.READ, ResourceType.TOPIC, t.name())) {
                unreadable.add(t.name());
                continue;
            }
            for (OffsetDeleteRequest.OffsetDeleteRequestPartition p : t.partitions()) {
                if (!t.name().isEmpty() && p.partitionIndex() >= 0) {
                    requested.add(new TopicPartition(t.name(), p.partitionIndex()));
                }
            }
        }
        return groupOffsets.deleteOffsets(req.groupId(), requested).thenApply(result -> {
            if (result.error() != ErrorCode.NONE) {
                return new OffsetDeleteResponse().setErrorCode(result.error().code);
            }
            List<OffsetDeleteResponse.OffsetDeleteResponseTopic> topics = new ArrayList<>();
            for (OffsetDeleteRequest.OffsetDeleteRequestTopic t : req.topics()) {
                List<OffsetDeleteResponse.OffsetDeleteResponsePartition> ps = new ArrayList<>();
                for (OffsetDeleteRequest.OffsetDeleteRequestPartition p : t.partitions()) {
                    ErrorCode e = unreadable.contains(t.name()) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED
                            : t.name().isEmpty() || p.partitionIndex() < 0 ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
                            : result.partitions().get(new TopicPartition(t.name(), p.partitionIndex()));
                    ps.add(new OffsetDeleteResponse.OffsetDeleteResponsePartition().setPartitionIndex(p.partitionIndex())
                            .setErrorCode(e.code));
                }
                topics.add(new OffsetDeleteResponse.OffsetDeleteResponseTopic().setName(t.name()).setPartitions(ps));
            }
            return new OffsetDeleteResponse().setErrorCode(ErrorCode.NONE.code).setTopics(topics);
        });
    }
}
