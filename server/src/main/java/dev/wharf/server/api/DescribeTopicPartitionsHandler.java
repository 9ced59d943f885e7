package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.server.ErrorCode;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.TopicNames;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.DescribeTopicPartitionsRequest;
import dev.wharf.wire.message.DescribeTopicPartitionsResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * DescribeTopicPartitions (KIP-966): the requested topics (all of them for an empty list) in name
 * order, at most {@code ResponsePartitionLimit} partitions per response, resumed from a cursor.
 * Only topics the principal may DESCRIBE are listed; one asked for without it gets
 * TOPIC_AUTHORIZATION_FAILED.
 */
public final class DescribeTopicPartitionsHandler implements ApiHandler {
    private final Authorization authz;
    private final ZkMetadataStore metadata;

    public DescribeTopicPartitionsHandler(Authorization authz, ZkMetadataStore metadata) {
        this.authz = authz;
        this.metadata = metadata;
    }

    @Override
    public ApiKey api() {
        return ApiKey.DESCRIBE_TOPIC_PARTITIONS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        return describe(context, (DescribeTopicPartitionsRequest) context.body());
    }

    private DescribeTopicPartitionsResponse describe(RequestContext context, DescribeTopicPartitionsRequest req) {
        if (req.cursor() != null && req.cursor().partitionIndex() < 0) {
            // no partition has a negative index: as Kafka does, each topic asked for gets INVALID_REQUEST
            return new DescribeTopicPartitionsResponse().setTopics(req.topics().stream()
                    .map(t -> new DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic().setName(t.name())
                            .setErrorCode(ErrorCode.INVALID_REQUEST.code))
                    .toList());
        }
        TreeMap<String, Optional<TopicInfo>> wanted = new TreeMap<>();
        if (req.topics().isEmpty()) {
            metadata.topics().forEach((name, t) -> {
                if (authz.allowed(context, AclOperation.DESCRIBE, ResourceType.TOPIC, name)) {
                    wanted.put(name, Optional.of(t));
                }
            });
        } else {
            req.topics().forEach(t -> wanted.put(t.name(), metadata.topic(t.name())));
        }
        String startTopic = req.cursor() == null ? null : req.cursor().topicName();
        int startPartition = req.cursor() == null ? 0 : req.cursor().partitionIndex();
        int budget = Math.max(1, req.responsePartitionLimit());
        List<DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic> out = new ArrayList<>();
        DescribeTopicPartitionsResponse resp = new DescribeTopicPartitionsResponse();
        for (var e : (startTopic == null ? wanted : wanted.tailMap(startTopic, true)).entrySet()) {
            if (!authz.allowed(context, AclOperation.DESCRIBE, ResourceType.TOPIC, e.getKey())) {
                out.add(new DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic().setName(e.getKey())
                        .setErrorCode(ErrorCode.TOPIC_AUTHORIZATION_FAILED.code));
                continue;
            }
            if (e.getValue().isEmpty()) {
                out.add(new DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic().setName(e.getKey())
                        .setErrorCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code));
                continue;
            }
            TopicInfo t = e.getValue().get();
            int first = e.getKey().equals(startTopic) ? startPartition : 0;
            List<DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponsePartition> ps = new ArrayList<>();
            int p = first;
            for (; p < t.partitions().size() && budget > 0; p++, budget--) {
                TopicInfo.PartitionInfo info = t.partitions().get(p);
                ps.add(new DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponsePartition()
                        .setPartitionIndex(p).setLeaderId(info.leader()).setLeaderEpoch(info.leaderEpoch())
                        .setReplicaNodes(info.replicas()).setIsrNodes(info.isr()).setOfflineReplicas(metadata.offlineReplicas(t.name(), info))
                        // nullable in the spec, but clients read them as lists (Kafka sends them empty)
                        .setEligibleLeaderReplicas(List.of()).setLastKnownElr(List.of()));
            }
            out.add(new DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic().setName(t.name())
                    .setTopicId(t.id()).setIsInternal(TopicNames.isInternal(t.name())).setPartitions(ps)
                    // always filled: the request has no flag for it, and Admin.describeTopics reads it from here
                    .setTopicAuthorizedOperations(authz.authorizedOperations(context, ResourceType.TOPIC, t.name())));
            if (p < t.partitions().size()) {
                resp.setNextCursor(new DescribeTopicPartitionsResponse.Cursor().setTopicName(t.name()).setPartitionIndex(p));
                break;
            }
            if (budget == 0) {
                String next = wanted.higherKey(t.name());
                if (next != null) {
                    resp.setNextCursor(new DescribeTopicPartitionsResponse.Cursor().setTopicName(next).setPartitionIndex(0));
                }
                break;
            }
        }
        return resp.setTopics(out);
    }
}
