package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.quota.ClientQuotas;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.TopicAdmin;
import dev.wharf.server.TopicNames;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.DeleteTopicsRequest;
import dev.wharf.wire.message.DeleteTopicsResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * DeleteTopics by name or (v6+) topic id: the metadata goes, then the partitions' logs.
 *
 * <p>Authorization: DELETE on the topic, else TOPIC_AUTHORIZATION_FAILED. Each topic's partitions
 * count against the client's controller_mutation_rate ({@link MutationQuotas}).
 *
 * <p>v1: throttle time. v4: flexible. v5: error messages, strict mutation quota (KIP-599). v6: topics
 * by name or id.
 */
public final class DeleteTopicsHandler implements ApiHandler {
    private final Authorization authz;
    private final ZkMetadataStore metadata;
    private final TopicAdmin admin;
    private final ClientQuotas quotas;

    public DeleteTopicsHandler(Authorization authz, ZkMetadataStore metadata, TopicAdmin admin, ClientQuotas quotas) {
        this.authz = authz;
        this.metadata = metadata;
        this.admin = admin;
        this.quotas = quotas;
    }

    @Override
    public ApiKey api() {
        return ApiKey.DELETE_TOPICS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        DeleteTopicsRequest req = (DeleteTopicsRequest) context.body();
        List<DeleteTopicsResponse.DeletableTopicResult> results = new ArrayList<>();
        ClientQuotas.MutationQuota quota = MutationQuotas.of(quotas, context, 5);
        for (String name : req.topicNames()) {
            results.add(delete(context, quota, metadata.topic(name), name, null));
        }
        for (DeleteTopicsRequest.DeleteTopicState t : req.topics()) {
            results.add(t.name() != null ? delete(context, quota, metadata.topic(t.name()), t.name(), null)
                    : delete(context, quota, metadata.topic(t.topicId()), null, t.topicId()));
        }
        return new DeleteTopicsResponse().setResponses(results).setThrottleTimeMs(quota.throttleMs());
    }

    private DeleteTopicsResponse.DeletableTopicResult delete(RequestContext context, ClientQuotas.MutationQuota quota,
            Optional<TopicInfo> topic, String name, java.util.UUID id) {
        DeleteTopicsResponse.DeletableTopicResult r = new DeleteTopicsResponse.DeletableTopicResult()
                .setName(topic.map(TopicInfo::name).orElse(name)).setTopicId(topic.map(TopicInfo::id).orElse(
                        id == null ? new java.util.UUID(0, 0) : id));
        String known = topic.map(TopicInfo::name).orElse(name);
        if (id != null && known != null && !authz.allowed(context, AclOperation.DESCRIBE, ResourceType.TOPIC, known)) {
            // named by id: a principal that may not see the topic does not learn its name
            return r.setName(null).setErrorCode(ErrorCode.TOPIC_AUTHORIZATION_FAILED.code).setErrorMessage("Authorization failed.");
        }
        if (known != null && !authz.allowed(context, AclOperation.DELETE, ResourceType.TOPIC, known)) {
            return r.setErrorCode(ErrorCode.TOPIC_AUTHORIZATION_FAILED.code).setErrorMessage("Authorization failed.");
        }
        if (topic.isEmpty()) {
            return r.setErrorCode(id != null ? ErrorCode.UNKNOWN_TOPIC_ID.code : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code)
                    .setErrorMessage("This server does not host this topic");
        }
        if (TopicNames.isInternal(topic.get().name())) {
            return r.setErrorCode(ErrorCode.INVALID_TOPIC_EXCEPTION.code).setErrorMessage("internal topics cannot be deleted");
        }
        int partitions = topic.get().partitions().size();
        if (!quota.admit(partitions)) {
            return r.setErrorCode(ErrorCode.THROTTLING_QUOTA_EXCEEDED.code).setErrorMessage(MutationQuotas.EXCEEDED);
        }
        try {
            admin.deleteTopic(topic.get());
            return r.setErrorCode(ErrorCode.NONE.code);
        } catch (Exception e) {
            quota.refund(partitions);
            return r.setErrorCode(ErrorCode.UNKNOWN_SERVER_ERROR.code).setErrorMessage(e.toString());
        }
    }
}
