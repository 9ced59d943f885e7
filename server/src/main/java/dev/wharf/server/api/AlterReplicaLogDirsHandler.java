package dev.wharf.server.api;

import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.replica.LogDirMoves;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.AlterReplicaLogDirsRequest;
import dev.wharf.wire.message.AlterReplicaLogDirsResponse;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AlterReplicaLogDirs: moves this broker's replicas between its log dirs (see {@link LogDirMoves}
 * for the move and its answers); the move runs in the background, and DescribeLogDirs shows it
 * done when the replica is no longer a future one. A topic this cluster does not have is
 * UNKNOWN_TOPIC_OR_PARTITION.
 *
 * <p>v1: same as v0 (v0 is no longer in the spec). v2: flexible.
 */
public final class AlterReplicaLogDirsHandler implements ApiHandler {
    private final Authorization authz;
    private final ZkMetadataStore metadata;
    private final LogDirMoves moves;

    public AlterReplicaLogDirsHandler(Authorization authz, ZkMetadataStore metadata, LogDirMoves moves) {
        this.authz = authz;
        this.metadata = metadata;
        this.moves = moves;
    }

    @Override
    public ApiKey api() {
        return ApiKey.ALTER_REPLICA_LOG_DIRS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        AlterReplicaLogDirsRequest req = (AlterReplicaLogDirsRequest) context.body();
        Map<String, List<AlterReplicaLogDirsResponse.AlterReplicaLogDirPartitionResult>> byTopic = new LinkedHashMap<>();
        boolean allowed = authz.allowedOnCluster(context, AclOperation.ALTER);
        for (AlterReplicaLogDirsRequest.AlterReplicaLogDir dir : req.dirs()) {
            // as Kafka: a path that is no log dir fails each of its partitions first, known or not
            boolean logDir = moves.logDir(dir.path()).isPresent();
            for (AlterReplicaLogDirsRequest.AlterReplicaLogDirTopic t : dir.topics()) {
                // looked up once: a topic deleted meanwhile must not vanish between a check and its use
                int partitions = metadata.topic(t.name()).map(topic -> topic.partitions().size()).orElse(0);
                for (int partition : t.partitions()) {
                    ErrorCode error = !allowed ? ErrorCode.CLUSTER_AUTHORIZATION_FAILED
                            : !logDir ? ErrorCode.LOG_DIR_NOT_FOUND : partition >= 0 && partition < partitions
                            ? moves.alter(new TopicPartition(t.name(), partition), dir.path())
                            : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
                    byTopic.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(
                            new AlterReplicaLogDirsResponse.AlterReplicaLogDirPartitionResult().setPartitionIndex(partition)
                                    .setErrorCode(error.code));
                }
            }
        }
        List<AlterReplicaLogDirsResponse.AlterReplicaLogDirTopicResult> results = new ArrayList<>();
        byTopic.forEach((name, ps) -> results.add(new AlterReplicaLogDirsResponse.AlterReplicaLogDirTopicResult()
                .setTopicName(name).setPartitions(ps)));
        return new AlterReplicaLogDirsResponse().setResults(results);
    }
}
