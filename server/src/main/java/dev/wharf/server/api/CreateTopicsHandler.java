package dev.wharf.server.api;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.quota.ClientQuotas;
import dev.wharf.server.BrokerConfig;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.TopicAdmin;
import dev.wharf.server.TopicConfigs;
import dev.wharf.server.config.BrokerKeys;
import dev.wharf.server.config.ConfigException;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.CreateTopicsRequest;
import dev.wharf.wire.message.CreateTopicsResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CreateTopics: partitions and replication factor (or the broker defaults for -1, including
 * {@code default.replication.factor}) with replicas placed by {@link dev.wharf.controller.ReplicaPlacement},
 * or explicit replica lists (then both counts must be -1: INVALID_REQUEST); configs; validate-only,
 * which runs every check but writes nothing. Errors as Kafka's (a topic's own shape checked first by
 * {@link NewTopicChecks}): INVALID_PARTITIONS and INVALID_REPLICATION_FACTOR for counts (more
 * replicas than live brokers included), INVALID_REPLICA_ASSIGNMENT for replica lists naming an
 * unregistered broker or one twice, of unlike lengths, or not numbered 0 to n - 1; INVALID_CONFIG
 * when only some brokers have a rack; POLICY_VIOLATION for every topic of a request adding more than
 * {@link NewTopicChecks#MAX_NEW_PARTITIONS_PER_REQUEST} partitions in all.
 *
 * <p>Authorization: CREATE on the cluster or on the topic, else TOPIC_AUTHORIZATION_FAILED; without
 * DESCRIBE_CONFIGS on the topic its result carries no configs (topic_config_error_code
 * TOPIC_AUTHORIZATION_FAILED). Each topic's partitions count against the client's
 * controller_mutation_rate ({@link MutationQuotas}).
 *
 * <p>v1: validateOnly, error messages. v2: throttle time. v4: -1 for defaults (KIP-464). v5:
 * flexible; the result carries partitions, replication factor and configs. v6: strict mutation quota
 * (KIP-599). v7: topic ids.
 */
public final class CreateTopicsHandler implements ApiHandler {
    private final Authorization authz;
    private final BrokerConfig config;
    private final ZkMetadataStore metadata;
    private final TopicAdmin admin;
    private final ClientQuotas quotas;

    public CreateTopicsHandler(Authorization authz, BrokerConfig config, ZkMetadataStore metadata, TopicAdmin admin,
            ClientQuotas quotas) {
        this.authz = authz;
        this.config = config;
        this.metadata = metadata;
        this.admin = admin;
        this.quotas = quotas;
    }

    @Override
    public ApiKey api() {
        return ApiKey.CREATE_TOPICS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        CreateTopicsRequest req = (CreateTopicsRequest) context.body();
        List<CreateTopicsResponse.CreatableTopicResult> results = new ArrayList<>();
        boolean clusterCreate = authz.allowedOnCluster(context, AclOperation.CREATE);
        boolean tooMany = newPartitions(req) > NewTopicChecks.MAX_NEW_PARTITIONS_PER_REQUEST;
        ClientQuotas.MutationQuota quota = MutationQuotas.of(quotas, context, 6);
        for (CreateTopicsRequest.CreatableTopic t : req.topics()) {
            if (!clusterCreate && !authz.allowed(context, AclOperation.CREATE, ResourceType.TOPIC, t.name())) {
                results.add(new CreateTopicsResponse.CreatableTopicResult().setName(t.name())
                        .setErrorCode(ErrorCode.TOPIC_AUTHORIZATION_FAILED.code).setErrorMessage("Authorization failed."));
                continue;
            }
            results.add(tooMany ? error(new CreateTopicsResponse.CreatableTopicResult().setName(t.name()),
                    ErrorCode.POLICY_VIOLATION.code, NewTopicChecks.TOO_MANY_PARTITIONS)
                    : create(context, t, req.validateOnly(), quota));
        }
        return new CreateTopicsResponse().setTopics(results).setThrottleTimeMs(quota.throttleMs());
    }

    /** The partitions the request asks for, over all its topics (a long: counts can add up past int). */
    private long newPartitions(CreateTopicsRequest req) {
        long total = 0;
        for (CreateTopicsRequest.CreatableTopic t : req.topics()) {
            total += !t.assignments().isEmpty() ? t.assignments().size()
                    : t.numPartitions() == -1 ? config.get(BrokerKeys.NUM_PARTITIONS) : Math.max(0, t.numPartitions());
        }
        return total;
    }

    private CreateTopicsResponse.CreatableTopicResult create(RequestContext context, CreateTopicsRequest.CreatableTopic t,
            boolean validateOnly, ClientQuotas.MutationQuota quota) {
        CreateTopicsResponse.CreatableTopicResult r = new CreateTopicsResponse.CreatableTopicResult().setName(t.name());
        NewTopicChecks.Refusal refusal = NewTopicChecks.check(t);
        if (refusal != null) {
            return error(r, refusal.error().code, refusal.message());
        }
        Map<String, String> configs = new LinkedHashMap<>();
        for (CreateTopicsRequest.CreatableTopicConfig c : t.configs()) {
            if (c.value() != null) {
                configs.put(c.name(), c.value());
            }
        }
        try {
            TopicConfigs.validate(configs);
        } catch (ConfigException e) {
            return error(r, ErrorCode.INVALID_CONFIG.code, e.getMessage());
        }
        if (metadata.topic(t.name()).isPresent()) {
            return error(r, ErrorCode.TOPIC_ALREADY_EXISTS.code, "Topic '" + t.name() + "' already exists.");
        }
        int numPartitions = !t.assignments().isEmpty() ? t.assignments().size()
                : t.numPartitions() == -1 ? config.get(BrokerKeys.NUM_PARTITIONS) : t.numPartitions();
        int admitted = validateOnly ? 0 : numPartitions; // validation changes nothing: it is not counted
        if (!validateOnly && !quota.admit(admitted)) {
            return error(r, ErrorCode.THROTTLING_QUOTA_EXCEEDED.code, MutationQuotas.EXCEEDED);
        }
        int rf;
        try {
            if (!t.assignments().isEmpty()) {
                List<List<Integer>> assignment = NewTopicChecks.replicaLists(t.assignments());
                rf = assignment.get(0).size();
                if (validateOnly) {
                    admin.checkCreate(assignment);
                } else {
                    r.setTopicId(admin.createTopic(t.name(), assignment, configs).id());
                }
            } else {
                rf = t.replicationFactor() == -1 ? config.get(BrokerKeys.DEFAULT_REPLICATION_FACTOR) : t.replicationFactor();
                if (validateOnly) {
                    admin.checkCreate(numPartitions, rf);
                } else {
                    r.setTopicId(admin.createTopic(t.name(), numPartitions, rf, configs).id());
                }
            }
        } catch (Exception e) {
            quota.refund(admitted);
            return error(r, ErrorCode.forException(e).code, ErrorCode.messageFor(e));
        }
        if (!authz.allowed(context, AclOperation.DESCRIBE_CONFIGS, ResourceType.TOPIC, t.name())) {
            // as Kafka: the topic is created, but a principal that may not describe its configs does not see them
            return r.setErrorCode(ErrorCode.NONE.code).setNumPartitions(numPartitions).setReplicationFactor((short) rf)
                    .setTopicConfigErrorCode(ErrorCode.TOPIC_AUTHORIZATION_FAILED.code);
        }
        List<CreateTopicsResponse.CreatableTopicConfigs> described = new ArrayList<>();
        configs.forEach((k, v) -> described.add(new CreateTopicsResponse.CreatableTopicConfigs().setName(k).setValue(v)
                .setConfigSource(ConfigResources.DYNAMIC_TOPIC_CONFIG)));
        return r.setErrorCode(ErrorCode.NONE.code).setNumPartitions(numPartitions).setReplicationFactor((short) rf)
                .setConfigs(described);
    }

    private static CreateTopicsResponse.CreatableTopicResult error(CreateTopicsResponse.CreatableTopicResult r, short code,
            String message) {
        return r.setErrorCode(code).setErrorMessage(message);
    }
}
