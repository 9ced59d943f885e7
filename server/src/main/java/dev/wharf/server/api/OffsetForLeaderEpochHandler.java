package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.logstore.LeaderEpochCache;
import dev.wharf.server.ErrorCode;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.replica.Partition;
import dev.wharf.server.replica.ReplicaManager;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.OffsetForLeaderEpochRequest;
import dev.wharf.wire.message.OffsetForLeaderEpochResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * OffsetForLeaderEpoch: where a leader epoch ends in this partition's log, from its epoch history
 * (consumers use it to detect truncation after a leader change).
 *
 * <p>v2: current leader epoch. v3: replica id. v4: flexible.
 */
public final class OffsetForLeaderEpochHandler implements ApiHandler {
    private final Authorization authz;
    private final ZkMetadataStore metadata;
    private final ReplicaManager replicas;

    public OffsetForLeaderEpochHandler(Authorization authz, ZkMetadataStore metadata, ReplicaManager replicas) {
        this.authz = authz;
        this.metadata = metadata;
        this.replicas = replicas;
    }

    @Override
    public ApiKey api() {
        return ApiKey.OFFSET_FOR_LEADER_EPOCH;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        OffsetForLeaderEpochRequest req = (OffsetForLeaderEpochRequest) context.body();
        List<OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult> topics = new ArrayList<>();
        // followers (CLUSTER_ACTION) may ask about every topic, others about those they may DESCRIBE
        boolean replicating = authz.allowedOnCluster(context, AclOperation.CLUSTER_ACTION);
        for (OffsetForLeaderEpochRequest.OffsetForLeaderTopic t : req.topics()) {
            Optional<TopicInfo> topic = metadata.topic(t.topic());
            boolean described = replicating || authz.allowed(context, AclOperation.DESCRIBE, ResourceType.TOPIC, t.topic());
            List<OffsetForLeaderEpochResponse.EpochEndOffset> out = new ArrayList<>();
            for (OffsetForLeaderEpochRequest.OffsetForLeaderPartition p : t.partitions()) {
                OffsetForLeaderEpochResponse.EpochEndOffset r = new OffsetForLeaderEpochResponse.EpochEndOffset()
                        .setPartition(p.partition());
                ReplicaManager.Lookup leader = !described ? new ReplicaManager.Lookup(null, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
                        : replicas.leader(topic, p.partition(), p.currentLeaderEpoch(), false);
                if (!leader.found()) {
                    out.add(r.setErrorCode(leader.error().code).setLeaderEpoch(-1).setEndOffset(-1));
                    continue;
                }
                LeaderEpochCache.EpochEndOffset end = leader.partition().endOffsetForEpoch(p.leaderEpoch());
                out.add(r.setErrorCode(ErrorCode.NONE.code).setLeaderEpoch(end.epoch()).setEndOffset(end.endOffset()));
            }
            topics.add(new OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult().setTopic(t.topic()).setPartitions(out));
        }
        return new OffsetForLeaderEpochResponse().setTopics(topics);
    }
}
