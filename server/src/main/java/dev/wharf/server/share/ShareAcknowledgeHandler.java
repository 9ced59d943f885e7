package dev.wharf.server.share;

import dev.wharf.controller.TopicInfo;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.api.ApiHandler;
import dev.wharf.server.api.RequestContext;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ShareAcknowledgeRequest;
import dev.wharf.wire.message.ShareAcknowledgeResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * ShareAcknowledge (KIP-932): acknowledgements outside a fetch (commitSync, commitAsync, close) in
 * the member's share session, which must exist (epoch 0 is refused: only a fetch opens one).
 * Epoch -1 also closes the session, releasing what the member still holds here. Answered once the
 * new states are durable.
 *
 * <p>v2: IsRenewAck, AcquisitionLockTimeoutMs. Runs on the io pool.
 */
final class ShareAcknowledgeHandler implements ApiHandler {
    private final Authorization authz;
    private final ShareSessions sessions;
    private final ShareLeader leader;

    ShareAcknowledgeHandler(Authorization authz, ShareSessions sessions, ShareLeader leader) {
        this.authz = authz;
        this.sessions = sessions;
        this.leader = leader;
    }

    @Override
    public ApiKey api() {
        return ApiKey.SHARE_ACKNOWLEDGE;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        ShareAcknowledgeRequest req = (ShareAcknowledgeRequest) context.body();
        String groupId = req.groupId();
        String memberId = req.memberId();
        if (groupId == null || groupId.isEmpty() || memberId == null || memberId.isEmpty()) {
            return done(error(ErrorCode.INVALID_REQUEST, "GroupId and MemberId must be set."));
        }
        if (!authz.allowed(context, AclOperation.READ, ResourceType.GROUP, groupId)) {
            return done(error(ErrorCode.GROUP_AUTHORIZATION_FAILED, null));
        }
        if (req.shareSessionEpoch() == 0) {
            return done(error(ErrorCode.INVALID_SHARE_SESSION_EPOCH, "ShareAcknowledge cannot open a share session."));
        }
        ShareSessions.Lookup lookup = sessions.forRequest(groupId, memberId, req.shareSessionEpoch());
        if (lookup.error() != ErrorCode.NONE) {
            return done(error(lookup.error(), null));
        }
        Map<ShareSessions.TopicIdPartition, ErrorCode> refused = new LinkedHashMap<>();
        Map<ShareSessions.TopicIdPartition, List<ShareLeader.Ack>> acks = new LinkedHashMap<>();
        for (ShareAcknowledgeRequest.AcknowledgeTopic t : req.topics()) {
            Optional<TopicInfo> topic = leader.topic(t.topicId());
            ErrorCode topicError = topic.isEmpty() ? ErrorCode.UNKNOWN_TOPIC_ID
                    : authz.allowed(context, AclOperation.READ, ResourceType.TOPIC, topic.get().name()) ? ErrorCode.NONE
                    : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
            for (ShareAcknowledgeRequest.AcknowledgePartition p : t.partitions()) {
                ShareSessions.TopicIdPartition tp = new ShareSessions.TopicIdPartition(t.topicId(), p.partitionIndex());
                if (topicError != ErrorCode.NONE) {
                    refused.put(tp, topicError);
                    continue;
                }
                List<ShareLeader.Ack> batches = new ArrayList<>();
                for (ShareAcknowledgeRequest.AcknowledgementBatch b : p.acknowledgementBatches()) {
                    batches.add(new ShareLeader.Ack(b.firstOffset(), b.lastOffset(),
                            ShareFetchHandler.bytes(b.acknowledgeTypes())));
                }
                acks.put(tp, batches);
            }
        }
        boolean closing = req.shareSessionEpoch() == -1;
        int lockMs = leader.settings().lockDurationMs(groupId);
        return leader.acknowledge(groupId, memberId, acks).thenApply(errors -> {
            if (closing) {
                leader.release(groupId, memberId, sessions.partitions(lookup.session()));
            }
            Map<UUID, ShareAcknowledgeResponse.ShareAcknowledgeTopicResponse> topics = new LinkedHashMap<>();
            Map<ShareSessions.TopicIdPartition, ErrorCode> all = new LinkedHashMap<>(errors);
            all.putAll(refused);
            Map<Integer, ShareAcknowledgeResponse.NodeEndpoint> nodes = new LinkedHashMap<>();
            all.forEach((tp, error) -> {
                // a partition led elsewhere names its leader, and the leader's address, for the consumer to go there
                int[] known = error == ErrorCode.NOT_LEADER_OR_FOLLOWER ? leader.knownLeader(tp) : new int[] {-1, -1};
                if (known[0] >= 0 && !nodes.containsKey(known[0])) {
                    leader.broker(known[0]).ifPresent(b -> b.endpoint(context.connection().listenerName()).ifPresent(
                            e -> nodes.put(known[0], new ShareAcknowledgeResponse.NodeEndpoint().setNodeId(known[0])
                                    .setHost(e.host()).setPort(e.port()).setRack(b.rack().orElse(null)))));
                }
                topics.computeIfAbsent(tp.topicId(), id -> new ShareAcknowledgeResponse.ShareAcknowledgeTopicResponse()
                        .setTopicId(id).setPartitions(new ArrayList<>()))
                        .partitions().add(new ShareAcknowledgeResponse.PartitionData().setPartitionIndex(tp.partition())
                                .setErrorCode(error.code)
                                .setCurrentLeader(new ShareAcknowledgeResponse.LeaderIdAndEpoch().setLeaderId(known[0])
                                        .setLeaderEpoch(known[1])));
            });
            return new ShareAcknowledgeResponse().setAcquisitionLockTimeoutMs(lockMs)
                    .setResponses(new ArrayList<>(topics.values())).setNodeEndpoints(new ArrayList<>(nodes.values()));
        });
    }

    private static ShareAcknowledgeResponse error(ErrorCode error, String message) {
        return new ShareAcknowledgeResponse().setErrorCode(error.code).setErrorMessage(message);
    }

    private static CompletableFuture<ApiMessage> done(ApiMessage m) {
        return CompletableFuture.completedFuture(m);
    }
}
