package dev.wharf.server.share;

import dev.wharf.controller.TopicInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.api.ApiHandler;
import dev.wharf.server.api.RequestContext;
import dev.wharf.server.group.ShareOffsetsAdmin;
import dev.wharf.server.group.ShareStateRecord;
import dev.wharf.server.replica.Partition;
import dev.wharf.server.replica.ReplicaManager;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.AlterShareGroupOffsetsRequest;
import dev.wharf.wire.message.AlterShareGroupOffsetsResponse;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.DeleteShareGroupOffsetsRequest;
import dev.wharf.wire.message.DeleteShareGroupOffsetsResponse;
import dev.wharf.wire.message.DescribeShareGroupOffsetsRequest;
import dev.wharf.wire.message.DescribeShareGroupOffsetsResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The share-group offset APIs (KIP-932) that kafka-share-groups and Admin use: Describe (v1 adds
 * Lag, known where this broker has a replica of the partition), Alter and Delete ShareGroupOffsets, all on the group's coordinator,
 * answered from and written to the stored share-partition states ({@link ShareOffsetsAdmin}).
 * Topics are named by name and answered with their ids. All run on the io pool.
 */
final class ShareGroupOffsetsHandlers {
    private ShareGroupOffsetsHandlers() {}

    static final class Describe implements ApiHandler {
        private final Authorization authz;
        private final ShareOffsetsAdmin admin;
        private final ZkMetadataStore metadata;
        private final ReplicaManager replicas;

        Describe(Authorization authz, ShareOffsetsAdmin admin, ZkMetadataStore metadata, ReplicaManager replicas) {
            this.authz = authz;
            this.admin = admin;
            this.metadata = metadata;
            this.replicas = replicas;
        }

        /**
         * Records not yet done with: from the start offset to the high watermark, less those already
         * acknowledged or archived past the start (KIP-1226); -1 when this broker has no replica to
         * know the high watermark from, or no state is stored.
         */
        private long lag(String topic, int partition, ShareStateRecord s) {
            if (s == null) {
                return -1;
            }
            Optional<Partition> p = replicas.hosted(new TopicPartition(topic, partition));
            if (p.isEmpty()) {
                return -1;
            }
            long hw = p.get().highWatermark();
            long done = 0;
            for (ShareStateRecord.Batch b : s.batches()) {
                if (b.state() == 2 || b.state() == 4) {
                    long from = Math.max(b.first(), s.startOffset());
                    long to = Math.min(b.last(), hw - 1);
                    done += Math.max(0, to - from + 1);
                }
            }
            return Math.max(0, hw - s.startOffset() - done);
        }

        @Override
        public ApiKey api() {
            return ApiKey.DESCRIBE_SHARE_GROUP_OFFSETS;
        }

        @Override
        public ApiMessage respond(RequestContext context) {
            DescribeShareGroupOffsetsRequest req = (DescribeShareGroupOffsetsRequest) context.body();
            List<DescribeShareGroupOffsetsResponse.DescribeShareGroupOffsetsResponseGroup> groups = new ArrayList<>();
            for (DescribeShareGroupOffsetsRequest.DescribeShareGroupOffsetsRequestGroup g : req.groups()) {
                var out = new DescribeShareGroupOffsetsResponse.DescribeShareGroupOffsetsResponseGroup().setGroupId(g.groupId());
                groups.add(out);
                if (!authz.allowed(context, AclOperation.DESCRIBE, ResourceType.GROUP, g.groupId())) {
                    out.setErrorCode(ErrorCode.GROUP_AUTHORIZATION_FAILED.code);
                    continue;
                }
                ShareOffsetsAdmin.Offsets offsets = admin.describe(g.groupId());
                if (offsets.error() != ErrorCode.NONE) {
                    out.setErrorCode(offsets.error().code);
                    continue;
                }
                // topic name → partitions to show: those asked for, or every one with a stored state
                Map<String, List<Integer>> wanted = new TreeMap<>();
                if (g.topics() == null) {
                    offsets.states().forEach((id, parts) -> metadata.topic(id).ifPresent(
                            t -> wanted.put(t.name(), new ArrayList<>(new TreeMap<>(parts).keySet()))));
                } else {
                    g.topics().forEach(t -> wanted.put(t.topicName(), t.partitions()));
                }
                List<DescribeShareGroupOffsetsResponse.DescribeShareGroupOffsetsResponseTopic> topics = new ArrayList<>();
                wanted.forEach((name, partitions) -> {
                    Optional<TopicInfo> topic = metadata.topic(name);
                    if (topic.isEmpty() || !authz.allowed(context, AclOperation.DESCRIBE, ResourceType.TOPIC, name)) {
                        return; // as Kafka: topics that are not there (or not visible) are left out
                    }
                    Map<Integer, ShareStateRecord> stored = offsets.states().getOrDefault(topic.get().id(), Map.of());
                    List<DescribeShareGroupOffsetsResponse.DescribeShareGroupOffsetsResponsePartition> parts = new ArrayList<>();
                    for (int p : partitions) {
                        ShareStateRecord s = stored.get(p);
                        parts.add(new DescribeShareGroupOffsetsResponse.DescribeShareGroupOffsetsResponsePartition()
                                .setPartitionIndex(p).setStartOffset(s == null ? -1 : s.startOffset())
                                .setLeaderEpoch(s == null ? -1 : s.leaderEpoch()).setLag(lag(name, p, s)));
                    }
                    topics.add(new DescribeShareGroupOffsetsResponse.DescribeShareGroupOffsetsResponseTopic()
                            .setTopicName(name).setTopicId(topic.get().id()).setPartitions(parts));
                });
                out.setTopics(topics);
            }
            return new DescribeShareGroupOffsetsResponse().setGroups(groups);
        }
    }

    static final class Alter implements ApiHandler {
        private final Authorization authz;
        private final ShareOffsetsAdmin admin;
        private final ZkMetadataStore metadata;

        Alter(Authorization authz, ShareOffsetsAdmin admin, ZkMetadataStore metadata) {
            this.authz = authz;
            this.admin = admin;
            this.metadata = metadata;
        }

        @Override
        public ApiKey api() {
            return ApiKey.ALTER_SHARE_GROUP_OFFSETS;
        }

        @Override
        public CompletableFuture<ApiMessage> handle(RequestContext context) {
            AlterShareGroupOffsetsRequest req = (AlterShareGroupOffsetsRequest) context.body();
            if (!authz.allowed(context, AclOperation.READ, ResourceType.GROUP, req.groupId())) {
                return CompletableFuture.completedFuture(new AlterShareGroupOffsetsResponse()
                        .setErrorCode(ErrorCode.GROUP_AUTHORIZATION_FAILED.code));
            }
            Map<UUID, Map<Integer, Long>> offsets = new HashMap<>();
            List<AlterShareGroupOffsetsResponse.AlterShareGroupOffsetsResponseTopic> topics = new ArrayList<>();
            List<AlterShareGroupOffsetsResponse.AlterShareGroupOffsetsResponsePartition> toWrite = new ArrayList<>();
            for (AlterShareGroupOffsetsRequest.AlterShareGroupOffsetsRequestTopic t : req.topics()) {
                Optional<TopicInfo> topic = metadata.topic(t.topicName());
                ErrorCode topicError = topic.isEmpty() ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
                        : authz.allowed(context, AclOperation.READ, ResourceType.TOPIC, t.topicName()) ? ErrorCode.NONE
                        : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
                List<AlterShareGroupOffsetsResponse.AlterShareGroupOffsetsResponsePartition> parts = new ArrayList<>();
                for (AlterShareGroupOffsetsRequest.AlterShareGroupOffsetsRequestPartition p : t.partitions()) {
                    var r = new AlterShareGroupOffsetsResponse.AlterShareGroupOffsetsResponsePartition()
                            .setPartitionIndex(p.partitionIndex());
                    parts.add(r);
                    ErrorCode e = topicError;
                    if (e == ErrorCode.NONE && (p.partitionIndex() < 0
                            || p.partitionIndex() >= topic.get().partitions().size())) {
                        e = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
                    } else if (e == ErrorCode.NONE && p.startOffset() < 0) {
                        e = ErrorCode.INVALID_REQUEST;
                    }
                    if (e != ErrorCode.NONE) {
                        r.setErrorCode(e.code);
                    } else {
                        offsets.computeIfAbsent(topic.get().id(), k -> new HashMap<>()).put(p.partitionIndex(), p.startOffset());
                        toWrite.add(r);
                    }
                }
                topics.add(new AlterShareGroupOffsetsResponse.AlterShareGroupOffsetsResponseTopic().setTopicName(t.topicName())
                        .setTopicId(topic.map(TopicInfo::id).orElse(new UUID(0, 0))).setPartitions(parts));
            }
            CompletableFuture<ErrorCode> write = offsets.isEmpty() ? CompletableFuture.completedFuture(ErrorCode.NONE)
                    : admin.alter(req.groupId(), offsets);
            return write.thenApply(error -> {
                AlterShareGroupOffsetsResponse resp = new AlterShareGroupOffsetsResponse().setResponses(topics);
                if (error == ErrorCode.NOT_COORDINATOR || error == ErrorCode.NON_EMPTY_GROUP
                        || error == ErrorCode.GROUP_ID_NOT_FOUND) {
                    return resp.setErrorCode(error.code).setResponses(new ArrayList<>());
                }
                toWrite.forEach(r -> r.setErrorCode(error.code));
                return resp;
            });
        }
    }

    static final class Delete implements ApiHandler {
        private final Authorization authz;
        private final ShareOffsetsAdmin admin;
        private final ZkMetadataStore metadata;

        Delete(Authorization authz, ShareOffsetsAdmin admin, ZkMetadataStore metadata) {
            this.authz = authz;
            this.admin = admin;
            this.metadata = metadata;
        }

        @Override
        public ApiKey api() {
            return ApiKey.DELETE_SHARE_GROUP_OFFSETS;
        }

        @Override
        public CompletableFuture<ApiMessage> handle(RequestContext context) {
            DeleteShareGroupOffsetsRequest req = (DeleteShareGroupOffsetsRequest) context.body();
            if (!authz.allowed(context, AclOperation.DELETE, ResourceType.GROUP, req.groupId())) {
                return CompletableFuture.completedFuture(new DeleteShareGroupOffsetsResponse()
                        .setErrorCode(ErrorCode.GROUP_AUTHORIZATION_FAILED.code));
            }
            Set<UUID> ids = new HashSet<>();
            List<DeleteShareGroupOffsetsResponse.DeleteShareGroupOffsetsResponseTopic> topics = new ArrayList<>();
            List<DeleteShareGroupOffsetsResponse.DeleteShareGroupOffsetsResponseTopic> toWrite = new ArrayList<>();
            for (DeleteShareGroupOffsetsRequest.DeleteShareGroupOffsetsRequestTopic t : req.topics()) {
                Optional<TopicInfo> topic = metadata.topic(t.topicName());
                var r = new DeleteShareGroupOffsetsResponse.DeleteShareGroupOffsetsResponseTopic()
                        .setTopicName(t.topicName()).setTopicId(topic.map(TopicInfo::id).orElse(new UUID(0, 0)));
                topics.add(r);
                if (topic.isEmpty()) {
                    r.setErrorCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code);
                } else if (!authz.allowed(context, AclOperation.READ, ResourceType.TOPIC, t.topicName())) {
                    r.setErrorCode(ErrorCode.TOPIC_AUTHORIZATION_FAILED.code);
                } else {
                    ids.add(topic.get().id());
                    toWrite.add(r);
                }
            }
            CompletableFuture<ErrorCode> write = ids.isEmpty() ? CompletableFuture.completedFuture(ErrorCode.NONE)
                    : admin.delete(req.groupId(), ids);
            return write.thenApply(error -> {
                DeleteShareGroupOffsetsResponse resp = new DeleteShareGroupOffsetsResponse().setResponses(topics);
                if (error == ErrorCode.NOT_COORDINATOR || error == ErrorCode.NON_EMPTY_GROUP
                        || error == ErrorCode.GROUP_ID_NOT_FOUND) {
                    return resp.setErrorCode(error.code).setResponses(new ArrayList<>());
                }
                toWrite.forEach(r -> r.setErrorCode(error.code));
                return resp;
            });
        }
    }
}
