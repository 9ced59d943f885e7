package dev.wharf.server.group;

import dev.wharf.server.ErrorCode;
import dev.wharf.wire.message.StreamsGroupHeartbeatRequest;
import dev.wharf.wire.message.StreamsGroupHeartbeatResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One StreamsGroupHeartbeat decided against its group (KIP-1071): the member joins, leaves or is
 * checked (FENCED_MEMBER_EPOCH, UNKNOWN_MEMBER_ID), its metadata and the topology are updated (each
 * change bumping the group epoch), a new target assignment is computed when the group epoch passed
 * the target's, the member is reconciled towards it, and the response says its epoch, its tasks
 * when they changed, and the group's statuses.
 *
 * <p>Threads: {@link #decide} runs on the group's partition writer holding the group's monitor.
 * Immutable settings only.
 */
final class StreamsHeartbeat {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(StreamsHeartbeat.class);
    /** The broker's group.streams.* settings a heartbeat needs. */
    record Settings(int sessionTimeoutMs, int heartbeatIntervalMs, int maxSize, int numStandbys, int initialDelayMs,
            long acceptableRecoveryLag, int taskOffsetIntervalMs) {}

    /** What the heartbeat decided: the response, and the member whose session to start (a new one), if any. */
    record Outcome(StreamsGroupHeartbeatResponse response, StreamsMember joined) {}

    /** Kafka 4.4.0's answer to a topology other than the group's at its epoch or a later one. */
    static final String TOPOLOGY_UPDATE = "Topology updates are not supported yet.";

    private final Settings settings;

    StreamsHeartbeat(Settings settings) {
        this.settings = settings;
    }

    static StreamsGroupHeartbeatResponse error(ErrorCode error, String message) {
        return new StreamsGroupHeartbeatResponse().setErrorCode(error.code).setErrorMessage(message);
    }

    /**
     * @param topology the topology the request carries, or null
     * @param configured the group's topology checked against the cluster's topics (for the topology
     *     the group will have), or null when it could not be computed
     */
    Outcome decide(StreamsGroup g, StreamsGroupHeartbeatRequest req, String clientId, String clientHost,
            StreamsTopology topology, StreamsConfiguredTopology configured, long nowMs) {
        if (g.dead) {
            return new Outcome(error(ErrorCode.COORDINATOR_NOT_AVAILABLE, "The group is being unloaded or deleted."), null);
        }
        if (topology != null && g.topology != null && topology.epoch() >= g.topology.epoch()
                && !topology.sameAs(g.topology)) {
            return new Outcome(error(ErrorCode.INVALID_REQUEST, TOPOLOGY_UPDATE), null);
        }
        String memberId = req.memberId();
        StreamsMember member = g.members.get(memberId);
        if (req.memberEpoch() < 0) {
            if (member == null) {
                return new Outcome(error(ErrorCode.UNKNOWN_MEMBER_ID, "Member " + memberId + " is not in the group."), null);
            }
            if (req.memberEpoch() == StreamsStaticMembers.LEFT_FOR_NOW && member.instanceId != null) {
                StreamsStaticMembers.leaveForNow(g, member);
                g.stateMayHaveChanged(nowMs);
                return new Outcome(new StreamsGroupHeartbeatResponse().setMemberId(memberId)
                        .setMemberEpoch(req.memberEpoch()).setHeartbeatIntervalMs(0), null);
            }
            log.info("member {} left streams group {} (epoch {})", memberId, g.groupId, req.memberEpoch());
            g.removeMember(memberId);
            g.bumpGroupEpoch();
            afterMembershipChange(g, nowMs);
            return new Outcome(new StreamsGroupHeartbeatResponse().setMemberId(memberId).setMemberEpoch(req.memberEpoch())
                    .setHeartbeatIntervalMs(0), null);
        }
        StreamsMember joined = null;
        boolean sendAssignment = req.memberEpoch() == 0;
        if (req.memberEpoch() == 0) {
            if (member == null) {
                member = new StreamsMember(memberId);
                member.clientId = clientId;
                member.clientHost = clientHost;
                StreamsMember previous = StreamsStaticMembers.holder(g, req.instanceId());
                if (previous != null) {
                    // a static member back under a new member id: in its place, with no new assignment
                    ErrorCode e = StreamsStaticMembers.replace(g, previous, member);
                    if (e != ErrorCode.NONE) {
                        return new Outcome(error(e, "Instance id " + req.instanceId() + " is still held by member "
                                + previous.memberId + "."), null);
                    }
                } else {
                    if (g.members.size() >= settings.maxSize()) {
                        return new Outcome(error(ErrorCode.GROUP_MAX_SIZE_REACHED,
                                "The streams group has reached its maximum size."), null);
                    }
                    if (g.members.isEmpty() && settings.initialDelayMs() > 0) {
                        g.assignNotBeforeMs = nowMs + settings.initialDelayMs();
                    }
                    g.members.put(memberId, member);
                    g.bumpGroupEpoch();
                }
                joined = member;
            }
        } else if (member == null) {
            return new Outcome(error(ErrorCode.UNKNOWN_MEMBER_ID, "Member " + memberId + " is not in the group."), null);
        } else if (req.memberEpoch() != member.memberEpoch) {
            StreamsTasks owned = owned(req);
            boolean previousEpoch = req.memberEpoch() == member.previousMemberEpoch
                    && (owned == null || member.assigned.plus(member.pendingRevocation).plus(owned).equals(
                            member.assigned.plus(member.pendingRevocation)));
            if (!previousEpoch) {
                return new Outcome(error(ErrorCode.FENCED_MEMBER_EPOCH, "The member epoch " + req.memberEpoch()
                        + " does not match the expected epoch " + member.memberEpoch + "."), null);
            }
        }
        if (updateMetadata(member, req)) {
            g.bumpGroupEpoch();
        }
        if (topology != null && g.topology == null) {
            g.topology = topology;
            g.bumpGroupEpoch();
        }
        if (configured != null) {
            if (g.configured != null && !g.configured.topicPartitions().equals(configured.topicPartitions())) {
                g.bumpGroupEpoch(); // partitions were added, or topics created or deleted
            }
            g.configured = configured;
        }
        if (req.shutdownApplication()) {
            g.shutdownRequested = true;
        }
        member.heartbeatDeadlineMs = nowMs + settings.sessionTimeoutMs();
        boolean delayed = maybeAssign(g, nowMs);
        int epochBefore = member.memberEpoch;
        StreamsTasks assignedBefore = member.assigned;
        if (StreamsReconciler.reconcile(g, member, owned(req), nowMs)) {
            g.dirtyMembers.add(memberId);
            g.endpointEpoch++;
            log.debug("streams group {} member {}: epoch {} -> {}, {}, active {}, revoking {} (group epoch {})", g.groupId,
                    memberId, epochBefore, member.memberEpoch, member.state, member.assigned.active(),
                    member.pendingRevocation.active(), g.groupEpoch);
        }
        sendAssignment |= member.memberEpoch != epochBefore || !member.assigned.equals(assignedBefore)
                || reportsOtherThanAssigned(req, member);
        g.stateMayHaveChanged(nowMs);

        StreamsGroupHeartbeatResponse resp = new StreamsGroupHeartbeatResponse().setMemberId(memberId)
                .setMemberEpoch(member.memberEpoch).setHeartbeatIntervalMs(settings.heartbeatIntervalMs())
                .setAcceptableRecoveryLagLegacy((int) Math.min(settings.acceptableRecoveryLag(), Integer.MAX_VALUE))
                .setAcceptableRecoveryLag(settings.acceptableRecoveryLag())
                .setTaskOffsetIntervalMs(settings.taskOffsetIntervalMs()).setStatus(statuses(g, member, delayed))
                .setEndpointInformationEpoch(g.endpointEpoch);
        if (sendAssignment) {
            resp.setActiveTasks(taskIds(member.assigned.active())).setStandbyTasks(taskIds(member.assigned.standby()))
                    .setWarmupTasks(taskIds(member.assigned.warmup()));
        }
        // any other epoch (not only an older one): after a failover the group's count starts again from 0
        if (req.endpointInformationEpoch() != g.endpointEpoch) {
            resp.setPartitionsByUserEndpoint(StreamsEndpoints.partitionsByEndpoint(g));
        }
        return new Outcome(resp, joined);
    }

    /** A member left or was removed: an emptied group forgets a shutdown request, as Kafka does. */
    static void afterMembershipChange(StreamsGroup g, long nowMs) {
        if (g.members.isEmpty()) {
            g.shutdownRequested = false;
        }
        g.stateMayHaveChanged(nowMs);
    }

    /**
     * A new target assignment when the group epoch passed the target's, unless the first one is
     * still held back for more members; true while held back.
     */
    private boolean maybeAssign(StreamsGroup g, long nowMs) {
        if (g.groupEpoch <= g.targetAssignmentEpoch) {
            return false;
        }
        if (nowMs < g.assignNotBeforeMs) {
            return true;
        }
        Map<String, Integer> tasks = g.configured != null && g.configured.ready() && g.topology != null
                ? g.configured.tasks() : Map.of();
        List<StreamsAssignor.Member> members = new ArrayList<>();
        for (StreamsMember m : g.members.values()) {
            members.add(new StreamsAssignor.Member(m.memberId, m.processId,
                    g.targetAssignment.getOrDefault(m.memberId, m.assigned), m.taskOffsets));
        }
        Map<String, StreamsTasks> target = StreamsAssignor.assign(tasks, members, settings.numStandbys());
        g.targetAssignment.clear();
        g.targetAssignment.putAll(target);
        g.targetAssignmentEpoch = g.groupEpoch;
        g.groupDirty = true;
        g.dirtyMembers.addAll(g.members.keySet());
        return false;
    }

    /** Applies what the member says about itself; true when it changes the assignment's input. */
    private static boolean updateMetadata(StreamsMember m, StreamsGroupHeartbeatRequest req) {
        boolean changed = false;
        if (req.processId() != null && !req.processId().equals(m.processId)) {
            m.processId = req.processId();
            changed = true;
        }
        if (req.rackId() != null && !req.rackId().equals(m.rackId)) {
            m.rackId = req.rackId();
            changed = true;
        }
        if (req.instanceId() != null) {
            m.instanceId = req.instanceId();
        }
        if (req.rebalanceTimeoutMs() >= 0) {
            m.rebalanceTimeoutMs = req.rebalanceTimeoutMs();
        }
        if (req.userEndpoint() != null) {
            StreamsMember.Endpoint e = new StreamsMember.Endpoint(req.userEndpoint().host(), req.userEndpoint().port());
            if (!e.equals(m.userEndpoint)) {
                m.userEndpoint = e;
                changed = true;
            }
        }
        if (req.clientTags() != null) {
            Map<String, String> tags = new LinkedHashMap<>();
            req.clientTags().forEach(kv -> tags.put(kv.key(), kv.value()));
            if (!tags.equals(m.clientTags)) {
                m.clientTags = Map.copyOf(tags);
                changed = true;
            }
        }
        // the state it has, for the assignor's choice; as in Kafka they change no epoch
        if (req.taskOffsets() != null) {
            m.taskOffsets = offsetMap(req.taskOffsets());
        }
        if (req.taskEndOffsets() != null) {
            m.taskEndOffsets = offsetMap(req.taskEndOffsets());
        }
        if (req.topology() != null && req.topology().epoch() != m.topologyEpoch) {
            m.topologyEpoch = req.topology().epoch();
            changed = true;
        }
        return changed;
    }

    /** The tasks the member reports owning, or null when it sent none of the three lists (unchanged). */
    static StreamsTasks owned(StreamsGroupHeartbeatRequest req) {
        if (req.activeTasks() == null && req.standbyTasks() == null && req.warmupTasks() == null) {
            return null;
        }
        return new StreamsTasks(taskMap(req.activeTasks()), taskMap(req.standbyTasks()), taskMap(req.warmupTasks()));
    }

    /** A member reporting tasks it was not given (or missing some) is told its assignment again. */
    private static boolean reportsOtherThanAssigned(StreamsGroupHeartbeatRequest req, StreamsMember m) {
        StreamsTasks owned = owned(req);
        return owned != null && m.state == StreamsMember.State.STABLE && !owned.equals(m.assigned);
    }

    private static Map<String, Map<Integer, Long>> offsetMap(List<StreamsGroupHeartbeatRequest.TaskOffset> offsets) {
        Map<String, Map<Integer, Long>> out = new java.util.TreeMap<>();
        for (StreamsGroupHeartbeatRequest.TaskOffset o : offsets) {
            if (o.subtopologyId() != null) {
                out.computeIfAbsent(o.subtopologyId(), k -> new java.util.TreeMap<>()).put(o.partition(), o.offset());
            }
        }
        return out;
    }

    private static Map<String, Set<Integer>> taskMap(List<StreamsGroupHeartbeatRequest.TaskIds> tasks) {
        Map<String, Set<Integer>> out = new LinkedHashMap<>();
        if (tasks != null) {
            for (StreamsGroupHeartbeatRequest.TaskIds t : tasks) {
                if (t.subtopologyId() != null && t.partitions() != null) {
                    out.computeIfAbsent(t.subtopologyId(), k -> new java.util.TreeSet<>()).addAll(t.partitions());
                }
            }
        }
        return out;
    }

    private static List<StreamsGroupHeartbeatResponse.TaskIds> taskIds(Map<String, Set<Integer>> tasks) {
        List<StreamsGroupHeartbeatResponse.TaskIds> out = new ArrayList<>();
        tasks.forEach((s, p) -> out.add(new StreamsGroupHeartbeatResponse.TaskIds().setSubtopologyId(s)
                .setPartitions(new ArrayList<>(p))));
        return out;
    }

    private static List<StreamsGroupHeartbeatResponse.Status> statuses(StreamsGroup g, StreamsMember m, boolean delayed) {
        List<StreamsGroupHeartbeatResponse.Status> out = new ArrayList<>();
        if (g.topology != null && m.topologyEpoch != g.topology.epoch()) {
            out.add(status(StreamsStatus.STALE_TOPOLOGY, "The member's topology epoch " + m.topologyEpoch
                    + " is not the group's " + g.topology.epoch() + "."));
        }
        if (g.configured != null && !g.configured.ready()) {
            out.add(status(g.configured.problem(), Objects.requireNonNullElse(g.configured.detail(),
                    g.configured.problem().message)));
        }
        if (g.shutdownRequested) {
            out.add(status(StreamsStatus.SHUTDOWN_APPLICATION, StreamsStatus.SHUTDOWN_APPLICATION.message));
        }
        if (delayed) {
            out.add(status(StreamsStatus.ASSIGNMENT_DELAYED, StreamsStatus.ASSIGNMENT_DELAYED.message));
        }
        return out;
    }

    private static StreamsGroupHeartbeatResponse.Status status(StreamsStatus s, String detail) {
        return new StreamsGroupHeartbeatResponse.Status().setStatusCode(s.code).setStatusDetail(detail);
    }
}
