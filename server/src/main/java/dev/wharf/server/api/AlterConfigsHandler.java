package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.server.ErrorCode;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.BrokerConfigAdmin;
import dev.wharf.server.TopicAdmin;
import dev.wharf.server.TopicConfigs;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.AlterConfigsRequest;
import dev.wharf.wire.message.AlterConfigsResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * AlterConfigs (the older, whole-set API): a topic's overrides, a broker's dynamic configs or the
 * cluster-wide default's (an empty broker name) become exactly the given ones, validated, stored
 * and applied live. A refused broker change is INVALID_REQUEST, as in Kafka.
 * v1: throttle time. v2: flexible.
 */
public final class AlterConfigsHandler implements ApiHandler {
    private final Authorization authz;
    private final ZkMetadataStore metadata;
    private final TopicAdmin admin;
    private final BrokerConfigAdmin brokerConfigs;

    public AlterConfigsHandler(Authorization authz, ZkMetadataStore metadata, TopicAdmin admin, BrokerConfigAdmin brokerConfigs) {
        this.authz = authz;
        this.metadata = metadata;
        this.admin = admin;
        this.brokerConfigs = brokerConfigs;
    }

    @Override
    public ApiKey api() {
        return ApiKey.ALTER_CONFIGS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        AlterConfigsRequest req = (AlterConfigsRequest) context.body();
        List<AlterConfigsResponse.AlterConfigsResourceResponse> out = new ArrayList<>();
        for (AlterConfigsRequest.AlterConfigsResource r : req.resources()) {
            AlterConfigsResponse.AlterConfigsResourceResponse resp = new AlterConfigsResponse.AlterConfigsResourceResponse()
                    .setResourceType(r.resourceType()).setResourceName(r.resourceName());
            ErrorCode denied = ConfigAccess.check(authz, context, r.resourceType(), r.resourceName(), true);
            if (denied != ErrorCode.NONE) {
                out.add(resp.setErrorCode(denied.code));
                continue;
            }
            if (r.resourceType() == ConfigResources.BROKER) {
                out.add(alterBroker(r, req.validateOnly(), resp));
                continue;
            }
            Optional<TopicInfo> topic = metadata.topic(r.resourceName());
            if (r.resourceType() != ConfigResources.TOPIC) {
                out.add(resp.setErrorCode(ErrorCode.INVALID_REQUEST.code)
                        .setErrorMessage("only topic and broker configs can be altered"));
                continue;
            }
            if (topic.isEmpty()) {
                out.add(resp.setErrorCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code));
                continue;
            }
            Map<String, String> configs = new LinkedHashMap<>();
            r.configs().forEach(c -> {
                if (c.value() != null) {
                    configs.put(c.name(), c.value());
                }
            });
            try {
                if (req.validateOnly()) {
                    TopicConfigs.validate(configs);
                } else {
                    admin.setTopicConfigs(topic.get(), configs);
                }
                out.add(resp.setErrorCode(ErrorCode.NONE.code));
            } catch (Exception e) {
                out.add(resp.setErrorCode(ErrorCode.forException(e).code).setErrorMessage(ErrorCode.messageFor(e)));
            }
        }
        return new AlterConfigsResponse().setResponses(out);
    }

    private AlterConfigsResponse.AlterConfigsResourceResponse alterBroker(AlterConfigsRequest.AlterConfigsResource r,
            boolean validateOnly, AlterConfigsResponse.AlterConfigsResourceResponse resp) {
        Map<String, String> configs = new LinkedHashMap<>();
        r.configs().forEach(c -> configs.put(c.name(), c.value()));
        try {
            brokerConfigs.alter(BrokerConfigAdmin.entity(r.resourceName()), stored -> configs, validateOnly);
            return resp.setErrorCode(ErrorCode.NONE.code);
        } catch (IllegalArgumentException e) {
            return resp.setErrorCode(ErrorCode.INVALID_REQUEST.code).setErrorMessage(e.getMessage());
        } catch (Exception e) {
            return resp.setErrorCode(ErrorCode.forException(e).code).setErrorMessage(ErrorCode.messageFor(e));
        }
    }
}
