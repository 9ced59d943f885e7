package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.server.ErrorCode;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.BrokerConfigAdmin;
import dev.wharf.server.TopicAdmin;
import dev.wharf.server.TopicConfigs;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.IncrementalAlterConfigsRequest;
import dev.wharf.wire.message.IncrementalAlterConfigsResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * IncrementalAlterConfigs for topics and brokers: SET (0), DELETE (1), APPEND (2) and SUBTRACT (3)
 * ({@link ConfigOperations}) on a topic's overrides, a broker's dynamic configs or the cluster-wide
 * default (an empty broker name); the result is validated, stored in ZooKeeper and applied live by
 * every broker.
 *
 * <p>v1: flexible.
 */
public final class IncrementalAlterConfigsHandler implements ApiHandler {
    private final Authorization authz;
    private final ZkMetadataStore metadata;
    private final TopicAdmin admin;
    private final BrokerConfigAdmin brokerConfigs;
    private final dev.wharf.server.DynamicBrokerConfig config;

    public IncrementalAlterConfigsHandler(Authorization authz, ZkMetadataStore metadata, TopicAdmin admin, BrokerConfigAdmin brokerConfigs,
            dev.wharf.server.DynamicBrokerConfig config) {
        this.config = config;
        this.authz = authz;
        this.metadata = metadata;
        this.admin = admin;
        this.brokerConfigs = brokerConfigs;
    }

    @Override
    public ApiKey api() {
        return ApiKey.INCREMENTAL_ALTER_CONFIGS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        IncrementalAlterConfigsRequest req = (IncrementalAlterConfigsRequest) context.body();
        List<IncrementalAlterConfigsResponse.AlterConfigsResourceResponse> out = new ArrayList<>();
        for (IncrementalAlterConfigsRequest.AlterConfigsResource r : req.resources()) {
            ErrorCode denied = ConfigAccess.check(authz, context, r.resourceType(), r.resourceName(), true);
            out.add(denied == ErrorCode.NONE ? alter(r, req.validateOnly())
                    : new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse().setResourceType(r.resourceType())
                            .setResourceName(r.resourceName()).setErrorCode(denied.code));
        }
        return new IncrementalAlterConfigsResponse().setResponses(out);
    }

    private IncrementalAlterConfigsResponse.AlterConfigsResourceResponse alter(
            IncrementalAlterConfigsRequest.AlterConfigsResource r, boolean validateOnly) {
        IncrementalAlterConfigsResponse.AlterConfigsResourceResponse resp =
                new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse()
                        .setResourceType(r.resourceType()).setResourceName(r.resourceName());
        if (r.resourceType() == ConfigResources.BROKER) {
            return alterBroker(r, validateOnly, resp);
        }
        if (r.resourceType() == GroupConfigResources.GROUP) {
            GroupConfigResources.IncrementalAlterOutcome o = GroupConfigResources.alter(metadata, config.current(),
                    r.resourceName(), r.configs(), validateOnly);
            return resp.setErrorCode(o.error().code).setErrorMessage(o.message());
        }
        if (r.resourceType() != ConfigResources.TOPIC) {
            return resp.setErrorCode(ErrorCode.INVALID_REQUEST.code).setErrorMessage("only topic and broker configs can be altered");
        }
        Optional<TopicInfo> topic = metadata.topic(r.resourceName());
        if (topic.isEmpty()) {
            return resp.setErrorCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code);
        }
        Map<String, String> next;
        try {
            next = ConfigOperations.onTopic(r.configs(), new LinkedHashMap<>(topic.get().configs()));
        } catch (ConfigOperations.BadOperation e) {
            return resp.setErrorCode(ErrorCode.INVALID_REQUEST.code).setErrorMessage(e.getMessage());
        }
        try {
            if (validateOnly) {
                TopicConfigs.validate(next);
            } else {
                admin.setTopicConfigs(topic.get(), next);
            }
            return resp.setErrorCode(ErrorCode.NONE.code);
        } catch (Exception e) {
            return resp.setErrorCode(ErrorCode.forException(e).code).setErrorMessage(ErrorCode.messageFor(e));
        }
    }

    /**
     * A broker's dynamic configs, or the cluster default's. Every refusal is INVALID_REQUEST with
     * the reason, as Kafka 4.4 answers when it validates a broker config change (KAFKA-13609).
     * APPEND and SUBTRACT start from the key's default when the entity does not set it.
     */
    private IncrementalAlterConfigsResponse.AlterConfigsResourceResponse alterBroker(
            IncrementalAlterConfigsRequest.AlterConfigsResource r, boolean validateOnly,
            IncrementalAlterConfigsResponse.AlterConfigsResourceResponse resp) {
        try {
            String entity = BrokerConfigAdmin.entity(r.resourceName());
            brokerConfigs.alter(entity, stored -> ConfigOperations.onBroker(r.configs(), stored), validateOnly);
            return resp.setErrorCode(ErrorCode.NONE.code);
        } catch (IllegalArgumentException e) {
            return resp.setErrorCode(ErrorCode.INVALID_REQUEST.code).setErrorMessage(e.getMessage());
        } catch (Exception e) {
            return resp.setErrorCode(ErrorCode.forException(e).code).setErrorMessage(ErrorCode.messageFor(e));
        }
    }
}
