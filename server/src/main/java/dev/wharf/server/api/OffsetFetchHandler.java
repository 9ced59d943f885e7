package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.server.ErrorCode;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.group.GroupOffsets;
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
 */
public final class OffsetFetchHandler implements ApiHandler {
    private final GroupOffsets groupOffsets;
    private final ZkMetadataStore metadata;

    public OffsetFetchHandler(GroupOffsets offsets, ZkMetadataStore metadata) {
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
            Map<String, List<Integer>> requested = null;
            if (req.topics() != null) {
                requested = new LinkedHashMap<>();
                for (OffsetFetchRequest.OffsetFetchRequestTopic t : req.topics()) {
                    requested.computeIfAbsent(t.name(), k -> new ArrayList<>()).addAll(t.partitionIndexes());
                }
            }
            GroupOffsets.FetchedGroup g = groupOffsets.fetchRequested(req.groupId(), requested);
            List<OffsetFetchResponse.OffsetFetchResponseTopic> topics = new ArrayList<>();
            g.topics().forEach((name, ps) -> topics.add(new OffsetFetchResponse.OffsetFetchResponseTopic().setName(name)
                    .setPartitions(ps.stream().map(p -> new OffsetFetchResponse.OffsetFetchResponsePartition()
                            .setPartitionIndex(p.partition()).setCommittedOffset(p.offset().offset())
                            .setCommittedLeaderEpoch(p.offset().leaderEpoch()).setMetadata(p.offset().metadata())
                            .setErrorCode(version < 2 ? g.error().code
                                    : stable(req.requireStable(), req.groupId(), name, p.partition()))).toList())));
            return new OffsetFetchResponse().setErrorCode(version >= 2 ? g.error().code : 0).setTopics(topics);
        }
        List<OffsetFetchResponse.OffsetFetchResponseGroup> groups = new ArrayList<>();
        for (OffsetFetchRequest.OffsetFetchRequestGroup rg : req.groups()) {
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
            GroupOffsets.FetchedGroup g = groupOffsets.fetchRequested(rg.groupId(), requested);
            List<OffsetFetchResponse.OffsetFetchResponseTopics> topics = new ArrayList<>();
            g.topics().forEach((name, ps) -> {
                OffsetFetchResponse.OffsetFetchResponseTopics t = new OffsetFetchResponse.OffsetFetchResponseTopics()
                        .setPartitions(ps.stream().map(p -> new OffsetFetchResponse.OffsetFetchResponsePartitions()
                                .setPartitionIndex(p.partition()).setCommittedOffset(p.offset().offset())
                                .setCommittedLeaderEpoch(p.offset().leaderEpoch()).setMetadata(p.offset().metadata())
                                .setErrorCode(stable(req.requireStable(), rg.groupId(), name, p.partition()))).toList());
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

    /** UNSTABLE_OFFSET_COMMIT for a partition with an offset pending in an open transaction, when the client asks (v7+, KIP-447). */
    private short stable(boolean requireStable, String groupId, String topic, int partition) {
        return requireStable && groupOffsets.unstable(groupId, topic, partition) ? ErrorCode.UNSTABLE_OFFSET_COMMIT.code
                : ErrorCode.NONE.code;
    }
}
