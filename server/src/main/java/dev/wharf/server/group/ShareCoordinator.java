package dev.wharf.server.group;

import dev.wharf.controller.TopicInfo;
import dev.wharf.server.BrokerConfig;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.config.BrokerKeys;
import dev.wharf.server.coordinator.CoordinatorLog;
import dev.wharf.server.coordinator.PartitionWriter;
import io.netty.util.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator's share-group side (KIP-932): ShareGroupHeartbeat (members join with an
 * id of their own, epoch 0, leave with epoch -1, and are expired after
 * {@code group.share.session.timeout.ms} without a heartbeat), ShareGroupDescribe, and the
 * durable share-partition states the partition leaders read and write (Kafka's share coordinator
 * role, kept here in the group's own {@code __consumer_offsets} partition: acks=all, failing over
 * with it). Assignment is {@link ShareAssignor}'s. Members are stored as they change
 * ({@link ShareGroupRecords}), so after a restart or failover they carry on in their epochs.
 *
 * <p>Threads: io threads call in; session expiry runs on io threads handed off from the deadline
 * timer. Each group's state is guarded by its monitor; writes are queued on the partition writer,
 * never appended holding it.
 */
public final class ShareCoordinator {
    private static final Logger log = LoggerFactory.getLogger(ShareCoordinator.class);

    /** A heartbeat's answer; {@code assignment} null when unchanged for the member. */
    public record HeartbeatResult(short error, String message, String memberId, int memberEpoch, int intervalMs,
            Map<UUID, List<Integer>> assignment) {
        static HeartbeatResult error(short error, String message) {
            return new HeartbeatResult(error, message, null, -1, 0, null);
        }
    }

    /** A member as ShareGroupDescribe shows it. */
    public record DescribedMember(String memberId, String rackId, int epoch, String clientId, String clientHost,
            List<String> subscribedTopics, Map<UUID, List<Integer>> assignment) {}

    /** A group as ShareGroupDescribe shows it; {@code error} NONE when found. */
    public record DescribedGroup(ErrorCode error, String groupId, String state, int epoch, List<DescribedMember> members) {}

    /** A share-partition state read: the state, or null when none is stored; or an error. */
    public record StateRead(ErrorCode error, ShareStateRecord state) {}

    private final GroupStore store;
    private final Function<String, Optional<TopicInfo>> topics;
    private final Function<String, Map<String, String>> groupConfigs;
    private final Executor io;
    private final Timer timer;
    private final LongSupplier clock;
    private final BrokerConfig config;

    /**
     * @param topics a topic's metadata by name (for assignments)
     * @param groupConfigs a group's configs (share.session.timeout.ms, share.heartbeat.interval.ms override the broker's)
     */
    public ShareCoordinator(GroupStore store, Function<String, Optional<TopicInfo>> topics,
            Function<String, Map<String, String>> groupConfigs, Executor io, Timer timer, LongSupplier clock) {
        this.store = store;
        this.topics = topics;
        this.groupConfigs = groupConfigs;
        this.io = io;
        this.timer = timer;
        this.clock = clock;
        this.config = store.config();
        // restored members keep their place if they heartbeat within a session timeout from now; groups
        // loaded before this coordinator started (at start-up) get their sessions here too
        store.onLoaded(this::startRestoredSessions);
        startRestoredSessions(List.copyOf(store.all()));
    }

    private void startRestoredSessions(java.util.Collection<Group> groups) {
        for (Group g : groups) {
            if (g instanceof ShareGroup group) {
                synchronized (group) {
                    for (ShareGroup.Member m : group.members.values()) {
                        if (m.session == null) {
                            startSession(group, m);
                        }
                    }
                }
            }
        }
    }

    // ---- membership --------------------------------------------------------------------------

    public HeartbeatResult heartbeat(String groupId, String memberId, int memberEpoch, String rackId,
            List<String> subscribed, String clientId, String clientHost) {
        if (groupId == null || groupId.isEmpty()) {
            return HeartbeatResult.error(ErrorCode.INVALID_REQUEST.code, "GroupId can't be empty.");
        }
        if (memberId == null || memberId.isEmpty()) {
            return HeartbeatResult.error(ErrorCode.INVALID_REQUEST.code, "MemberId can't be empty.");
        }
        if (memberEpoch < -1 || (memberEpoch == 0 && (subscribed == null || subscribed.isEmpty()))) {
            return HeartbeatResult.error(ErrorCode.INVALID_REQUEST.code,
                    memberEpoch == 0 ? "SubscribedTopicNames must be set in first request." : "MemberEpoch is invalid.");
        }
        Optional<PartitionWriter> writer = store.writerFor(groupId);
        if (writer.isEmpty()) {
            return HeartbeatResult.error(ErrorCode.NOT_COORDINATOR.code, null);
        }
        ShareGroup group = memberEpoch == 0
                ? store.getOrCreate(groupId, ShareGroup.class, id -> new ShareGroup(id, clock.getAsLong()))
                : store.group(groupId, ShareGroup.class);
        if (group == null) {
            return store.group(groupId) != null
                    ? HeartbeatResult.error(ErrorCode.GROUP_ID_NOT_FOUND.code, "Group " + groupId + " is not a share group.")
                    : HeartbeatResult.error(ErrorCode.UNKNOWN_MEMBER_ID.code, null);
        }
        int interval = groupSetting(groupId, "share.heartbeat.interval.ms", BrokerKeys.GROUP_SHARE_HEARTBEAT_INTERVAL_MS);
        synchronized (group) {
            if (group.isDead()) {
                return HeartbeatResult.error(ErrorCode.COORDINATOR_NOT_AVAILABLE.code, null);
            }
            ShareGroup.Member member = group.members.get(memberId);
            if (memberEpoch == -1) {
                if (member == null) {
                    return HeartbeatResult.error(ErrorCode.UNKNOWN_MEMBER_ID.code, null);
                }
                removeMember(group, member, writer.get());
                return new HeartbeatResult(ErrorCode.NONE.code, null, memberId, -1, 0, null);
            }
            if (member == null) {
                if (memberEpoch != 0) {
                    return HeartbeatResult.error(ErrorCode.UNKNOWN_MEMBER_ID.code, null);
                }
                if (group.members.size() >= config.get(BrokerKeys.GROUP_SHARE_MAX_SIZE)) {
                    return HeartbeatResult.error(ErrorCode.GROUP_MAX_SIZE_REACHED.code,
                            "The share group has reached its maximum capacity.");
                }
                member = new ShareGroup.Member(memberId);
                group.members.put(memberId, member);
                log.info("member {} joined share group {}", memberId, groupId);
            } else if (memberEpoch > member.epoch) {
                return HeartbeatResult.error(ErrorCode.FENCED_MEMBER_EPOCH.code, "The share group member has a greater member epoch ("
                        + memberEpoch + ") than the one known by the group coordinator (" + member.epoch + ").");
            }
            boolean described = !java.util.Objects.equals(member.clientId, clientId)
                    || !java.util.Objects.equals(member.clientHost, clientHost)
                    || (rackId != null && !rackId.equals(member.rackId))
                    || (subscribed != null && !subscribed.equals(member.subscribedTopics));
            member.clientId = clientId;
            member.clientHost = clientHost;
            if (rackId != null) {
                member.rackId = rackId;
            }
            if (subscribed != null) {
                member.subscribedTopics = List.copyOf(subscribed);
            }
            if (!reassign(group, writer.get()) && described) {
                // what Describe shows changed, not the assignment: the stored member must still say so
                writer.get().write(PartitionWriter.fixed(List.of(ShareGroupRecords.memberEntry(groupId, member))));
            }
            startSession(group, member);
            // a member that knows an older epoch (or just joined) learns its assignment
            boolean tell = memberEpoch != member.epoch || memberEpoch == 0;
            return new HeartbeatResult(ErrorCode.NONE.code, null, memberId, member.epoch, interval,
                    tell ? member.assignment : null);
        }
    }

    /**
     * Recomputes every member's partitions; a change is a new group epoch, given to the members it
     * changed, and stored with them. Returns whether anything was written.
     */
    private boolean reassign(ShareGroup group, PartitionWriter writer) {
        Map<String, Map<UUID, List<Integer>>> target = ShareAssignor.assign(group.members.values(), topics);
        boolean changed = false;
        for (ShareGroup.Member m : group.members.values()) {
            if (!target.get(m.memberId).equals(m.assignment) || m.epoch == 0) {
                changed = true;
            }
        }
        if (!changed) {
            return false;
        }
        group.epoch++;
        group.stateTimestampMs = clock.getAsLong();
        List<CoordinatorLog.Entry> records = new ArrayList<>();
        records.add(ShareGroupRecords.groupEntry(group));
        for (ShareGroup.Member m : group.members.values()) {
            Map<UUID, List<Integer>> next = target.get(m.memberId);
            if (!next.equals(m.assignment) || m.epoch == 0) {
                m.assignment = next;
                m.epoch = group.epoch;
                records.add(ShareGroupRecords.memberEntry(group.groupId(), m));
            }
        }
        writer.write(PartitionWriter.fixed(records));
        return true;
    }

    private void removeMember(ShareGroup group, ShareGroup.Member member, PartitionWriter writer) {
        if (member.session != null) {
            member.session.cancel();
        }
        group.members.remove(member.memberId);
        log.info("member {} left share group {}", member.memberId, group.groupId());
        writer.write(PartitionWriter.fixed(List.of(ShareGroupRecords.memberTombstone(group.groupId(), member.memberId))));
        if (group.members.isEmpty()) {
            group.epoch++;
            group.stateTimestampMs = clock.getAsLong();
            writer.write(PartitionWriter.fixed(List.of(ShareGroupRecords.groupEntry(group))));
        } else {
            reassign(group, writer);
        }
    }

    /** (Re)starts the member's session: without a heartbeat within the timeout it is removed. */
    private void startSession(ShareGroup group, ShareGroup.Member member) {
        if (member.session != null) {
            member.session.cancel();
        }
        member.session = timer.newTimeout(t -> io.execute(() -> {
            synchronized (group) {
                if (member.session != t || group.members.get(member.memberId) != member) {
                    return;
                }
                log.info("member {} of share group {} missed its session timeout", member.memberId, group.groupId());
                store.writerFor(group.groupId()).ifPresent(w -> removeMember(group, member, w));
            }
        }), groupSetting(group.groupId(), "share.session.timeout.ms", BrokerKeys.GROUP_SHARE_SESSION_TIMEOUT_MS),
                TimeUnit.MILLISECONDS);
    }

    /** The group's own value of a setting (checked when it was set), else the broker's. */
    private int groupSetting(String groupId, String name, dev.wharf.server.config.ConfigKey<Integer> brokerKey) {
        String v = groupConfigs.apply(groupId).get(name);
        try {
            return v == null ? config.get(brokerKey) : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return config.get(brokerKey);
        }
    }

    // ---- describe ----------------------------------------------------------------------------

    public DescribedGroup describe(String groupId) {
        if (store.writerFor(groupId).isEmpty()) {
            return new DescribedGroup(ErrorCode.NOT_COORDINATOR, groupId, "", -1, List.of());
        }
        ShareGroup group = store.group(groupId, ShareGroup.class);
        if (group == null) {
            return new DescribedGroup(ErrorCode.GROUP_ID_NOT_FOUND, groupId, "Dead", -1, List.of());
        }
        synchronized (group) {
            if (group.isDead()) {
                return new DescribedGroup(ErrorCode.GROUP_ID_NOT_FOUND, groupId, "Dead", -1, List.of());
            }
            List<DescribedMember> members = new ArrayList<>();
            for (ShareGroup.Member m : group.members.values()) {
                members.add(new DescribedMember(m.memberId, m.rackId, m.epoch, m.clientId, m.clientHost,
                        m.subscribedTopics, m.assignment));
            }
            return new DescribedGroup(ErrorCode.NONE, groupId, group.stateName(), group.epoch, members);
        }
    }

    // ---- share-partition state ---------------------------------------------------------------

    /** The stored state of a share-partition (the group must be coordinated here). */
    public StateRead readState(String groupId, UUID topicId, int partition) {
        if (store.writerFor(groupId).isEmpty()) {
            return new StateRead(ErrorCode.NOT_COORDINATOR, null);
        }
        Group any = store.group(groupId);
        if (any == null) {
            return new StateRead(ErrorCode.NONE, null);
        }
        if (!(any instanceof ShareGroup group)) {
            return new StateRead(ErrorCode.GROUP_ID_NOT_FOUND, null);
        }
        synchronized (group) {
            return new StateRead(ErrorCode.NONE, group.states.get(new ShareGroup.TopicIdPartition(topicId, partition)));
        }
    }

    /**
     * Stores a share-partition's state once durable; a write stamped with an older leader epoch
     * than the stored one comes from a deposed leader and gets FENCED_LEADER_EPOCH.
     */
    public CompletableFuture<ErrorCode> writeState(String groupId, ShareStateRecord state) {
        Optional<PartitionWriter> writer = store.writerFor(groupId);
        if (writer.isEmpty()) {
            return CompletableFuture.completedFuture(ErrorCode.NOT_COORDINATOR);
        }
        ShareGroup group = store.getOrCreate(groupId, ShareGroup.class, id -> new ShareGroup(id, clock.getAsLong()));
        if (group == null) {
            return CompletableFuture.completedFuture(ErrorCode.GROUP_ID_NOT_FOUND);
        }
        ShareGroup.TopicIdPartition key = new ShareGroup.TopicIdPartition(state.topicId(), state.partition());
        return writer.get().write(new PartitionWriter.LogWrite<>() {
            private ErrorCode error = ErrorCode.NONE;

            @Override
            public List<CoordinatorLog.Entry> records() {
                synchronized (group) {
                    ShareStateRecord stored = group.states.get(key);
                    if (stored != null && stored.stateEpoch() > state.stateEpoch()) {
                        error = ErrorCode.FENCED_STATE_EPOCH;
                        return List.of();
                    }
                    if (stored != null && stored.stateEpoch() == state.stateEpoch()
                            && stored.leaderEpoch() > state.leaderEpoch()) {
                        error = ErrorCode.FENCED_LEADER_EPOCH;
                        return List.of();
                    }
                    return List.of(ShareGroupRecords.stateEntry(groupId, state));
                }
            }

            @Override
            public ErrorCode applied() {
                if (error == ErrorCode.NONE) {
                    synchronized (group) {
                        group.states.put(key, state);
                    }
                }
                return error;
            }

            @Override
            public ErrorCode failed(Exception cause) {
                PartitionWriter.logFailure(log, "cannot store share state of " + groupId, cause);
                return PartitionWriter.errorFor(cause);
            }
        });
    }
}
