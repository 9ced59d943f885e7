package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.server.ErrorCode;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.replica.Partition;
import dev.wharf.server.replica.ReplicaManager;
import dev.wharf.server.TopicNames;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.DeleteRecordsRequest;
import dev.wharf.wire.message.DeleteRecordsResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * DeleteRecords: moves each partition's log start offset up to the given offset (-1: the high
 * watermark); whole segments below it are deleted. The answer is the new low watermark.
 *
 * <p>v1: no change. v2: flexible.
 */
public final class DeleteRecordsHandler implements ApiHandler {
    private final Authorization authz;
    private final ZkMetadataStore metadata;
    private final ReplicaManager replicas;

    public DeleteRecordsHandler(Authorization authz, ZkMetadataStore metadata, ReplicaManager replicas) {
        this.authz = authz;
        this.metadata = metadata;
        this.replicas = replicas;
    }

    @Override
    public ApiKey api() {
        return ApiKey.DELETE_RECORDS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        DeleteRecordsRequest req = (DeleteRecordsRequest) context.body();
        List<DeleteRecordsResponse.DeleteRecordsTopicResult> topics = new ArrayList<>();
        for (DeleteRecordsRequest.DeleteRecordsTopic t : req.topics()) {
            Optional<TopicInfo> topic = metadata.topic(t.name());
            boolean deletable = authz.allowed(context, AclOperation.DELETE, ResourceType.TOPIC, t.name());
            List<DeleteRecordsResponse.DeleteRecordsPartitionResult> out = new ArrayList<>();
            for (DeleteRecordsRequest.DeleteRecordsPartition p : t.partitions()) {
                DeleteRecordsResponse.DeleteRecordsPartitionResult r = new DeleteRecordsResponse.DeleteRecordsPartitionResult()
                        .setPartitionIndex(p.partitionIndex()).setLowWatermark(-1);
                if (!deletable) {
                    out.add(r.setErrorCode(ErrorCode.TOPIC_AUTHORIZATION_FAILED.code));
                    continue;
                }
                if (TopicNames.isInternal(t.name())) {
                    // as Kafka: committed offsets must not be deleted from under the coordinator
                    out.add(r.setErrorCode(ErrorCode.INVALID_TOPIC_EXCEPTION.code));
                    continue;
                }
                ReplicaManager.Lookup leader = replicas.leader(topic, p.partitionIndex(), -1, false);
                if (!leader.found()) {
                    out.add(r.setErrorCode(leader.error().code));
                    continue;
                }
                Partition pl = leader.partition();
                if (!pl.log().config().compaction().delete()) {
                    // as Kafka: without "delete" in cleanup.policy only the log cleaner removes records
                    out.add(r.setErrorCode(ErrorCode.POLICY_VIOLATION.code));
                    continue;
                }
                long offset = p.offset() == -1 ? pl.highWatermark() : p.offset();
                if (offset < 0 || offset > pl.highWatermark()) {
                    out.add(r.setErrorCode(ErrorCode.OFFSET_OUT_OF_RANGE.code));
                    continue;
                }
                try {
                    out.add(r.setErrorCode(ErrorCode.NONE.code).setLowWatermark(pl.deleteRecordsBefore(offset)));
                } catch (Exception e) {
                    out.add(r.setErrorCode(ErrorCode.UNKNOWN_SERVER_ERROR.code));
                }
            }
            topics.add(new DeleteRecordsResponse.DeleteRecordsTopicResult().setName(t.name()).setPartitions(out));
        }
        return new DeleteRecordsResponse().setTopics(topics);
    }
}
