package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.server.ErrorCode;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.TopicAdmin;
import dev.wharf.server.TopicConfigs;
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

/**
 * IncrementalAlterConfigs for topics: SET (0), DELETE (1), APPEND (2) and SUBTRACT (3) on their
 * overrides; the result is validated, stored in ZooKeeper and applied to the live logs.
 *
 * <p>v1: flexible.
 */
public final class IncrementalAlterConfigsHandler implements ApiHandler {
    private final ZkMetadataStore metadata;
    private final TopicAdmin admin;

    public IncrementalAlterConfigsHandler(ZkMetadataStore metadata, TopicAdmin admin) {
        this.metadata = metadata;
        this.admin = admin;
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
        if (r.resourceType() != ConfigResources.TOPIC) {
            return resp.setErrorCode(ErrorCode.INVALID_REQUEST.code).setErrorMessage("only topic configs can be altered");
        }
        Optional<TopicInfo> topic = metadata.topic(r.resourceName());
        if (topic.isEmpty()) {
            return resp.setErrorCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code);
        }
        Map<String, String> next = new LinkedHashMap<>(topic.get().configs());
        for (IncrementalAlterConfigsRequest.AlterableConfig c : r.configs()) {
            switch (c.configOperation()) {
                case 0 -> {
                    if (c.value() == null) {
                        return resp.setErrorCode(ErrorCode.INVALID_REQUEST.code)
                                .setErrorMessage("Null value not supported for: " + c.name());
                    }
                    next.put(c.name(), c.value());
                }
                case 1 -> next.remove(c.name());
                case 2, 3 -> {
                    List<String> items = new ArrayList<>(next.containsKey(c.name()) && !next.get(c.name()).isEmpty()
                            ? Arrays.asList(next.get(c.name()).split(",")) : List.of());
                    List<String> changes = c.value() == null ? List.of() : Arrays.asList(c.value().split(","));
                    if (c.configOperation() == 2) {
                        changes.stream().filter(x -> !items.contains(x)).forEach(items::add);
                    } else {
                        items.removeAll(changes);
                    }
                    next.put(c.name(), String.join(",", items));
                }
                default -> {
                    return resp.setErrorCode(ErrorCode.INVALID_REQUEST.code)
                            .setErrorMessage("unknown config operation " + c.configOperation());
                }
            }
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
}
