package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.logstore.TimestampOffset;
import dev.wharf.server.ErrorCode;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.replica.Partition;
import dev.wharf.server.replica.ReplicaManager;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ListOffsetsRequest;
import dev.wharf.wire.message.ListOffsetsResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * ListOffsets: earliest (-2), latest (-1, the high watermark), max timestamp (-3), earliest local
 * (-4), or the first offset at or after a timestamp; never at or past the high watermark.
 *
 * <p>v1: single offset per partition. v2: isolation level. v4: leader epochs. v6: flexible. v7: max
 * timestamp. v8: earliest local. v9-10: tiered storage specs, timeout. v11: earliest pending upload.
 */
public final class ListOffsetsHandler implements ApiHandler {
    static final long EARLIEST = -2;
    static final long LATEST = -1;
    static final long MAX_TIMESTAMP = -3;
    static final long EARLIEST_LOCAL = -4;

    private final Authorization authz;
    private final ZkMetadataStore metadata;
    private final ReplicaManager replicas;

    public ListOffsetsHandler(Authorization authz, ZkMetadataStore metadata, ReplicaManager replicas) {
        this.authz = authz;
        this.metadata = metadata;
        this.replicas = replicas;
    }

    @Override
    public ApiKey api() {
        return ApiKey.LIST_OFFSETS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        return list(context, (ListOffsetsRequest) context.body(), context.version());
    }

    private ListOffsetsResponse list(RequestContext context, ListOffsetsRequest req, short version) {
        List<ListOffsetsResponse.ListOffsetsTopicResponse> topics = new ArrayList<>();
        for (ListOffsetsRequest.ListOffsetsTopic t : req.topics()) {
            Optional<TopicInfo> topic = metadata.topic(t.name());
            boolean described = authz.allowed(context, AclOperation.DESCRIBE, ResourceType.TOPIC, t.name());
            List<ListOffsetsResponse.ListOffsetsPartitionResponse> out = new ArrayList<>();
            for (ListOffsetsRequest.ListOffsetsPartition p : t.partitions()) {
                ListOffsetsResponse.ListOffsetsPartitionResponse r = new ListOffsetsResponse.ListOffsetsPartitionResponse()
                        .setPartitionIndex(p.partitionIndex()).setTimestamp(-1).setOffset(-1);
                ReplicaManager.Lookup leader = !described ? new ReplicaManager.Lookup(null, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
                        : replicas.leader(topic, p.partitionIndex(), p.currentLeaderEpoch(), false);
                if (!leader.found()) {
                    out.add(r.setErrorCode(leader.error().code));
                    continue;
                }
                if (version >= 4) { // the field, and its non-default value, exist from v4
                    r.setLeaderEpoch(leader.partition().leaderEpoch());
                }
                try {
                    out.add(lookup(leader.partition(), p.timestamp(), req.isolationLevel() == 1, r));
                } catch (IOException e) {
                    out.add(r.setErrorCode(ErrorCode.UNKNOWN_SERVER_ERROR.code));
                }
            }
            topics.add(new ListOffsetsResponse.ListOffsetsTopicResponse().setName(t.name()).setPartitions(out));
        }
        return new ListOffsetsResponse().setTopics(topics);
    }

    /** {@code readCommitted}: the latest offset is the last stable offset (isolation level 1, v2+), as in Kafka. */
    private static ListOffsetsResponse.ListOffsetsPartitionResponse lookup(Partition log, long timestamp,
            boolean readCommitted, ListOffsetsResponse.ListOffsetsPartitionResponse r) throws IOException {
        long hw = readCommitted ? log.lastStableOffset() : log.highWatermark();
        if (timestamp == EARLIEST || timestamp == EARLIEST_LOCAL) {
            return r.setOffset(log.logStartOffset());
        }
        if (timestamp == LATEST) {
            return r.setOffset(hw);
        }
        Optional<TimestampOffset> found = timestamp == MAX_TIMESTAMP ? log.maxTimestamp() : timestamp >= 0
                ? log.offsetForTimestamp(timestamp) : Optional.empty();
        if (found.isPresent()) { // the partition finds only records below the high watermark
            return r.setTimestamp(found.get().timestamp()).setOffset(found.get().offset());
        }
        return r; // no such record (yet): offset -1, timestamp -1
    }
}
