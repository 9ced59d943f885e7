package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.TopicNames;
import dev.wharf.server.DynamicBrokerConfig;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.DescribeConfigsRequest;
import dev.wharf.wire.message.DescribeConfigsResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * DescribeConfigs for topics (every topic config, overrides marked as such), this broker (named by
 * its id) and the cluster-wide dynamic defaults (an empty broker name, what
 * {@code kafka-configs --entity-type brokers --entity-default --describe} sends). Synonyms (the
 * value chain, strongest first) go out when the request asks for them. Another broker's configs
 * are that broker's to describe: INVALID_REQUEST, as Kafka answers.
 *
 * <p>v1: config sources, synonyms. v2: no change. v3: config types, documentation. v4: flexible.
 */
public final class DescribeConfigsHandler implements ApiHandler {
    private final Authorization authz;
    private final DynamicBrokerConfig config;
    private final ZkMetadataStore metadata;

    public DescribeConfigsHandler(Authorization authz, DynamicBrokerConfig config, ZkMetadataStore metadata) {
        this.authz = authz;
        this.config = config;
        this.metadata = metadata;
    }

    @Override
    public ApiKey api() {
        return ApiKey.DESCRIBE_CONFIGS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        DescribeConfigsRequest req = (DescribeConfigsRequest) context.body();
        List<DescribeConfigsResponse.DescribeConfigsResult> results = new ArrayList<>();
        for (DescribeConfigsRequest.DescribeConfigsResource r : req.resources()) {
            ErrorCode denied = ConfigAccess.check(authz, context, r.resourceType(), r.resourceName(), false);
            results.add(denied == ErrorCode.NONE ? describe(r, req.includeSynonyms())
                    : new DescribeConfigsResponse.DescribeConfigsResult().setResourceType(r.resourceType())
                            .setResourceName(r.resourceName()).setErrorCode(denied.code));
        }
        return new DescribeConfigsResponse().setResults(results);
    }

    private DescribeConfigsResponse.DescribeConfigsResult describe(DescribeConfigsRequest.DescribeConfigsResource r,
            boolean includeSynonyms) {
        DescribeConfigsResponse.DescribeConfigsResult result = new DescribeConfigsResponse.DescribeConfigsResult()
                .setResourceType(r.resourceType()).setResourceName(r.resourceName());
        List<ConfigResources.Entry> entries;
        if (r.resourceType() == ConfigResources.TOPIC && !TopicNames.isValid(r.resourceName())) {
            return result.setErrorCode(ErrorCode.INVALID_TOPIC_EXCEPTION.code) // as Kafka: checked before it is looked up
                    .setErrorMessage(ErrorCode.clipped(TopicNames.invalidity(r.resourceName())));
        } else if (r.resourceType() == ConfigResources.TOPIC) {
            Optional<TopicInfo> topic = metadata.topic(r.resourceName());
            if (topic.isEmpty()) {
                return result.setErrorCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code)
                        .setErrorMessage(ErrorCode.clipped("Topic " + r.resourceName() + " does not exist"));
            }
            entries = ConfigResources.topic(topic.get(), config);
        } else if (r.resourceType() == ConfigResources.BROKER
                && (r.resourceName().isEmpty() || r.resourceName().equals(config.entity()))) {
            entries = ConfigResources.broker(config, r.resourceName());
        } else if (r.resourceType() == GroupConfigResources.GROUP) {
            entries = GroupConfigResources.describe(metadata, config.current(), r.resourceName());
        } else if (r.resourceType() == ConfigResources.BROKER) {
            return result.setErrorCode(ErrorCode.INVALID_REQUEST.code).setErrorMessage(ErrorCode.clipped("Unexpected broker id, "
                    + "expected " + config.entity() + " or empty string, but received " + r.resourceName()));
        } else {
            return result.setErrorCode(ErrorCode.INVALID_REQUEST.code).setErrorMessage(ErrorCode.clipped("unsupported resource "
                    + r.resourceType() + "/" + r.resourceName()));
        }
        List<DescribeConfigsResponse.DescribeConfigsResourceResult> configs = new ArrayList<>();
        for (ConfigResources.Entry e : entries) {
            if (r.configurationKeys() == null || r.configurationKeys().contains(e.name())) {
                List<DescribeConfigsResponse.DescribeConfigsSynonym> synonyms = new ArrayList<>();
                if (includeSynonyms) {
                    e.synonyms().forEach(s -> synonyms.add(new DescribeConfigsResponse.DescribeConfigsSynonym()
                            .setName(s.name()).setValue(s.value()).setSource(s.source().id)));
                }
                configs.add(new DescribeConfigsResponse.DescribeConfigsResourceResult().setName(e.name())
                        .setValue(e.value()).setReadOnly(e.readOnly()).setConfigSource(e.source().id).setIsSensitive(false)
                        .setSynonyms(synonyms));
            }
        }
        return result.setErrorCode(ErrorCode.NONE.code).setConfigs(configs);
    }
}
