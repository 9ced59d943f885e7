package dev.wharf.server.api;

import dev.wharf.controller.Election;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ElectLeadersRequest;
import dev.wharf.wire.message.ElectLeadersResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ElectLeaders ({@code kafka-leader-election}, KIP-183/KIP-460): the controller moves leadership to
 * each partition's preferred replica (PREFERRED), or gives a partition without a live leader one,
 * from outside the ISR if it must (UNCLEAN). Per partition: NONE, ELECTION_NOT_NEEDED,
 * PREFERRED_LEADER_NOT_AVAILABLE, ELIGIBLE_LEADERS_NOT_AVAILABLE or UNKNOWN_TOPIC_OR_PARTITION, as
 * Kafka reports them. Other brokers answer NOT_CONTROLLER; clients send it to the controller.
 *
 * <p>v1: election type, top-level error. v2: flexible.
 */
public final class ElectLeadersHandler implements ApiHandler {
    private final Authorization authz;
    private final ZkMetadataStore metadata;

    public ElectLeadersHandler(Authorization authz, ZkMetadataStore metadata) {
        this.authz = authz;
        this.metadata = metadata;
    }

    @Override
    public ApiKey api() {
        return ApiKey.ELECT_LEADERS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        ElectLeadersRequest req = (ElectLeadersRequest) context.body();
        // ALTER on the cluster (KIP-460); Kafka's docs list CLUSTER_ACTION, which is taken too
        if (!authz.allowedOnCluster(context, AclOperation.ALTER)
                && !authz.allowedOnCluster(context, AclOperation.CLUSTER_ACTION)) {
            return new ElectLeadersResponse().setErrorCode(ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code)
                    .setReplicaElectionResults(List.of());
        }
        boolean preferred = context.version() < 1 || req.electionType() == 0;
        if (context.version() >= 1 && req.electionType() != 0 && req.electionType() != 1) {
            return new ElectLeadersResponse().setErrorCode(ErrorCode.INVALID_REQUEST.code).setReplicaElectionResults(List.of());
        }
        Map<String, List<Integer>> which = null;
        if (req.topicPartitions() != null) {
            which = new LinkedHashMap<>();
            for (ElectLeadersRequest.TopicPartitions t : req.topicPartitions()) {
                which.computeIfAbsent(t.topic(), k -> new ArrayList<>()).addAll(t.partitions());
            }
        }
        Optional<Map<String, Map<Integer, Election>>> results;
        try {
            results = metadata.electLeaders(preferred, which);
        } catch (Exception e) {
            return new ElectLeadersResponse().setErrorCode(ErrorCode.UNKNOWN_SERVER_ERROR.code)
                    .setReplicaElectionResults(List.of());
        }
        if (results.isEmpty()) {
            return new ElectLeadersResponse().setErrorCode(ErrorCode.NOT_CONTROLLER.code).setReplicaElectionResults(List.of());
        }
        List<ElectLeadersResponse.ReplicaElectionResult> out = new ArrayList<>();
        results.get().forEach((topic, partitions) -> {
            List<ElectLeadersResponse.PartitionResult> ps = new ArrayList<>();
            partitions.forEach((partition, election) -> {
                ErrorCode error = errorOf(election);
                ps.add(new ElectLeadersResponse.PartitionResult().setPartitionId(partition).setErrorCode(error.code)
                        .setErrorMessage(error == ErrorCode.NONE ? null : messageOf(election, preferred)));
            });
            out.add(new ElectLeadersResponse.ReplicaElectionResult().setTopic(topic).setPartitionResult(ps));
        });
        return new ElectLeadersResponse().setErrorCode(ErrorCode.NONE.code).setReplicaElectionResults(out);
    }

    private static ErrorCode errorOf(Election election) {
        return switch (election) {
            case ELECTED -> ErrorCode.NONE;
            case NOT_NEEDED -> ErrorCode.ELECTION_NOT_NEEDED;
            case PREFERRED_NOT_AVAILABLE -> ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE;
            case NO_ELIGIBLE_LEADER -> ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE;
            case UNKNOWN_PARTITION -> ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
            case FAILED -> ErrorCode.UNKNOWN_SERVER_ERROR;
        };
    }

    private static String messageOf(Election election, boolean preferred) {
        return switch (election) {
            case NOT_NEEDED -> preferred ? "The preferred replica is already the leader" : "The partition has a live leader";
            case PREFERRED_NOT_AVAILABLE -> "The preferred replica is not live and in sync";
            case NO_ELIGIBLE_LEADER -> "No live replica can lead";
            case UNKNOWN_PARTITION -> "No such topic or partition";
            default -> "The partition's state kept changing; try again";
        };
    }
}
