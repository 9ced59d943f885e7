package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.server.ErrorCode;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.BrokerConfigAdmin;
import dev.wharf.server.TopicAdmin;
import dev.wharf.server.TopicConfigs;
import dev.wharf.server.config.BrokerKeys;
import dev.wharf.server.config.ConfigKey;
import dev.wharf.server.config.ConfigType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.IncrementalAlterConfigsRequest;
import dev.wharf.wire.message.IncrementalAlterConfigsResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * IncrementalAlterConfigs for topics and brokers: SET (0), DELETE (1), APPEND (2) and SUBTRACT (3)
 * on a topic's overrides, a broker's dynamic configs or the cluster-wide default (an empty broker
 * name); the result is validated, stored in ZooKeeper and applied live by every broker.
 *
 * <p>v1: flexible.
 */
public final class IncrementalAlterConfigsHandler implements ApiHandler {
    private final ZkMetadataStore metadata;
    private final TopicAdmin admin;
    private final BrokerConfigAdmin brokerConfigs;

    public IncrementalAlterConfigsHandler(ZkMetadataStore metadata, TopicAdmin admin, BrokerConfigAdmin brokerConfigs) {
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
            out.add(alter(r, req.validateOnly()));
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
        if (r.resourceType() != ConfigResources.TOPIC) {
            return resp.setErrorCode(ErrorCode.INVALID_REQUEST.code).setErrorMessage("only topic and broker configs can be altered");
        }
        Optional<TopicInfo> topic = metadata.topic(r.resourceName());
        if (topic.isEmpty()) {
            return resp.setErrorCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code);
        }
        Map<String, String> next;
        try {
            next = apply(r.configs(), new LinkedHashMap<>(topic.get().configs()), name -> "");
        } catch (BadOperation e) {
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
            brokerConfigs.alter(entity, stored -> apply(r.configs(), stored, name -> {
                ConfigKey<?> key = BrokerKeys.byName(name);
                if (key != null && key.type() != ConfigType.LIST) {
                    throw new BadOperation("Config value append is not allowed for config key: " + name);
                }
                return key == null || key.defaultValue() == null ? "" : key.defaultValue();
            }), validateOnly);
            return resp.setErrorCode(ErrorCode.NONE.code);
        } catch (IllegalArgumentException e) {
            return resp.setErrorCode(ErrorCode.INVALID_REQUEST.code).setErrorMessage(e.getMessage());
        } catch (Exception e) {
            return resp.setErrorCode(ErrorCode.forException(e).code).setErrorMessage(ErrorCode.messageFor(e));
        }
    }

    /**
     * Applies SET (0), DELETE (1), APPEND (2) and SUBTRACT (3) to {@code configs}, in order;
     * {@code listBase} gives the list an APPEND or SUBTRACT starts from when the key is not set
     * (and may refuse the key).
     */
    private static Map<String, String> apply(List<IncrementalAlterConfigsRequest.AlterableConfig> ops,
            Map<String, String> configs, UnaryOperator<String> listBase) {
        for (IncrementalAlterConfigsRequest.AlterableConfig c : ops) {
            switch (c.configOperation()) {
                case 0 -> {
                    if (c.value() == null) {
                        throw new BadOperation("Null value not supported for: " + c.name());
                    }
                    configs.put(c.name(), c.value());
                }
                case 1 -> configs.remove(c.name());
                case 2, 3 -> {
                    String base = configs.containsKey(c.name()) ? configs.get(c.name()) : listBase.apply(c.name());
                    List<String> items = new ArrayList<>(base.isEmpty() ? List.of() : Arrays.asList(base.split(",")));
                    List<String> changes = c.value() == null ? List.of() : Arrays.asList(c.value().split(","));
                    if (c.configOperation() == 2) {
                        changes.stream().filter(x -> !items.contains(x)).forEach(items::add);
                    } else {
                        items.removeAll(changes);
                    }
                    configs.put(c.name(), String.join(",", items));
                }
                default -> throw new BadOperation("unknown config operation " + c.configOperation());
            }
        }
        return configs;
    }

    /** An operation the request may not ask for: INVALID_REQUEST. */
    private static final class BadOperation extends IllegalArgumentException {
        BadOperation(String message) {
            super(message);
        }
    }
}
