package dev.wharf.server.group;

import dev.wharf.wire.message.StreamsGroupHeartbeatRequest;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks Kafka makes of a StreamsGroupHeartbeat before looking at its group: required fields
 * (INVALID_REQUEST) and a topology that holds together (STREAMS_INVALID_TOPOLOGY). Stateless; any
 * thread.
 */
final class StreamsRequestChecks {
    /** The start of every message about the topology. */
    static final String TOPOLOGY = "Topology: ";

    private StreamsRequestChecks() {}

    /** What is wrong with the request, or null. */
    static String invalid(StreamsGroupHeartbeatRequest req) {
        if (req.groupId() == null || req.groupId().isEmpty()) {
            return "GroupId can't be empty.";
        }
        if (req.memberId() == null || req.memberId().isEmpty()) {
            return "MemberId can't be empty.";
        }
        if (!fitsKey(req.groupId()) || !fitsKey(req.memberId())) {
            return "GroupId and MemberId must be shorter than 64 KiB.";
        }
        if (req.memberEpoch() < -2) {
            return "MemberEpoch is invalid.";
        }
        if (req.memberEpoch() == 0) {
            if (req.rebalanceTimeoutMs() < 0) {
                return "RebalanceTimeoutMs must be provided when joining.";
            }
            if (req.topology() == null) {
                return "Topology must be provided when joining.";
            }
            if (req.processId() == null || req.processId().isEmpty()) {
                return "ProcessId must be provided when joining.";
            }
            if (nonEmpty(req.activeTasks()) || nonEmpty(req.standbyTasks()) || nonEmpty(req.warmupTasks())) {
                return "A member joining must own no tasks.";
            }
        }
        if (req.memberEpoch() == -2 && req.instanceId() == null) {
            return "InstanceId must be provided when a static member leaves temporarily.";
        }
        return req.topology() == null ? null : invalidTopology(req.topology());
    }

    private static String invalidTopology(StreamsGroupHeartbeatRequest.Topology t) {
        if (t.subtopologies() == null) {
            return TOPOLOGY + "subtopologies missing.";
        }
        Set<String> ids = new HashSet<>();
        for (StreamsGroupHeartbeatRequest.Subtopology s : t.subtopologies()) {
            if (s.subtopologyId() == null || !ids.add(s.subtopologyId())) {
                return TOPOLOGY + "subtopology ids must be present and unique.";
            }
            int sources = size(s.sourceTopics());
            int patterns = size(s.sourceTopicRegex());
            int repartition = size(s.repartitionSourceTopics());
            if (sources + patterns + repartition == 0) {
                return TOPOLOGY + "subtopology " + s.subtopologyId() + " reads no topic.";
            }
            for (StreamsGroupHeartbeatRequest.TopicInfo r : orEmpty(s.repartitionSourceTopics())) {
                if (r.partitions() < 0) {
                    return TOPOLOGY + "repartition topic " + r.name() + " has a negative partition count.";
                }
            }
            for (StreamsGroupHeartbeatRequest.CopartitionGroup g : orEmpty(s.copartitionGroups())) {
                if (outOfRange(g.sourceTopics(), sources) || outOfRange(g.sourceTopicRegex(), patterns)
                        || outOfRange(g.repartitionSourceTopics(), repartition)) {
                    return TOPOLOGY + "a copartition group of subtopology " + s.subtopologyId()
                            + " names a topic it does not read.";
                }
            }
        }
        return null;
    }

    /** Whether a string fits a record key (written as modified UTF-8 with a 16-bit length). */
    private static boolean fitsKey(String s) {
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            bytes += c >= 0x0001 && c <= 0x007F ? 1 : c <= 0x07FF ? 2 : 3;
        }
        return bytes <= 0xFFFF;
    }

    private static boolean outOfRange(List<Short> indexes, int size) {
        return indexes != null && indexes.stream().anyMatch(i -> i < 0 || i >= size);
    }

    private static boolean nonEmpty(List<?> list) {
        return list != null && !list.isEmpty();
    }

    private static int size(List<?> list) {
        return list == null ? 0 : list.size();
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
