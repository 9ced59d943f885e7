package dev.wharf.server.api;

import dev.wharf.controller.BrokerInfo;
import dev.wharf.controller.TopicInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.ErrorCode;
import dev.wharf.wire.message.FetchResponse;
import dev.wharf.wire.message.ProduceResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * KIP-951: a partition answered NOT_LEADER_OR_FOLLOWER (or FENCED_LEADER_EPOCH) carries the leader
 * and leader epoch this broker knows, and the response the endpoints of those leaders on the
 * client's listener, so a producer (v10+) or consumer (v16+) goes straight to the new leader
 * instead of asking for metadata first. Older versions do not carry the fields; their writers
 * leave them out. Stateless; any thread.
 */
public final class LeaderHints {
    private LeaderHints() {}

    public static void addTo(ProduceResponse resp, ZkMetadataStore metadata, String listenerName, int selfId) {
        Set<Integer> leaders = new TreeSet<>();
        for (ProduceResponse.TopicProduceResponse t : resp.responses()) {
            Optional<TopicInfo> topic = t.name() == null || t.name().isEmpty() ? metadata.topic(t.topicId()) : metadata.topic(t.name());
            for (ProduceResponse.PartitionProduceResponse p : t.partitionResponses()) {
                leaderOf(topic, p.index(), p.errorCode(), selfId).ifPresent(info -> {
                    p.setCurrentLeader(new ProduceResponse.LeaderIdAndEpoch().setLeaderId(info.leader())
                            .setLeaderEpoch(info.leaderEpoch()));
                    leaders.add(info.leader());
                });
            }
        }
        if (!leaders.isEmpty()) {
            List<ProduceResponse.NodeEndpoint> nodes = new ArrayList<>();
            for (Node n : nodes(metadata, leaders, listenerName)) {
                nodes.add(new ProduceResponse.NodeEndpoint().setNodeId(n.id()).setHost(n.endpoint().host())
                        .setPort(n.endpoint().port()));
            }
            resp.setNodeEndpoints(nodes);
        }
    }

    public static void addTo(FetchResponse resp, ZkMetadataStore metadata, String listenerName, int selfId) {
        Set<Integer> leaders = new TreeSet<>();
        for (FetchResponse.FetchableTopicResponse t : resp.responses()) {
            Optional<TopicInfo> topic = t.topic() == null || t.topic().isEmpty() ? metadata.topic(t.topicId()) : metadata.topic(t.topic());
            for (FetchResponse.PartitionData p : t.partitions()) {
                leaderOf(topic, p.partitionIndex(), p.errorCode(), selfId).ifPresent(info -> {
                    p.setCurrentLeader(new FetchResponse.LeaderIdAndEpoch().setLeaderId(info.leader())
                            .setLeaderEpoch(info.leaderEpoch()));
                    leaders.add(info.leader());
                });
            }
        }
        if (!leaders.isEmpty()) {
            List<FetchResponse.NodeEndpoint> nodes = new ArrayList<>();
            for (Node n : nodes(metadata, leaders, listenerName)) {
                nodes.add(new FetchResponse.NodeEndpoint().setNodeId(n.id()).setHost(n.endpoint().host())
                        .setPort(n.endpoint().port()));
            }
            resp.setNodeEndpoints(nodes);
        }
    }

    /** The partition's state when the error is one a leader hint answers and another live broker leads. */
    private static Optional<TopicInfo.PartitionInfo> leaderOf(Optional<TopicInfo> topic, int partition, short error, int selfId) {
        if ((error != ErrorCode.NOT_LEADER_OR_FOLLOWER.code && error != ErrorCode.FENCED_LEADER_EPOCH.code)
                || topic.isEmpty() || partition < 0 || partition >= topic.get().partitions().size()) {
            return Optional.empty();
        }
        TopicInfo.PartitionInfo info = topic.get().partitions().get(partition);
        return info.leader() >= 0 && info.leader() != selfId ? Optional.of(info) : Optional.empty();
    }

    private record Node(int id, BrokerInfo.Endpoint endpoint) {}

    /** The live brokers among {@code ids} as reached on the client's listener. */
    private static List<Node> nodes(ZkMetadataStore metadata, Set<Integer> ids, String listenerName) {
        List<Node> out = new ArrayList<>();
        try {
            for (BrokerInfo b : metadata.liveBrokers()) {
                if (ids.contains(b.id())) {
                    b.endpoint(listenerName).ifPresent(e -> out.add(new Node(b.id(), e)));
                }
            }
        } catch (Exception e) {
            // no hints then: the client asks for metadata
        }
        return out;
    }
}
