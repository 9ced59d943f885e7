package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ListPartitionReassignmentsRequest;
import dev.wharf.wire.message.ListPartitionReassignmentsResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ListPartitionReassignments ({@code kafka-reassign-partitions --verify/--list}): the partitions
 * being reassigned (of the topics named, or all), each with its current replica set and the
 * replicas being added and removed. Partitions not moving are left out. Other brokers answer
 * NOT_CONTROLLER.
 *
 * <p>v0: flexible.
 */
public final class ListPartitionReassignmentsHandler implements ApiHandler {
    private final Authorization authz;
    private final ZkMetadataStore metadata;

    public ListPartitionReassignmentsHandler(Authorization authz, ZkMetadataStore metadata) {
        this.authz = authz;
        this.metadata = metadata;
    }

    @Override
    public ApiKey api() {
        return ApiKey.LIST_PARTITION_REASSIGNMENTS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        ListPartitionReassignmentsRequest req = (ListPartitionReassignmentsRequest) context.body();
        if (!authz.allowedOnCluster(context, AclOperation.DESCRIBE)) {
            return new ListPartitionReassignmentsResponse().setErrorCode(ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code)
                    .setTopics(List.of());
        }
        Map<String, List<Integer>> which = null;
        if (req.topics() != null) {
            which = new LinkedHashMap<>();
            for (ListPartitionReassignmentsRequest.ListPartitionReassignmentsTopics t : req.topics()) {
                which.computeIfAbsent(t.name(), k -> new ArrayList<>()).addAll(t.partitionIndexes());
            }
        }
        Optional<Map<String, List<TopicInfo.PartitionInfo>>> ongoing;
        try {
            ongoing = metadata.ongoingReassignments(which);
        } catch (Exception e) {
            return new ListPartitionReassignmentsResponse().setErrorCode(ErrorCode.UNKNOWN_SERVER_ERROR.code)
                    .setErrorMessage(e.toString()).setTopics(List.of());
        }
        if (ongoing.isEmpty()) {
            return new ListPartitionReassignmentsResponse().setErrorCode(ErrorCode.NOT_CONTROLLER.code)
                    .setErrorMessage("This broker is not the controller").setTopics(List.of());
        }
        List<ListPartitionReassignmentsResponse.OngoingTopicReassignment> topics = new ArrayList<>();
        ongoing.get().forEach((topic, partitions) -> topics.add(
                new ListPartitionReassignmentsResponse.OngoingTopicReassignment().setName(topic).setPartitions(
                        partitions.stream().map(p -> new ListPartitionReassignmentsResponse.OngoingPartitionReassignment()
                                .setPartitionIndex(p.partition()).setReplicas(p.replicas())
                                .setAddingReplicas(p.adding()).setRemovingReplicas(p.removing())).toList())));
        return new ListPartitionReassignmentsResponse().setErrorCode(ErrorCode.NONE.code).setTopics(topics);
    }
}
