package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.server.ErrorCode;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.group.GroupOffsets;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.OffsetCommitRequest;
import dev.wharf.wire.message.OffsetCommitResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * OffsetCommit: stores a group's positions, answered once they are durable in
 * {@code __consumer_offsets}. Members are checked against the current generation; a commit with
 * generation -1 and no member id comes from a consumer that assigns its own partitions.
 *
 * <p>v2-4: retention time. v5: none (broker config). v6: leader epoch. v7: group.instance.id.
 * v8: flexible. v9: GROUP_ID_NOT_FOUND for unknown groups. v10: topic ids.
 */
public final class OffsetCommitHandler implements ApiHandler {
    private final Authorization authz;
    private final GroupOffsets groupOffsets;
    private final ZkMetadataStore metadata;

    public OffsetCommitHandler(Authorization authz, GroupOffsets offsets, ZkMetadataStore metadata) {
        this.authz = authz;
        this.groupOffsets = offsets;
        this.metadata = metadata;
    }

    @Override
    public ApiKey api() {
        return ApiKey.OFFSET_COMMIT;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        OffsetCommitRequest req = (OffsetCommitRequest) context.body();
        short version = context.version();
        boolean byId = version >= 10;
        List<GroupOffsets.OffsetToCommit> offsets = new ArrayList<>();
        List<String> names = new ArrayList<>();
        boolean groupAllowed = authz.allowed(context, AclOperation.READ, ResourceType.GROUP, req.groupId());
        // per partition in request order: the authorization error, or null when it is committed
        List<ErrorCode> denied = new ArrayList<>();
        for (OffsetCommitRequest.OffsetCommitRequestTopic t : req.topics()) {
            // by id, an unknown topic id gets a name no topic can have, so it fails as unknown
            String name = byId ? metadata.topic(t.topicId()).map(TopicInfo::name).orElse("") : t.name();
            names.add(name);
            ErrorCode refusal = !groupAllowed ? ErrorCode.GROUP_AUTHORIZATION_FAILED
                    : name.isEmpty() || authz.allowed(context, AclOperation.READ, ResourceType.TOPIC, name) ? null
                    : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
            for (OffsetCommitRequest.OffsetCommitRequestPartition p : t.partitions()) {
                denied.add(refusal);
                if (refusal == null) {
                    offsets.add(new GroupOffsets.OffsetToCommit(name, p.partitionIndex(), p.committedOffset(),
                            p.committedLeaderEpoch(), p.committedMetadata()));
                }
            }
        }
        if (!groupAllowed) {
            return CompletableFuture.completedFuture(response(req, byId, names, denied));
        }
        long retention = version <= 4 ? req.retentionTimeMs() : -1;
        return groupOffsets.commitOffsets(req.groupId(), req.memberId(), req.groupInstanceId(),
                req.generationIdOrMemberEpoch(), retention, offsets, version)
                .thenApply(errors -> response(req, byId, names, merge(denied, errors)));
    }

    /** The refusals, with the commit's errors (in order) where there are none. */
    private static List<ErrorCode> merge(List<ErrorCode> denied, List<ErrorCode> committed) {
        Iterator<ErrorCode> c = committed.iterator();
        return denied.stream().map(d -> d != null ? d : c.next()).toList();
    }

    private static ApiMessage response(OffsetCommitRequest req, boolean byId, List<String> names, List<ErrorCode> errors) {
        Iterator<ErrorCode> e = errors.iterator();
        List<OffsetCommitResponse.OffsetCommitResponseTopic> topics = new ArrayList<>();
        for (int i = 0; i < req.topics().size(); i++) {
            OffsetCommitRequest.OffsetCommitRequestTopic t = req.topics().get(i);
            List<OffsetCommitResponse.OffsetCommitResponsePartition> ps = new ArrayList<>();
            for (OffsetCommitRequest.OffsetCommitRequestPartition p : t.partitions()) {
                ErrorCode error = e.next();
                if (byId && names.get(i).isEmpty() && error == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
                    error = ErrorCode.UNKNOWN_TOPIC_ID;
                }
                ps.add(new OffsetCommitResponse.OffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex())
                        .setErrorCode(error.code));
            }
            OffsetCommitResponse.OffsetCommitResponseTopic topic = new OffsetCommitResponse.OffsetCommitResponseTopic()
                    .setPartitions(ps);
            topics.add(byId ? topic.setTopicId(t.topicId()) : topic.setName(t.name()));
        }
        return new OffsetCommitResponse().setTopics(topics);
    }
}
