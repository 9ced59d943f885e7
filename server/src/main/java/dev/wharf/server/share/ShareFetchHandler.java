package dev.wharf.server.share;

import dev.wharf.controller.TopicInfo;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.api.ApiHandler;
import dev.wharf.server.api.RequestContext;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ShareFetchRequest;
import dev.wharf.wire.message.ShareFetchResponse;
import dev.wharf.wire.protocol.ApiMessage;
import dev.wharf.wire.records.BufferRecords;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * ShareFetch (KIP-932): within the member's share session, applies the acknowledgements it
 * carries, then acquires records of the session's partitions for the member and answers them with
 * their acquired ranges and delivery counts, waiting up to MaxWaitMs when there are none. Epoch -1
 * only acknowledges and closes the session, releasing what the member still holds here.
 *
 * <p>v1: MaxRecords, BatchSize, AcquisitionLockTimeoutMs (v0 is not served, as in Kafka 4.x).
 * v2: ShareAcquireMode, IsRenewAck (RENEW acknowledgements).
 *
 * <p>Runs on the io pool; the answer completes on whichever thread finishes the acknowledgement
 * writes or the wait.
 */
final class ShareFetchHandler implements ApiHandler {
    private static final int DEFAULT_MAX_RECORDS = 500;

    private final Authorization authz;
    private final ShareSessions sessions;
    private final ShareLeader leader;

    ShareFetchHandler(Authorization authz, ShareSessions sessions, ShareLeader leader) {
        this.authz = authz;
        this.sessions = sessions;
        this.leader = leader;
    }

    @Override
    public ApiKey api() {
        return ApiKey.SHARE_FETCH;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        ShareFetchRequest req = (ShareFetchRequest) context.body();
        String groupId = req.groupId();
        String memberId = req.memberId();
        if (groupId == null || groupId.isEmpty() || memberId == null || memberId.isEmpty()) {
            return done(error(ErrorCode.INVALID_REQUEST, "GroupId and MemberId must be set."));
        }
        if (!authz.allowed(context, AclOperation.READ, ResourceType.GROUP, groupId)) {
            return done(error(ErrorCode.GROUP_AUTHORIZATION_FAILED, null));
        }
        ShareSessions.Lookup lookup = sessions.forRequest(groupId, memberId, req.shareSessionEpoch());
        if (lookup.error() != ErrorCode.NONE) {
            return done(error(lookup.error(), null));
        }
        Map<ShareSessions.TopicIdPartition, ErrorCode> refused = new LinkedHashMap<>();
        List<ShareSessions.TopicIdPartition> added = new ArrayList<>();
        Map<ShareSessions.TopicIdPartition, List<ShareLeader.Ack>> acks = new LinkedHashMap<>();
        for (ShareFetchRequest.FetchTopic t : req.topics()) {
            Optional<TopicInfo> topic = leader.topic(t.topicId());
            ErrorCode topicError = topic.isEmpty() ? ErrorCode.UNKNOWN_TOPIC_ID
                    : authz.allowed(context, AclOperation.READ, ResourceType.TOPIC, topic.get().name()) ? ErrorCode.NONE
                    : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
            for (ShareFetchRequest.FetchPartition p : t.partitions()) {
                ShareSessions.TopicIdPartition tp = new ShareSessions.TopicIdPartition(t.topicId(), p.partitionIndex());
                if (topicError != ErrorCode.NONE) {
                    refused.put(tp, topicError);
                    continue;
                }
                added.add(tp);
                if (!p.acknowledgementBatches().isEmpty()) {
                    acks.put(tp, acksOf(p.acknowledgementBatches()));
                }
            }
        }
        List<ShareSessions.TopicIdPartition> forgotten = new ArrayList<>();
        for (ShareFetchRequest.ForgottenTopic t : req.forgottenTopicsData()) {
            t.partitions().forEach(p -> forgotten.add(new ShareSessions.TopicIdPartition(t.topicId(), p)));
        }
        if (lookup.replaced() != null) {
            leader.release(groupId, memberId, sessions.partitions(lookup.replaced()));
        }
        boolean closing = req.shareSessionEpoch() == -1;
        List<ShareSessions.TopicIdPartition> fetchFrom = closing ? sessions.partitions(lookup.session())
                : sessions.update(lookup.session(), added, forgotten);
        if (!forgotten.isEmpty()) {
            leader.release(groupId, memberId, forgotten);
        }
        int lockMs = leader.settings().lockDurationMs(groupId);
        return leader.acknowledge(groupId, memberId, acks).thenCompose(ackErrors -> {
            if (closing) {
                leader.release(groupId, memberId, fetchFrom);
                return CompletableFuture.completedFuture(withEndpoints(answer(Map.of(), ackErrors, refused, lockMs, true),
                        context.connection().listenerName()));
            }
            int maxRecords = req.maxRecords() > 0 ? req.maxRecords() : DEFAULT_MAX_RECORDS;
            int maxBytes = req.maxBytes() > 0 ? req.maxBytes() : Integer.MAX_VALUE;
            // acknowledgements answered now rather than after a wait
            int maxWait = ackErrors.isEmpty() ? Math.max(0, req.maxWaitMs()) : 0;
            return leader.fetch(groupId, memberId, fetchFrom, maxRecords, maxBytes, maxWait, req.shareSessionEpoch() == 0)
                    .thenApply(fetched -> withEndpoints(answer(fetched, ackErrors, refused, lockMs,
                            req.shareSessionEpoch() == 0), context.connection().listenerName()));
        });
    }

    static List<ShareLeader.Ack> acksOf(List<ShareFetchRequest.AcknowledgementBatch> batches) {
        List<ShareLeader.Ack> out = new ArrayList<>();
        for (ShareFetchRequest.AcknowledgementBatch b : batches) {
            out.add(new ShareLeader.Ack(b.firstOffset(), b.lastOffset(), bytes(b.acknowledgeTypes())));
        }
        return out;
    }

    static byte[] bytes(List<Byte> types) {
        byte[] out = new byte[types.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = types.get(i);
        }
        return out;
    }

    /** Partitions with records, an error or an acknowledgement result; every partition on a session's first fetch. */
    private static ShareFetchResponse answer(Map<ShareSessions.TopicIdPartition, ShareLeader.Answer> fetched,
            Map<ShareSessions.TopicIdPartition, ErrorCode> ackErrors, Map<ShareSessions.TopicIdPartition, ErrorCode> refused,
            int lockMs, boolean full) {
        Set<ShareSessions.TopicIdPartition> named = new LinkedHashSet<>(fetched.keySet());
        named.addAll(ackErrors.keySet());
        named.addAll(refused.keySet());
        Map<UUID, ShareFetchResponse.ShareFetchableTopicResponse> topics = new LinkedHashMap<>();
        for (ShareSessions.TopicIdPartition tp : named) {
            ShareLeader.Answer a = fetched.get(tp);
            ErrorCode ack = ackErrors.get(tp);
            ErrorCode refusal = refused.get(tp);
            boolean hasRecords = a != null && a.fetched() != null && !a.fetched().isEmpty();
            boolean hasError = refusal != null || (a != null && a.error() != ErrorCode.NONE);
            if (!full && !hasRecords && !hasError && ack == null) {
                continue;
            }
            ShareFetchResponse.PartitionData pd = new ShareFetchResponse.PartitionData().setPartitionIndex(tp.partition())
                    .setRecords(BufferRecords.wrap(hasRecords ? a.fetched().records() : new byte[0]))
                    .setAcknowledgeErrorCode(ack == null ? 0 : ack.code)
                    .setCurrentLeader(new ShareFetchResponse.LeaderIdAndEpoch()
                            .setLeaderId(a == null ? -1 : a.leaderId()).setLeaderEpoch(a == null ? -1 : a.leaderEpoch()));
            if (refusal != null) {
                pd.setErrorCode(refusal.code);
            } else if (a != null && a.error() != ErrorCode.NONE) {
                pd.setErrorCode(a.error().code);
            }
            if (hasRecords) {
                List<ShareFetchResponse.AcquiredRecords> acquired = new ArrayList<>();
                for (SharePartition.Acquired r : a.fetched().acquired()) {
                    acquired.add(new ShareFetchResponse.AcquiredRecords().setFirstOffset(r.first()).setLastOffset(r.last())
                            .setDeliveryCount((short) r.deliveryCount()));
                }
                pd.setAcquiredRecords(acquired);
            }
            topics.computeIfAbsent(tp.topicId(), id -> new ShareFetchResponse.ShareFetchableTopicResponse()
                    .setTopicId(id).setPartitions(new ArrayList<>())).partitions().add(pd);
        }
        return new ShareFetchResponse().setAcquisitionLockTimeoutMs(lockMs).setResponses(new ArrayList<>(topics.values()));
    }

    /** Names the leaders of the partitions answered NOT_LEADER_OR_FOLLOWER, so the consumer goes there at once. */
    private ShareFetchResponse withEndpoints(ShareFetchResponse resp, String listener) {
        Map<Integer, ShareFetchResponse.NodeEndpoint> nodes = new LinkedHashMap<>();
        for (ShareFetchResponse.ShareFetchableTopicResponse t : resp.responses()) {
            for (ShareFetchResponse.PartitionData p : t.partitions()) {
                int id = p.currentLeader().leaderId();
                if (p.errorCode() == ErrorCode.NOT_LEADER_OR_FOLLOWER.code && id >= 0 && !nodes.containsKey(id)) {
                    leader.broker(id).ifPresent(b -> b.endpoint(listener).ifPresent(e -> nodes.put(id,
                            new ShareFetchResponse.NodeEndpoint().setNodeId(id).setHost(e.host()).setPort(e.port())
                                    .setRack(b.rack().orElse(null)))));
                }
            }
        }
        return resp.setNodeEndpoints(new ArrayList<>(nodes.values()));
    }

    private static ShareFetchResponse error(ErrorCode error, String message) {
        return new ShareFetchResponse().setErrorCode(error.code).setErrorMessage(message);
    }

    private static CompletableFuture<ApiMessage> done(ApiMessage m) {
        return CompletableFuture.completedFuture(m);
    }
}
