package dev.wharf.server.group;

import dev.wharf.server.ErrorCode;
import dev.wharf.wire.message.StreamsGroupDescribeResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * StreamsGroupDescribe for one group: its state, epochs, topology (subtopologies with their
 * topics' partition counts where known) and members with their current and target assignments.
 * Members show the task offsets and end offsets they last reported (kept in memory only, as Kafka
 * keeps them).
 *
 * <p>Threads: io threads; the group is read under its monitor. No state of its own.
 */
public final class StreamsDescriber {
    /** TopologyDescriptionStatus (v1): not asked for, or asked for and not stored (Wharf keeps none). */
    private static final byte NOT_REQUESTED = 0;
    private static final byte NOT_STORED = 1;

    private final GroupStore store;

    public StreamsDescriber(StreamsCoordinator coordinator) {
        this.store = coordinator.store();
    }

    public StreamsGroupDescribeResponse.DescribedGroup describe(String groupId, boolean withTopologyDescription) {
        StreamsGroupDescribeResponse.DescribedGroup out = new StreamsGroupDescribeResponse.DescribedGroup()
                .setGroupId(groupId);
        if (store.writerFor(groupId).isEmpty()) {
            return out.setErrorCode(ErrorCode.NOT_COORDINATOR.code);
        }
        StreamsGroup g = store.group(groupId, StreamsGroup.class);
        if (g == null) {
            return out.setErrorCode(ErrorCode.GROUP_ID_NOT_FOUND.code).setErrorMessage(
                    "Group " + groupId + (store.group(groupId) == null ? " not found." : " is not a streams group."));
        }
        synchronized (g) {
            if (g.dead) {
                return out.setErrorCode(ErrorCode.GROUP_ID_NOT_FOUND.code).setErrorMessage("Group " + groupId + " not found.");
            }
            out.setGroupState(g.stateName()).setGroupEpoch(g.groupEpoch).setAssignmentEpoch(g.targetAssignmentEpoch)
                    .setTopology(topology(g)).setAssignorName("sticky")
                    .setTopologyDescriptionStatus(withTopologyDescription ? NOT_STORED : NOT_REQUESTED);
            List<StreamsGroupDescribeResponse.Member> members = new ArrayList<>();
            for (StreamsMember m : g.members.values()) {
                List<StreamsGroupDescribeResponse.KeyValue> tags = new ArrayList<>();
                m.clientTags.forEach((k, v) -> tags.add(new StreamsGroupDescribeResponse.KeyValue().setKey(k).setValue(v)));
                members.add(new StreamsGroupDescribeResponse.Member().setMemberId(m.memberId).setMemberEpoch(m.memberEpoch)
                        .setInstanceId(m.instanceId).setRackId(m.rackId).setClientId(m.clientId)
                        .setClientHost(m.clientHost).setTopologyEpoch(m.topologyEpoch)
                        .setProcessId(m.processId == null ? "" : m.processId)
                        .setUserEndpoint(m.userEndpoint == null ? null : new StreamsGroupDescribeResponse.Endpoint()
                                .setHost(m.userEndpoint.host()).setPort(m.userEndpoint.port()))
                        .setClientTags(tags).setTaskOffsets(offsets(m.taskOffsets))
                        .setTaskEndOffsets(offsets(m.taskEndOffsets))
                        .setAssignment(assignment(m.assigned))
                        .setTargetAssignment(assignment(g.targetAssignment.getOrDefault(m.memberId, StreamsTasks.EMPTY)))
                        .setIsClassic(false));
            }
            return out.setMembers(members);
        }
    }

    private static StreamsGroupDescribeResponse.Topology topology(StreamsGroup g) {
        if (g.topology == null) {
            return new StreamsGroupDescribeResponse.Topology().setEpoch(-1).setSubtopologies(new ArrayList<>());
        }
        StreamsGroupDescribeResponse.Topology t = new StreamsGroupDescribeResponse.Topology().setEpoch(g.topology.epoch());
        // always a list (kafka-clients 4.4.0's Admin fails on a null one): the topics' partition counts where known
        StreamsConfiguredTopology c = g.configured;
        List<StreamsGroupDescribeResponse.Subtopology> subs = new ArrayList<>();
        for (StreamsTopology.Subtopology s : g.topology.subtopologies()) {
            List<String> sources = new ArrayList<>(c == null ? s.sourceTopics()
                    : c.inputTopics().getOrDefault(s.id(), s.sourceTopics()));
            s.repartitionSourceTopics().forEach(r -> sources.remove(r.name()));
            subs.add(new StreamsGroupDescribeResponse.Subtopology().setSubtopologyId(s.id()).setSourceTopics(sources)
                    .setRepartitionSinkTopics(new ArrayList<>(s.repartitionSinkTopics()))
                    .setStateChangelogTopics(topicInfos(s.changelogTopics(), c))
                    .setRepartitionSourceTopics(topicInfos(s.repartitionSourceTopics(), c)));
        }
        return t.setSubtopologies(subs);
    }

    private static List<StreamsGroupDescribeResponse.TopicInfo> topicInfos(List<StreamsTopology.TopicInfo> topics,
            StreamsConfiguredTopology c) {
        List<StreamsGroupDescribeResponse.TopicInfo> out = new ArrayList<>();
        for (StreamsTopology.TopicInfo t : topics) {
            List<StreamsGroupDescribeResponse.KeyValue> configs = new ArrayList<>();
            t.configs().forEach((k, v) -> configs.add(new StreamsGroupDescribeResponse.KeyValue().setKey(k).setValue(v)));
            out.add(new StreamsGroupDescribeResponse.TopicInfo().setName(t.name())
                    .setPartitions(Math.max(t.partitions(), c == null ? 0 : c.topicPartitions().getOrDefault(t.name(), 0)))
                    .setReplicationFactor(t.replicationFactor()).setTopicConfigs(configs));
        }
        return out;
    }

    private static List<StreamsGroupDescribeResponse.TaskOffset> offsets(Map<String, Map<Integer, Long>> offsets) {
        List<StreamsGroupDescribeResponse.TaskOffset> out = new ArrayList<>();
        offsets.forEach((s, byPartition) -> byPartition.forEach((p, o) -> out.add(
                new StreamsGroupDescribeResponse.TaskOffset().setSubtopologyId(s).setPartition(p).setOffset(o))));
        return out;
    }

    private static StreamsGroupDescribeResponse.Assignment assignment(StreamsTasks t) {
        return new StreamsGroupDescribeResponse.Assignment().setActiveTasks(taskIds(t.active()))
                .setStandbyTasks(taskIds(t.standby())).setWarmupTasks(taskIds(t.warmup()));
    }

    private static List<StreamsGroupDescribeResponse.TaskIds> taskIds(Map<String, Set<Integer>> tasks) {
        List<StreamsGroupDescribeResponse.TaskIds> out = new ArrayList<>();
        tasks.forEach((s, p) -> out.add(new StreamsGroupDescribeResponse.TaskIds().setSubtopologyId(s)
                .setPartitions(new ArrayList<>(p))));
        return out;
    }
}
