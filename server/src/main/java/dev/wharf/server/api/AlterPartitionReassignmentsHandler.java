package dev.wharf.server.api;

import dev.wharf.controller.ReassignmentResult;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.AlterPartitionReassignmentsRequest;
import dev.wharf.wire.message.AlterPartitionReassignmentsResponse;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * AlterPartitionReassignments ({@code kafka-reassign-partitions --execute/--cancel}, KIP-455): the
 * controller starts moving each named partition to its new replicas, or (null replicas) cancels
 * the move under way. It answers once the move is recorded, not done; ListPartitionReassignments
 * follows it. Per partition: NONE, UNKNOWN_TOPIC_OR_PARTITION, INVALID_REPLICA_ASSIGNMENT,
 * INVALID_REPLICATION_FACTOR or NO_REASSIGNMENT_IN_PROGRESS. Other brokers answer NOT_CONTROLLER.
 *
 * <p>v0: flexible. v1: allowReplicationFactorChange (KIP-860).
 */
public final class AlterPartitionReassignmentsHandler implements ApiHandler {
    private final Authorization authz;
    private final ZkMetadataStore metadata;

    public AlterPartitionReassignmentsHandler(Authorization authz, ZkMetadataStore metadata) {
        this.authz = authz;
        this.metadata = metadata;
    }

    @Override
    public ApiKey api() {
        return ApiKey.ALTER_PARTITION_REASSIGNMENTS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        AlterPartitionReassignmentsRequest req = (AlterPartitionReassignmentsRequest) context.body();
        if (!authz.allowedOnCluster(context, AclOperation.ALTER)) {
            return failed(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, null);
        }
        Map<String, Map<Integer, Optional<List<Integer>>>> targets = new LinkedHashMap<>();
        for (AlterPartitionReassignmentsRequest.ReassignableTopic t : req.topics()) {
            Map<Integer, Optional<List<Integer>>> partitions = targets.computeIfAbsent(t.name(), k -> new LinkedHashMap<>());
            for (AlterPartitionReassignmentsRequest.ReassignablePartition p : t.partitions()) {
                partitions.put(p.partitionIndex(), Optional.ofNullable(p.replicas()));
            }
        }
        boolean allowReplicationFactorChange = context.version() < 1 || req.allowReplicationFactorChange();
        Optional<Map<String, Map<Integer, ReassignmentResult>>> results;
        try {
            results = metadata.reassign(targets, allowReplicationFactorChange);
        } catch (Exception e) {
            return failed(ErrorCode.UNKNOWN_SERVER_ERROR, e.toString());
        }
        if (results.isEmpty()) {
            return failed(ErrorCode.NOT_CONTROLLER, "This broker is not the controller");
        }
        List<AlterPartitionReassignmentsResponse.ReassignableTopicResponse> out = new ArrayList<>();
        results.get().forEach((topic, partitions) -> {
            List<AlterPartitionReassignmentsResponse.ReassignablePartitionResponse> ps = new ArrayList<>();
            partitions.forEach((partition, result) -> ps.add(
                    new AlterPartitionReassignmentsResponse.ReassignablePartitionResponse().setPartitionIndex(partition)
                            .setErrorCode(errorOf(result.kind()).code).setErrorMessage(result.message())));
            out.add(new AlterPartitionReassignmentsResponse.ReassignableTopicResponse().setName(topic).setPartitions(ps));
        });
        return new AlterPartitionReassignmentsResponse().setErrorCode(ErrorCode.NONE.code)
                .setAllowReplicationFactorChange(allowReplicationFactorChange).setResponses(out);
    }

    private static AlterPartitionReassignmentsResponse failed(ErrorCode error, String message) {
        return new AlterPartitionReassignmentsResponse().setErrorCode(error.code).setErrorMessage(message)
                .setResponses(List.of());
    }

    private static ErrorCode errorOf(ReassignmentResult.Kind kind) {
        return switch (kind) {
            case DONE -> ErrorCode.NONE;
            case UNKNOWN_PARTITION -> ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
            case INVALID_ASSIGNMENT -> ErrorCode.INVALID_REPLICA_ASSIGNMENT;
            case INVALID_REPLICATION_FACTOR -> ErrorCode.INVALID_REPLICATION_FACTOR;
            case NOT_IN_PROGRESS -> ErrorCode.NO_REASSIGNMENT_IN_PROGRESS;
            case FAILED -> ErrorCode.UNKNOWN_SERVER_ERROR;
        };
    }
}
