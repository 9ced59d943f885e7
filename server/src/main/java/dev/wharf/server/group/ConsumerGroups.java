package dev.wharf.server.group;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.config.BrokerKeys;
import io.netty.util.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * Consumer groups (KIP-848) as the handlers see them: ConsumerGroupHeartbeat through
 * {@link ConsumerGroupHeartbeats}, ConsumerGroupDescribe here. Wires the target computation and
 * the session timers, and restarts the timers of groups restored when a partition loads.
 *
 * <p>Threads: io threads; each group is read under its own monitor. No state of its own.
 */
public final class ConsumerGroups {
    /** One member as ConsumerGroupDescribe shows it; partitions by topic name. */
    public record DescribedMember(String memberId, String instanceId, String rackId, int memberEpoch, String clientId,
            String clientHost, List<String> subscribedTopicNames, String subscribedTopicRegex,
            Map<String, Set<Integer>> assignment, Map<String, Set<Integer>> targetAssignment, boolean classic) {}

    /** A consumer group as ConsumerGroupDescribe shows it, or the error in its place. */
    public record DescribedGroup(ErrorCode error, String message, String groupId, String state, int groupEpoch,
            int assignmentEpoch, String assignorName, List<DescribedMember> members) {
        static DescribedGroup error(String groupId, ErrorCode error, String message) {
            return new DescribedGroup(error, message, groupId, ConsumerGroup.DEAD, -1, -1, "", List.of());
        }
    }

    private final GroupStore store;
    private final ConsumerGroupHeartbeats heartbeats;
    private final ConsumerClassicMembers classicMembers;

    /**
     * @param topics the topics members may subscribe to (read on each heartbeat)
     * @param timer the broker's deadline wheel; its tasks here only hand work to {@code io}
     */
    public ConsumerGroups(GroupStore store, Executor io, Timer timer, LongSupplier clock,
            ConsumerTopics topics) {
        this.store = store;
        ConsumerTargets targets = new ConsumerTargets(store.config().get(BrokerKeys.GROUP_CONSUMER_ASSIGNORS), topics);
        ConsumerSessions sessions = new ConsumerSessions(store, io, timer, clock,
                store.config().get(BrokerKeys.GROUP_CONSUMER_SESSION_TIMEOUT_MS));
        this.heartbeats = new ConsumerGroupHeartbeats(store, clock, targets, sessions);
        sessions.bind(heartbeats);
        this.classicMembers = new ConsumerClassicMembers(store, clock, targets, sessions, heartbeats,
                store.config().get(BrokerKeys.GROUP_CONSUMER_MAX_SIZE));
        // restored members keep their place if they heartbeat within a session timeout from now; groups
        // loaded before this was wired (at start-up) are swept once
        store.onLoaded(groups -> startRestored(groups, sessions, clock));
        startRestored(store.all(), sessions, clock);
    }

    private static void startRestored(Iterable<Group> groups, ConsumerSessions sessions, LongSupplier clock) {
        long now = clock.getAsLong();
        for (Group g : groups) {
            if (g instanceof ConsumerGroup group) {
                synchronized (group) {
                    for (ConsumerMember m : group.members.values()) {
                        if (m.sessionTimer != null) {
                            continue; // already watched
                        }
                        m.sessionDeadlineMs = now + (m.classic != null ? m.classic.sessionTimeoutMs() : sessions.sessionTimeoutMs());
                        if (m.state == ConsumerMember.State.UNREVOKED_PARTITIONS) {
                            m.revocationDeadlineMs = now + m.rebalanceTimeoutMs;
                        }
                        sessions.start(group, m);
                    }
                }
            }
        }
    }

    /** The classic coordinator hands requests of classic members of consumer groups here. */
    public void serveClassicMembersOf(GroupCoordinator coordinator) {
        coordinator.classicMembersOfConsumerGroups(classicMembers);
        heartbeats.migration().onDowngrade(coordinator::adoptDowngraded);
    }

    public CompletableFuture<ConsumerGroupHeartbeats.HeartbeatResult> heartbeat(ConsumerGroupHeartbeats.Heartbeat hb) {
        return heartbeats.heartbeat(hb);
    }

    /** ConsumerGroupDescribe for one group: GROUP_ID_NOT_FOUND for an unknown group or one of another kind. */
    public DescribedGroup describe(String groupId) {
        if (store.writerFor(groupId).isEmpty()) {
            return DescribedGroup.error(groupId, ErrorCode.NOT_COORDINATOR, null);
        }
        Group g = store.group(groupId);
        if (!(g instanceof ConsumerGroup group)) {
            return DescribedGroup.error(groupId, ErrorCode.GROUP_ID_NOT_FOUND, g == null
                    ? "Group " + groupId + " not found." : "Group " + groupId + " is not a consumer group.");
        }
        synchronized (group) {
            if (group.isDead()) {
                return DescribedGroup.error(groupId, ErrorCode.GROUP_ID_NOT_FOUND, "Group " + groupId + " not found.");
            }
            List<DescribedMember> members = new ArrayList<>();
            for (ConsumerMember m : group.members.values()) {
                members.add(new DescribedMember(m.memberId, m.instanceId, m.rackId, m.memberEpoch, m.clientId,
                        m.clientHost, m.subscribedTopicNames, m.subscribedTopicRegex, m.assigned, group.targetOf(m.memberId),
                        m.classic != null));
            }
            return new DescribedGroup(ErrorCode.NONE, null, groupId, group.stateName(), group.groupEpoch,
                    group.assignmentEpoch, group.assignorName, members);
        }
    }
}
