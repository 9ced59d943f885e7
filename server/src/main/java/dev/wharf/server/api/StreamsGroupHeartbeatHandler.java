package dev.wharf.server.api;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.TopicNames;
import dev.wharf.server.group.StreamsCoordinator;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.StreamsGroupHeartbeatRequest;
import dev.wharf.wire.message.StreamsGroupHeartbeatResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * StreamsGroupHeartbeat (KIP-1071): a Kafka Streams member joins, stays in or leaves its streams
 * group, registers the topology, reports the tasks it owns and gets its assignment.
 *
 * <p>Authorization as Kafka 4.4.0's broker does it: READ on the group (GROUP_AUTHORIZATION_FAILED);
 * for a heartbeat carrying a topology, Kafka-internal or invalid topic names in it are
 * STREAMS_INVALID_TOPOLOGY, and DESCRIBE on every topic it names (sources, repartition and
 * changelog topics) is needed (TOPIC_AUTHORIZATION_FAILED); creating missing internal topics needs
 * CREATE on the cluster or on each topic (else a MISSING_INTERNAL_TOPICS status names them).
 *
 * <p>v0: the first version. v1: AcceptableRecoveryLag (int64) and TopologyDescriptionRequired in
 * the response (Wharf stores no topology description, so never asks for one).
 *
 * <p>Threads: io threads; stateless apart from its collaborators.
 */
public final class StreamsGroupHeartbeatHandler implements ApiHandler {
    private final Authorization authz;
    private final StreamsCoordinator coordinator;

    public StreamsGroupHeartbeatHandler(Authorization authz, StreamsCoordinator coordinator) {
        this.authz = authz;
        this.coordinator = coordinator;
    }

    @Override
    public ApiKey api() {
        return ApiKey.STREAMS_GROUP_HEARTBEAT;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        StreamsGroupHeartbeatRequest req = (StreamsGroupHeartbeatRequest) context.body();
        if (!authz.allowed(context, AclOperation.READ, ResourceType.GROUP, req.groupId())) {
            return CompletableFuture.completedFuture(new StreamsGroupHeartbeatResponse()
                    .setErrorCode(ErrorCode.GROUP_AUTHORIZATION_FAILED.code));
        }
        if (req.topology() != null) {
            StreamsGroupHeartbeatResponse refused = checkTopics(context, topics(req.topology()));
            if (refused != null) {
                return CompletableFuture.completedFuture(refused);
            }
        }
        Predicate<String> mayCreate = authz.allowedOnCluster(context, AclOperation.CREATE) ? topic -> true
                : topic -> authz.allowed(context, AclOperation.CREATE, ResourceType.TOPIC, topic);
        short version = context.version();
        return coordinator.heartbeat(req, context.clientId(), context.connection().clientHost(), mayCreate).thenApply(r -> {
            if (version >= 1) {
                r.setAcceptableRecoveryLagLegacy(0); // v0's int32 field; v1 has the int64 one
            }
            return (ApiMessage) r;
        });
    }

    /** The answer for a topology naming topics it may not (in Kafka's words), or null when it may. */
    private StreamsGroupHeartbeatResponse checkTopics(RequestContext context, Set<String> topics) {
        List<String> internal = topics.stream().filter(TopicNames::isInternal).toList();
        if (!internal.isEmpty()) {
            return new StreamsGroupHeartbeatResponse().setErrorCode(ErrorCode.STREAMS_INVALID_TOPOLOGY.code)
                    .setErrorMessage(ErrorCode.clipped("Use of Kafka internal topics " + String.join(",", internal)
                            + " in a Kafka Streams topology is prohibited."));
        }
        List<String> invalid = topics.stream().filter(t -> !TopicNames.isValid(t)).toList();
        if (!invalid.isEmpty()) {
            return new StreamsGroupHeartbeatResponse().setErrorCode(ErrorCode.STREAMS_INVALID_TOPOLOGY.code)
                    .setErrorMessage(ErrorCode.clipped("Topic names " + String.join(",", invalid)
                            + " are not valid topic names."));
        }
        if (authz.filter(context, AclOperation.DESCRIBE, ResourceType.TOPIC, topics, t -> t).size() < topics.size()) {
            return new StreamsGroupHeartbeatResponse().setErrorCode(ErrorCode.TOPIC_AUTHORIZATION_FAILED.code);
        }
        return null;
    }

    /** Every topic the topology names, in order, once (not the source patterns). */
    private static Set<String> topics(StreamsGroupHeartbeatRequest.Topology t) {
        Set<String> out = new LinkedHashSet<>();
        for (StreamsGroupHeartbeatRequest.Subtopology s : orEmpty(t.subtopologies())) {
            out.addAll(orEmpty(s.sourceTopics()));
            out.addAll(orEmpty(s.repartitionSinkTopics()));
            orEmpty(s.repartitionSourceTopics()).forEach(i -> out.add(i.name()));
            orEmpty(s.stateChangelogTopics()).forEach(i -> out.add(i.name()));
        }
        out.remove(null); // a malformed request: StreamsRequestChecks answers it
        return out;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
