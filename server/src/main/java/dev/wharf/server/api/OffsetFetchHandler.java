package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.server.ErrorCode;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.group.CommittedOffset;
import dev.wharf.server.group.GroupOffsets;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.OffsetFetchRequest;
import dev.wharf.wire.message.OffsetFetchResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * OffsetFetch: committed offsets with their metadata strings; -1 where nothing is committed. A
 * null topic list asks for every partition the group has an offset for. There are no pending
 * transactional offsets, so {@code require_stable} never has to wait.
 *
 * <p>v2: all topics, top-level error. v5: leader epoch. v6: flexible. v7: require stable.
 * v8: several groups per request. v9: member id and epoch (KIP-848 groups only). v10: topic ids.
 *
 * <p>Authorization (as Kafka's docs list it): DESCRIBE on the group (else GROUP_AUTHORIZATION_FAILED)
 * and on each topic (else TOPIC_AUTHORIZATION_FAILED, or left out when all topics were asked for).
 */
public final class OffsetFetchHandler implements ApiHandler {
    private final Authorization authz;
    private final GroupOffsets groupOffsets;
    private final ZkMetadataStore metadata;

    public OffsetFetchHandler(Authorization authz, GroupOffsets offsets, ZkMetadataStore metadata) {
        this.authz = authz;
        this.groupOffsets = offsets;
        this.metadata = metadata;
    }

    @Override
    public ApiKey api() {
        return ApiKey.OFFSET_FETCH;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        OffsetFetchRequest req = (OffsetFetchRequest) context.body();
        short version = context.version();
        if (version < 8) {
            if (!authz.allowed(context, AclOperation.DESCRIBE, ResourceType.GROUP, req.groupId())) {
                return groupDenied(req, version);
            }
            Map<String, List<Integer>> requested = null;
            if (req.topics() != null) {
                requested = new LinkedHashMap<>();
                for (OffsetFetchRequest.OffsetFetchRequestTopic t : req.topics()) {
                    requested.computeIfAbsent(t.name(), k -> new ArrayList<>()).addAll(t.partitionIndexes());
                }
            }
            GroupOffsets.FetchedGroup g = readable(context, groupOffsets.fetchRequested(req.groupId(), requested),
                    requested == null);
            List<OffsetFetchResponse.OffsetFetchResponseTopic> topics = new ArrayList<>();
            g.topics().forEach((name, ps) -> topics.add(new OffsetFetchResponse.OffsetFetchResponseTopic().setName(name)
                    .setPartitions(ps.stream().map(p -> new OffsetFetchResponse.OffsetFetchResponsePartition()
                            .setPartitionIndex(p.partition()).setCommittedOffset(p.offset().offset())
                            .setCommittedLeaderEpoch(p.offset().leaderEpoch()).setMetadata(p.offset().metadata())
                            .setErrorCode(version < 2 && g.error() != ErrorCode.NONE ? g.error().code
                                    : denied(context, name) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED.code
                                    : stable(req.requireStable(), req.groupId(), name, p.partition()))).toList())));
            return new OffsetFetchResponse().setErrorCode(version >= 2 ? g.error().code : 0).setTopics(topics);
        }
        List<OffsetFetchResponse.OffsetFetchResponseGroup> groups = new ArrayList<>();
        for (OffsetFetchRequest.OffsetFetchRequestGroup rg : req.groups()) {
            if (!authz.allowed(context, AclOperation.DESCRIBE, ResourceType.GROUP, rg.groupId())) {
                groups.add(new OffsetFetchResponse.OffsetFetchResponseGroup().setGroupId(rg.groupId())
                        .setErrorCode(ErrorCode.GROUP_AUTHORIZATION_FAILED.code).setTopics(List.of()));
                continue;
            }
            Map<String, List<Integer>> requested = null;
            Map<String, UUID> ids = new LinkedHashMap<>();
            if (rg.topics() != null) {
                requested = new LinkedHashMap<>();
                for (OffsetFetchRequest.OffsetFetchRequestTopics t : rg.topics()) {
                    String name = version >= 10 ? metadata.topic(t.topicId()).map(TopicInfo::name).orElse("") : t.name();
                    if (!name.isEmpty()) {
                        requested.computeIfAbsent(name, k -> new ArrayList<>()).addAll(t.partitionIndexes());
                        ids.put(name, t.topicId());
                    }
                }
            }
            GroupOffsets.FetchedGroup g = readable(context, version >= 9
                    ? groupOffsets.fetchRequested(rg.groupId(), requested, rg.memberId(), rg.memberEpoch())
                    : groupOffsets.fetchRequested(rg.groupId(), requested), requested == null);
            List<OffsetFetchResponse.OffsetFetchResponseTopics> topics = new ArrayList<>();
            g.topics().forEach((name, ps) -> {
                OffsetFetchResponse.OffsetFetchResponseTopics t = new OffsetFetchResponse.OffsetFetchResponseTopics()
                        .setPartitions(ps.stream().map(p -> new OffsetFetchResponse.OffsetFetchResponsePartitions()
                                .setPartitionIndex(p.partition()).setCommittedOffset(p.offset().offset())
                                .setCommittedLeaderEpoch(p.offset().leaderEpoch()).setMetadata(p.offset().metadata())
                                .setErrorCode(denied(context, name) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED.code
                                        : stable(req.requireStable(), rg.groupId(), name, p.partition()))).toList());
                if (version >= 10) {
                    UUID id = ids.getOrDefault(name, metadata.topic(name).map(TopicInfo::id).orElse(null));
                    if (id != null) {
                        topics.add(t.setTopicId(id));
                    }
                } else {
                    topics.add(t.setName(name));
                }
            });
            groups.add(new OffsetFetchResponse.OffsetFetchResponseGroup().setGroupId(rg.groupId())
                    .setErrorCode(g.error().code).setTopics(topics));
        }
        return new OffsetFetchResponse().setGroups(groups);
    }

    private boolean denied(RequestContext context, String topic) {
        return !authz.allowed(context, AclOperation.DESCRIBE, ResourceType.TOPIC, topic);
    }

    /**
     * The group's offsets the principal may see: of every topic asked for by name (those it may not
     * READ are answered TOPIC_AUTHORIZATION_FAILED), or only of topics it may READ when all were asked for.
     */
    private GroupOffsets.FetchedGroup readable(RequestContext context, GroupOffsets.FetchedGroup g, boolean all) {
        if (authz.authorizer().isEmpty()) {
            return g;
        }
        Map<String, List<GroupOffsets.PartitionOffset>> kept = new LinkedHashMap<>();
        g.topics().forEach((topic, ps) -> {
            if (!denied(context, topic)) {
                kept.put(topic, ps);
            } else if (!all) { // asked for by name: answered, without the offsets
                kept.put(topic, ps.stream().map(p -> new GroupOffsets.PartitionOffset(p.partition(),
                        new CommittedOffset(-1, -1, "", -1, -1))).toList());
            }
        });
        return new GroupOffsets.FetchedGroup(g.error(), kept);
    }

    /** v0-7 for a group the principal may not READ: GROUP_AUTHORIZATION_FAILED (per partition before v2). */
    private static OffsetFetchResponse groupDenied(OffsetFetchRequest req, short version) {
        if (version >= 2) {
            return new OffsetFetchResponse().setErrorCode(ErrorCode.GROUP_AUTHORIZATION_FAILED.code).setTopics(List.of());
        }
        List<OffsetFetchResponse.OffsetFetchResponseTopic> topics = new ArrayList<>();
        for (OffsetFetchRequest.OffsetFetchRequestTopic t : req.topics() == null ? List.<OffsetFetchRequest.OffsetFetchRequestTopic>of()
                : req.topics()) {
            topics.add(new OffsetFetchResponse.OffsetFetchResponseTopic().setName(t.name()).setPartitions(
                    t.partitionIndexes().stream().map(p -> new OffsetFetchResponse.OffsetFetchResponsePartition()
                            .setPartitionIndex(p).setCommittedOffset(-1).setMetadata("")
                            .setErrorCode(ErrorCode.GROUP_AUTHORIZATION_FAILED.code)).toList()));
        }
        return new OffsetFetchResponse().setTopics(topics);
    }

    /** UNSTABLE_OFFSET_COMMIT for a partition with an offset pending in an open transaction, when the client asks (v7+, KIP-447). */
    private short stable(boolean requireStable, String groupId, String topic, int partition) {
        return requireStable && groupOffsets.unstable(groupId, topic, partition) ? ErrorCode.UNSTABLE_OFFSET_COMMIT.code
                : ErrorCode.NONE.code;
    }
}
