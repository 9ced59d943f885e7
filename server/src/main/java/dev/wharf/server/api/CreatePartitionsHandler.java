package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.quota.ClientQuotas;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.TopicAdmin;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.CreatePartitionsRequest;
import dev.wharf.wire.message.CreatePartitionsResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * CreatePartitions: grows topics to a new partition count, the new partitions' replicas placed by
 * {@link dev.wharf.controller.ReplicaPlacement} where the topic's leaders left off, or as the
 * request's replica lists say (one per new partition, as many replicas as the topic's partitions
 * have, registered brokers only: else INVALID_REPLICA_ASSIGNMENT); validate-only checks without
 * writing; POLICY_VIOLATION for every topic of a request adding more than
 * {@link NewTopicChecks#MAX_NEW_PARTITIONS_PER_REQUEST} partitions in all. Authorization: ALTER on
 * the topic, else TOPIC_AUTHORIZATION_FAILED. The partitions added count against the client's
 * controller_mutation_rate ({@link MutationQuotas}). v1: no change. v2: flexible. v3: strict
 * mutation quota (THROTTLING_QUOTA_EXCEEDED, KIP-599).
 */
public final class CreatePartitionsHandler implements ApiHandler {
    private final Authorization authz;
    private final ZkMetadataStore metadata;
    private final TopicAdmin admin;
    private final ClientQuotas quotas;

    public CreatePartitionsHandler(Authorization authz, ZkMetadataStore metadata, TopicAdmin admin, ClientQuotas quotas) {
        this.authz = authz;
        this.metadata = metadata;
        this.admin = admin;
        this.quotas = quotas;
    }

    @Override
    public ApiKey api() {
        return ApiKey.CREATE_PARTITIONS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        CreatePartitionsRequest req = (CreatePartitionsRequest) context.body();
        List<CreatePartitionsResponse.CreatePartitionsTopicResult> results = new ArrayList<>();
        boolean tooMany = newPartitions(req) > NewTopicChecks.MAX_NEW_PARTITIONS_PER_REQUEST;
        ClientQuotas.MutationQuota quota = MutationQuotas.of(quotas, context, 3);
        for (CreatePartitionsRequest.CreatePartitionsTopic t : req.topics()) {
            CreatePartitionsResponse.CreatePartitionsTopicResult r =
                    new CreatePartitionsResponse.CreatePartitionsTopicResult().setName(t.name());
            Optional<TopicInfo> topic = metadata.topic(t.name());
            if (!authz.allowed(context, AclOperation.ALTER, ResourceType.TOPIC, t.name())) {
                results.add(r.setErrorCode(ErrorCode.TOPIC_AUTHORIZATION_FAILED.code));
            } else if (tooMany) {
                results.add(r.setErrorCode(ErrorCode.POLICY_VIOLATION.code).setErrorMessage(NewTopicChecks.TOO_MANY_PARTITIONS));
            } else if (topic.isEmpty()) {
                results.add(r.setErrorCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code));
            } else if (t.count() <= topic.get().partitions().size()) {
                results.add(r.setErrorCode(ErrorCode.INVALID_PARTITIONS.code).setErrorMessage("Topic currently has "
                        + topic.get().partitions().size() + " partitions, which is higher than the requested "
                        + t.count() + "."));
            } else if (t.assignments() != null && t.assignments().size() != t.count() - topic.get().partitions().size()) {
                results.add(r.setErrorCode(ErrorCode.INVALID_REPLICA_ASSIGNMENT.code).setErrorMessage("Increasing the "
                        + "number of partitions by " + (t.count() - topic.get().partitions().size()) + " but "
                        + t.assignments().size() + " assignments provided."));
            } else {
                int added = req.validateOnly() ? 0 : t.count() - topic.get().partitions().size();
                if (!req.validateOnly() && !quota.admit(added)) {
                    results.add(r.setErrorCode(ErrorCode.THROTTLING_QUOTA_EXCEEDED.code)
                            .setErrorMessage(MutationQuotas.EXCEEDED));
                    continue;
                }
                try {
                    grow(topic.get(), t, req.validateOnly());
                    results.add(r.setErrorCode(ErrorCode.NONE.code));
                } catch (Exception e) {
                    quota.refund(added);
                    results.add(r.setErrorCode(ErrorCode.forException(e).code).setErrorMessage(ErrorCode.messageFor(e)));
                }
            }
        }
        return new CreatePartitionsResponse().setResults(results).setThrottleTimeMs(quota.throttleMs());
    }

    /** The partitions the request adds to existing topics, over all of them (a long: they can add up past int). */
    private long newPartitions(CreatePartitionsRequest req) {
        long total = 0;
        for (CreatePartitionsRequest.CreatePartitionsTopic t : req.topics()) {
            Optional<TopicInfo> topic = metadata.topic(t.name());
            if (topic.isPresent()) {
                total += Math.max(0, t.count() - topic.get().partitions().size());
            }
        }
        return total;
    }

    /** Adds the partitions: with the replicas given, else placed by the controller; only checks when validating. */
    private void grow(TopicInfo topic, CreatePartitionsRequest.CreatePartitionsTopic t, boolean validateOnly) throws Exception {
        if (t.assignments() == null) {
            if (validateOnly) {
                admin.checkAddPartitions(topic, t.count());
            } else {
                admin.addPartitions(topic, t.count());
            }
            return;
        }
        List<List<Integer>> lists = t.assignments().stream().map(a -> List.copyOf(a.brokerIds())).toList();
        if (validateOnly) {
            admin.checkAddPartitions(topic, lists);
        } else {
            admin.addPartitions(topic, lists);
        }
    }
}
