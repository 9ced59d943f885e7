package dev.wharf.server.api;

import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.logstore.ProducerStateTable;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.replica.ReplicaManager;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.DescribeProducersRequest;
import dev.wharf.wire.message.DescribeProducersResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * DescribeProducers (KIP-664): the producers a partition's leader remembers, with their epoch,
 * last sequence, last write, the coordinator epoch of their last marker and the first offset of
 * their open transaction (-1 for none). {@code kafka-transactions describe-producers} and
 * {@code find-hanging} read it. Only the leader answers (NOT_LEADER_OR_FOLLOWER elsewhere).
 */
public final class DescribeProducersHandler implements ApiHandler {
    private final Authorization authz;
    private final ZkMetadataStore metadata;
    private final ReplicaManager replicas;

    public DescribeProducersHandler(Authorization authz, ZkMetadataStore metadata, ReplicaManager replicas) {
        this.authz = authz;
        this.metadata = metadata;
        this.replicas = replicas;
    }

    @Override
    public ApiKey api() {
        return ApiKey.DESCRIBE_PRODUCERS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        DescribeProducersRequest req = (DescribeProducersRequest) context.body();
        List<DescribeProducersResponse.TopicResponse> topics = new ArrayList<>();
        for (DescribeProducersRequest.TopicRequest t : req.topics()) {
            List<DescribeProducersResponse.PartitionResponse> partitions = new ArrayList<>();
            boolean readable = authz.allowed(context, AclOperation.READ, ResourceType.TOPIC, t.name());
            for (int index : t.partitionIndexes()) {
                DescribeProducersResponse.PartitionResponse p = new DescribeProducersResponse.PartitionResponse()
                        .setPartitionIndex(index).setActiveProducers(new ArrayList<>());
                ReplicaManager.Lookup leader = !readable ? new ReplicaManager.Lookup(null, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
                        : replicas.leader(metadata.topic(t.name()), index, -1, false);
                if (!leader.found()) {
                    partitions.add(p.setErrorCode(leader.error().code));
                    continue;
                }
                for (ProducerStateTable.ProducerView v : leader.partition().log().producerState().producers()) {
                    p.activeProducers().add(new DescribeProducersResponse.ProducerState().setProducerId(v.producerId())
                            .setProducerEpoch(v.epoch()).setLastSequence(v.lastSequence()).setLastTimestamp(v.lastAppendMs())
                            .setCoordinatorEpoch(v.coordinatorEpoch()).setCurrentTxnStartOffset(v.currentTxnStartOffset()));
                }
                partitions.add(p);
            }
            topics.add(new DescribeProducersResponse.TopicResponse().setName(t.name()).setPartitions(partitions));
        }
        return new DescribeProducersResponse().setTopics(topics);
    }
}
