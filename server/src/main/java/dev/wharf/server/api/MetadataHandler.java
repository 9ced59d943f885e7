package dev.wharf.server.api;

import dev.wharf.controller.BrokerInfo;
import dev.wharf.controller.TopicInfo;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.BrokerConfig;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.TopicAdmin;
import dev.wharf.server.TopicNames;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.MetadataRequest;
import dev.wharf.wire.message.MetadataResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Metadata: brokers, cluster id, controller, and the requested topics (all of them for a null
 * list, or an empty one before v1) with partitions, leaders, leader epochs, replicas and ISRs.
 * Unknown topics are created when both the request and {@code auto.create.topics.enable} allow it,
 * with {@code num.partitions} and {@code default.replication.factor}, placed by rack only when every
 * live broker has one ({@link AutoTopicCreation}).
 *
 * <p>v1: controller id, rack, internal flag, null means all topics. v2: cluster id. v4:
 * allowAutoTopicCreation. v5: offline replicas. v7: leader epoch. v8: authorized operations.
 * v9: flexible. v10: topic ids. v12: lookup by topic id. v13: top-level error code.
 *
 * <p>Authorization: only topics the principal may DESCRIBE are listed; one asked for by name
 * without it gets TOPIC_AUTHORIZATION_FAILED, as does creating one without CREATE on the cluster
 * or the topic. The authorized-operations bitfields are filled when asked for.
 */
public final class MetadataHandler implements ApiHandler {
    private final Authorization authz;
    private final ZkMetadataStore metadata;
    private final AutoTopicCreation autoCreation;

    public MetadataHandler(Authorization authz, BrokerConfig config, ZkMetadataStore metadata, TopicAdmin admin) {
        this.authz = authz;
        this.metadata = metadata;
        this.autoCreation = new AutoTopicCreation(config, metadata, admin);
    }

    @Override
    public ApiKey api() {
        return ApiKey.METADATA;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        // ZooKeeper reads and topic creation block: never on the event loop
        return respond(context, (MetadataRequest) context.body(), context.version(), context.connection().listenerName());
    }

    private ApiMessage respond(RequestContext context, MetadataRequest req, short version, String listenerName) {
        MetadataResponse resp = new MetadataResponse();
        List<MetadataResponse.MetadataResponseBroker> brokers = new ArrayList<>();
        try {
            // each broker as reached through the listener this request came in on (Kafka leaves out brokers without it)
            for (BrokerInfo b : metadata.liveBrokers()) {
                b.endpoint(listenerName).ifPresent(e -> brokers.add(new MetadataResponse.MetadataResponseBroker()
                        .setNodeId(b.id()).setHost(e.host()).setPort(e.port()).setRack(b.rack().orElse(null))));
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot list brokers", e);
        }
        resp.setBrokers(brokers).setClusterId(metadata.clusterId())
                .setControllerId(metadata.controllerId());
        List<MetadataResponse.MetadataResponseTopic> topics = new ArrayList<>();
        boolean all = req.topics() == null || (version == 0 && req.topics().isEmpty());
        if (all) {
            for (TopicInfo t : metadata.topics().values()) {
                if (authz.allowed(context, AclOperation.DESCRIBE, ResourceType.TOPIC, t.name())) {
                    topics.add(describe(t));
                }
            }
        } else {
            boolean autoCreate = autoCreation.allowed(req.allowAutoTopicCreation());
            if (version < 12 && req.topics().stream().anyMatch(t -> t.name() == null || isId(t.topicId()))) {
                // v10 and v11 carry topic ids but look up by name only: as Kafka, the request is invalid,
                // each topic answered INVALID_REQUEST (a null name as "", all these versions can carry)
                return new MetadataResponse().setTopics(req.topics().stream().map(t -> new MetadataResponse
                        .MetadataResponseTopic().setName(t.name() == null ? "" : t.name()).setTopicId(t.topicId())
                        .setErrorCode(ErrorCode.INVALID_REQUEST.code)).toList());
            }
            for (MetadataRequest.MetadataRequestTopic requested : req.topics()) {
                topics.add(lookup(context, requested, autoCreate));
            }
        }
        if (version >= 8 && req.includeTopicAuthorizedOperations()) {
            topics.stream().filter(t -> t.errorCode() == ErrorCode.NONE.code).forEach(t -> t.setTopicAuthorizedOperations(
                    authz.authorizedOperations(context, ResourceType.TOPIC, t.name())));
        }
        if (version >= 8 && version <= 10 && req.includeClusterAuthorizedOperations()) {
            resp.setClusterAuthorizedOperations(
                    authz.authorizedOperations(context, ResourceType.CLUSTER, ResourceType.CLUSTER_NAME));
        }
        return resp.setTopics(topics);
    }

    /** A topic id that names a topic (not null, not the all-zero default). */
    private static boolean isId(UUID id) {
        return id != null && (id.getMostSignificantBits() != 0 || id.getLeastSignificantBits() != 0);
    }

    private MetadataResponse.MetadataResponseTopic lookup(RequestContext context,
            MetadataRequest.MetadataRequestTopic requested, boolean autoCreate) {
        String name = requested.name();
        UUID id = requested.topicId();
        // by id (v10+): kafka-clients leaves the name at its default "" beside the id (the KIP-848 consumer
        // resolves the topic ids of its assignment so); as Kafka, a non-zero id wins
        if (name == null || (name.isEmpty() && isId(id))) {
            Optional<TopicInfo> byId = metadata.topic(id)
                    .filter(t -> authz.allowed(context, AclOperation.DESCRIBE, ResourceType.TOPIC, t.name()));
            return byId.map(this::describe).orElseGet(() -> new MetadataResponse.MetadataResponseTopic()
                    .setName(null).setTopicId(id).setErrorCode(ErrorCode.UNKNOWN_TOPIC_ID.code));
        }
        if (!TopicNames.isValid(name)) {
            return error(name, ErrorCode.INVALID_TOPIC_EXCEPTION);
        }
        if (!authz.allowed(context, AclOperation.DESCRIBE, ResourceType.TOPIC, name)) {
            return error(name, ErrorCode.TOPIC_AUTHORIZATION_FAILED); // whether it exists or not
        }
        Optional<TopicInfo> existing = metadata.topic(name);
        if (existing.isPresent()) {
            return describe(existing.get());
        }
        if (autoCreate && !authz.allowedOnCluster(context, AclOperation.CREATE)
                && !authz.allowed(context, AclOperation.CREATE, ResourceType.TOPIC, name)) {
            return error(name, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
        }
        AutoTopicCreation.Outcome created = autoCreation.create(name, autoCreate);
        return created.topic() != null ? describe(created.topic()) : error(name, created.error());
    }

    private static MetadataResponse.MetadataResponseTopic error(String name, ErrorCode error) {
        return new MetadataResponse.MetadataResponseTopic().setName(name).setErrorCode(error.code);
    }

    private MetadataResponse.MetadataResponseTopic describe(TopicInfo t) {
        List<MetadataResponse.MetadataResponsePartition> ps = new ArrayList<>();
        for (TopicInfo.PartitionInfo p : t.partitions()) {
            ps.add(new MetadataResponse.MetadataResponsePartition().setPartitionIndex(p.partition())
                    .setLeaderId(p.leader()).setLeaderEpoch(p.leaderEpoch()).setReplicaNodes(p.replicas())
                    .setIsrNodes(p.isr()).setOfflineReplicas(metadata.offlineReplicas(t.name(), p))
                    .setErrorCode(p.leader() < 0 ? ErrorCode.LEADER_NOT_AVAILABLE.code : ErrorCode.NONE.code));
        }
        return new MetadataResponse.MetadataResponseTopic().setName(t.name()).setTopicId(t.id())
                .setIsInternal(TopicNames.isInternal(t.name())).setPartitions(ps);
    }
}
