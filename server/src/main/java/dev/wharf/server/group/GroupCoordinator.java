package dev.wharf.server.group;

import dev.wharf.controller.BrokerInfo;
import dev.wharf.controller.TopicInfo;
import dev.wharf.logstore.PartitionLog;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.BrokerConfig;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.PartitionManager;
import dev.wharf.wire.message.ConsumerProtocolSubscription;
import dev.wharf.wire.protocol.MessageReader;
import io.netty.buffer.Unpooled;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator of the classic protocol: membership, rebalances and committed offsets of
 * the groups whose {@code __consumer_offsets} partition this broker leads. Each group is guarded
 * by its own lock; what must survive a restart is written to the group's partition (a
 * {@link GroupLog}) before the client hears of it.
 *
 * <p>A rebalance: JoinGroup moves the group to PreparingRebalance and waits until every known
 * member has joined again (or the rebalance timeout removes those that did not); the generation
 * then moves on, a protocol is chosen and the leader gets every member's metadata
 * (CompletingRebalance). The leader's SyncGroup carries the assignment, which is stored and handed
 * to every member (Stable). Heartbeats keep members; one missing for a session timeout removes the
 * member and starts the next rebalance. Timers run on a hashed wheel and hand their work to the
 * io threads.
 */
public final class GroupCoordinator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);
    public static final String OFFSETS_TOPIC = "__consumer_offsets";

    /** A member as the leader sees it in the JoinGroup response. */
    public record JoinedMember(String memberId, String groupInstanceId, byte[] metadata) {}

    public record JoinResult(ErrorCode error, int generation, String protocolType, String protocolName,
            String leaderId, String memberId, boolean skipAssignment, List<JoinedMember> members) {
        static JoinResult error(ErrorCode error, String memberId) {
            return new JoinResult(error, -1, null, null, "", memberId, false, List.of());
        }
    }

    public record SyncResult(ErrorCode error, String protocolType, String protocolName, byte[] assignment) {
        static SyncResult error(ErrorCode error) {
            return new SyncResult(error, null, null, new byte[0]);
        }
    }

    /** What a JoinGroup asks for. */
    public record JoinRequest(String groupId, String memberId, String groupInstanceId, String clientId,
            String clientHost, int sessionTimeoutMs, int rebalanceTimeoutMs, String protocolType,
            Map<String, byte[]> protocols, short version) {}

    /** A member named in a LeaveGroup. */
    public record LeavingMember(String memberId, String groupInstanceId) {}

    public record LeaveResult(ErrorCode error, List<ErrorCode> members) {}

    /** One partition's offset to commit. */
    public record OffsetToCommit(String topic, int partition, long offset, int leaderEpoch, String metadata) {}

    /** A group as DescribeGroups and ListGroups show it. */
    public record GroupSummary(String groupId, GroupState state, String protocolType, String protocolName,
            List<MemberSummary> members) {}

    public record MemberSummary(String memberId, String groupInstanceId, String clientId, String clientHost,
            byte[] metadata, byte[] assignment) {}

    private final PartitionManager partitions;
    private final BrokerConfig config;
    private final Executor io;
    private final LongSupplier clock;
    private final Timer timer;
    private final Map<String, ClassicGroup> groups = new ConcurrentHashMap<>();
    private final Map<Integer, GroupLog> logs = new ConcurrentHashMap<>();
    private final Object loading = new Object();

    public GroupCoordinator(PartitionManager partitions, Executor io) {
        this.partitions = partitions;
        this.config = partitions.config();
        this.io = io;
        this.clock = System::currentTimeMillis;
        partitions.onTopicDeleted(this::topicDeleted);
        this.timer = new HashedWheelTimer(r -> {
            Thread t = new Thread(r, "wharf-group-timer");
            t.setDaemon(true);
            return t;
        }, 10, TimeUnit.MILLISECONDS);
    }

    // ---- coordinator lookup and loading ------------------------------------------------------

    /** The {@code __consumer_offsets} partition a group's records go to (Kafka's mapping). */
    public int partitionFor(String groupId, int partitionCount) {
        return (groupId.hashCode() & 0x7fffffff) % partitionCount;
    }

    /**
     * The broker coordinating {@code groupId}, creating {@code __consumer_offsets} on first use, as
     * Kafka does; empty when its partition has no live leader.
     */
    public Optional<BrokerInfo> coordinatorFor(String groupId) throws Exception {
        TopicInfo topic = offsetsTopic();
        int leader = topic.partitions().get(partitionFor(groupId, topic.partitions().size())).leader();
        return partitions.metadata().liveBrokers().stream().filter(b -> b.id() == leader).findFirst();
    }

    private TopicInfo offsetsTopic() throws Exception {
        Optional<TopicInfo> existing = partitions.topic(OFFSETS_TOPIC);
        if (existing.isPresent()) {
            return existing.get();
        }
        int replicas = Math.max(1, Math.min(config.getInt("offsets.topic.replication.factor"),
                partitions.metadata().liveBrokers().size()));
        Map<String, String> configs = Map.of("cleanup.policy", "compact",
                "segment.bytes", Integer.toString(config.getInt("offsets.topic.segment.bytes")));
        try {
            TopicInfo created = partitions.createTopic(OFFSETS_TOPIC, config.getInt("offsets.topic.num.partitions"),
                    replicas, configs);
            log.info("created {} with {} partitions", OFFSETS_TOPIC, created.partitions().size());
            return created;
        } catch (Exception e) {
            // another broker (or request) created it first
            return partitions.topic(OFFSETS_TOPIC).orElseThrow(() -> e);
        }
    }

    /** Loads every partition of {@code __consumer_offsets} this broker leads (at start-up). */
    public void loadAll() throws IOException {
        Optional<TopicInfo> topic = partitions.topic(OFFSETS_TOPIC);
        if (topic.isEmpty()) {
            return;
        }
        long start = clock.getAsLong();
        for (TopicInfo.PartitionInfo p : topic.get().partitions()) {
            if (p.leader() == config.brokerId()) {
                groupLog(topic.get(), p.partition());
            }
        }
        log.info("loaded {} groups from {} in {} ms", groups.size(), OFFSETS_TOPIC, clock.getAsLong() - start);
    }

    /**
     * The log of the partition holding {@code groupId} if this broker coordinates it, loading its
     * groups the first time; empty otherwise (NOT_COORDINATOR).
     */
    private Optional<GroupLog> logFor(String groupId) {
        Optional<TopicInfo> topic = partitions.topic(OFFSETS_TOPIC);
        if (topic.isEmpty()) {
            return Optional.empty();
        }
        return groupLog(topic.get(), partitionFor(groupId, topic.get().partitions().size()));
    }

    private Optional<GroupLog> groupLog(TopicInfo topic, int partition) {
        GroupLog existing = logs.get(partition);
        if (existing != null) {
            return Optional.of(existing);
        }
        Optional<PartitionLog> log = partitions.log(topic, partition);
        if (log.isEmpty()) {
            return Optional.empty();
        }
        // one load at a time; the loader takes no group lock, so a timer holding one cannot block it
        synchronized (loading) {
            existing = logs.get(partition);
            if (existing != null) {
                return Optional.of(existing);
            }
            try {
                GroupLog loaded = GroupLog.load(log.get(), partitions.leaderEpoch(topic, partition),
                        config.getInt("offsets.topic.segment.bytes"));
                Map<String, ClassicGroup> restored = restore(loaded.entries());
                groups.putAll(restored);
                logs.put(partition, loaded);
                // members keep their place if they heartbeat within a session timeout from now
                long now = clock.getAsLong();
                for (ClassicGroup group : restored.values()) {
                    synchronized (group) {
                        group.members.values().forEach(m -> scheduleHeartbeatExpiry(group, m, now));
                    }
                }
                return Optional.of(loaded);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot load " + OFFSETS_TOPIC + "-" + partition, e);
            }
        }
    }

    /** Rebuilds a partition's groups (not yet published): offsets, and membership as of the last rebalance. */
    private Map<String, ClassicGroup> restore(List<GroupLog.Entry> entries) {
        long now = clock.getAsLong();
        Map<String, ClassicGroup> restored = new HashMap<>();
        for (GroupLog.Entry e : entries) {
            GroupRecords.Key key = GroupRecords.readKey(e.key());
            ClassicGroup group = restored.computeIfAbsent(key.group(), id -> new ClassicGroup(id, now));
            if (key.kind() == GroupRecords.OFFSET_KEY) {
                group.offsets.put(new TopicPartition(key.topic(), key.partition()), GroupRecords.readOffsetValue(e.value()));
                continue;
            }
            GroupRecords.StoredGroup stored = GroupRecords.readGroupValue(e.value());
            group.protocolType = stored.protocolType().isEmpty() ? null : stored.protocolType();
            group.generation = stored.generation();
            group.protocolName = stored.protocolName();
            group.leaderId = stored.leaderId();
            group.stateTimestampMs = stored.stateTimestamp();
            for (GroupRecords.StoredMember m : stored.members()) {
                GroupMember member = new GroupMember(m.memberId(), m.groupInstanceId(), m.clientId(), m.clientHost(),
                        m.rebalanceTimeoutMs(), m.sessionTimeoutMs(), Map.of(stored.protocolName(), m.subscription()));
                member.assignment = m.assignment();
                group.members.put(m.memberId(), member);
                if (m.groupInstanceId() != null) {
                    group.staticMembers.put(m.groupInstanceId(), m.memberId());
                }
            }
            group.state = group.members.isEmpty() ? GroupState.EMPTY : GroupState.STABLE;
        }
        return restored;
    }

    // ---- JoinGroup ---------------------------------------------------------------------------

    public CompletableFuture<JoinResult> join(JoinRequest req) {
        CompletableFuture<JoinResult> result = new CompletableFuture<>();
        if (req.groupId().isEmpty()) {
            return CompletableFuture.completedFuture(JoinResult.error(ErrorCode.INVALID_GROUP_ID, req.memberId()));
        }
        Optional<GroupLog> groupLog = logFor(req.groupId());
        if (groupLog.isEmpty()) {
            return CompletableFuture.completedFuture(JoinResult.error(ErrorCode.NOT_COORDINATOR, req.memberId()));
        }
        if (req.sessionTimeoutMs() < config.getInt("group.min.session.timeout.ms")
                || req.sessionTimeoutMs() > config.getInt("group.max.session.timeout.ms")) {
            return CompletableFuture.completedFuture(JoinResult.error(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId()));
        }
        ClassicGroup group = req.memberId().isEmpty()
                ? groups.computeIfAbsent(req.groupId(), id -> new ClassicGroup(id, clock.getAsLong()))
                : groups.get(req.groupId());
        if (group == null) {
            return CompletableFuture.completedFuture(JoinResult.error(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId()));
        }
        synchronized (group) {
            if (group.is(GroupState.DEAD)) {
                // deleted while this request was on its way: the client looks the coordinator up again
                result.complete(JoinResult.error(ErrorCode.COORDINATOR_NOT_AVAILABLE, req.memberId()));
            } else if (req.protocolType().isEmpty() || req.protocols().isEmpty()
                    || !group.supports(req.protocolType(), req.protocols().keySet())) {
                result.complete(JoinResult.error(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId()));
            } else if (req.memberId().isEmpty()) {
                joinUnknownMember(group, groupLog.get(), req, result);
            } else {
                joinKnownMember(group, req, result);
            }
        }
        return result;
    }

    private void joinUnknownMember(ClassicGroup group, GroupLog groupLog, JoinRequest req,
            CompletableFuture<JoinResult> result) {
        String newMemberId = req.clientId() + "-" + UUID.randomUUID();
        String staticHolder = group.staticMemberId(req.groupInstanceId());
        if (staticHolder != null) {
            replaceStaticMember(group, groupLog, staticHolder, newMemberId, req, result);
            return;
        }
        if (group.members.size() + group.pendingMembers.size() >= config.getInt("group.max.size")) {
            result.complete(JoinResult.error(ErrorCode.GROUP_MAX_SIZE_REACHED, ""));
            return;
        }
        if (req.groupInstanceId() == null && req.version() >= 4) {
            // KIP-394: the member learns its id first and joins with it, so a retried join after a
            // lost response does not leave a ghost member behind
            group.pendingMembers.add(newMemberId);
            timer.newTimeout(t -> io.execute(() -> expirePending(group, newMemberId)), req.sessionTimeoutMs(),
                    TimeUnit.MILLISECONDS);
            result.complete(JoinResult.error(ErrorCode.MEMBER_ID_REQUIRED, newMemberId));
            return;
        }
        addMemberAndRebalance(group, newMemberId, req, result);
    }

    private void joinKnownMember(ClassicGroup group, JoinRequest req, CompletableFuture<JoinResult> result) {
        String memberId = req.memberId();
        if (group.pendingMembers.remove(memberId)) {
            addMemberAndRebalance(group, memberId, req, result);
            return;
        }
        if (group.isStaticMemberFenced(memberId, req.groupInstanceId())) {
            result.complete(JoinResult.error(ErrorCode.FENCED_INSTANCE_ID, memberId));
            return;
        }
        GroupMember member = group.members.get(memberId);
        if (member == null || (req.groupInstanceId() != null && group.staticMemberId(req.groupInstanceId()) == null)) {
            result.complete(JoinResult.error(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
            return;
        }
        long now = clock.getAsLong();
        switch (group.state) {
            case PREPARING_REBALANCE -> {
                updateMember(member, req, result);
                maybeCompleteJoin(group);
            }
            case COMPLETING_REBALANCE, STABLE -> {
                boolean leaderInStable = group.is(GroupState.STABLE) && memberId.equals(group.leaderId);
                if (member.sameProtocols(req.protocols()) && !leaderInStable) {
                    // nothing changed: the member missed the response of the current generation
                    member.heartbeatDeadlineMs = now + member.sessionTimeoutMs;
                    result.complete(currentGeneration(group, member, false));
                } else {
                    updateMember(member, req, result);
                    prepareRebalance(group, "member " + memberId + " rejoined with new metadata or as leader");
                }
            }
            default -> result.complete(JoinResult.error(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
        }
    }

    private void updateMember(GroupMember member, JoinRequest req, CompletableFuture<JoinResult> result) {
        member.protocols = new LinkedHashMap<>(req.protocols());
        member.sessionTimeoutMs = req.sessionTimeoutMs();
        member.rebalanceTimeoutMs = req.rebalanceTimeoutMs();
        member.clientId = req.clientId();
        member.clientHost = req.clientHost();
        member.joinVersion = req.version();
        if (member.awaitingJoin != null && member.awaitingJoin != result) {
            // a newer join replaces an older one still waiting (the client gave up on it)
            member.awaitingJoin.complete(JoinResult.error(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
        }
        member.awaitingJoin = result;
    }

    private void addMemberAndRebalance(ClassicGroup group, String memberId, JoinRequest req,
            CompletableFuture<JoinResult> result) {
        long now = clock.getAsLong();
        GroupMember member = new GroupMember(memberId, req.groupInstanceId(), req.clientId(), req.clientHost(),
                req.rebalanceTimeoutMs(), req.sessionTimeoutMs(), req.protocols());
        member.joinVersion = req.version();
        member.awaitingJoin = result;
        if (group.members.isEmpty()) {
            group.protocolType = req.protocolType();
        }
        group.members.put(memberId, member);
        if (req.groupInstanceId() != null) {
            group.staticMembers.put(req.groupInstanceId(), memberId);
        }
        if (group.leaderId == null || !group.members.containsKey(group.leaderId)) {
            group.leaderId = memberId;
        }
        group.newMemberDuringDelay = true;
        scheduleHeartbeatExpiry(group, member, now);
        if (group.is(GroupState.PREPARING_REBALANCE)) {
            maybeCompleteJoin(group);
        } else {
            prepareRebalance(group, "member " + memberId + " joined");
        }
    }

    /**
     * A static member restarted (same group.instance.id, new member id): the old id is fenced and
     * the new one takes its place and assignment. A stable group whose protocol still fits does
     * not rebalance.
     */
    private void replaceStaticMember(ClassicGroup group, GroupLog groupLog, String oldMemberId, String newMemberId,
            JoinRequest req, CompletableFuture<JoinResult> result) {
        GroupMember member = group.members.remove(oldMemberId);
        if (member.awaitingJoin != null) {
            member.awaitingJoin.complete(JoinResult.error(ErrorCode.FENCED_INSTANCE_ID, oldMemberId));
            member.awaitingJoin = null;
        }
        if (member.awaitingSync != null) {
            member.awaitingSync.complete(SyncResult.error(ErrorCode.FENCED_INSTANCE_ID));
            member.awaitingSync = null;
        }
        log.info("static member {} of group {} restarted: {} replaces {}", req.groupInstanceId(), group.groupId,
                newMemberId, oldMemberId);
        member.memberId = newMemberId;
        group.members.put(newMemberId, member);
        group.staticMembers.put(req.groupInstanceId(), newMemberId);
        if (oldMemberId.equals(group.leaderId)) {
            group.leaderId = newMemberId;
        }
        boolean isLeader = newMemberId.equals(group.leaderId);
        switch (group.state) {
            case STABLE -> {
                Map<String, byte[]> oldProtocols = member.protocols;
                member.protocols = new LinkedHashMap<>(req.protocols());
                // as Kafka: no rebalance as long as the vote would pick the same protocol
                boolean protocolStillFits = req.protocolType().equals(group.protocolType)
                        && Objects.equals(group.selectProtocol(), group.protocolName);
                if (!protocolStillFits) {
                    updateMember(member, req, result);
                    prepareRebalance(group, "static member " + req.groupInstanceId() + " rejoined with other protocols");
                    return;
                }
                try {
                    // the old member id must stay fenced after a restart of this broker too
                    groupLog.write(List.of(groupEntry(group)));
                } catch (IOException | RuntimeException e) {
                    log.error("cannot store group {} after static member replacement", group.groupId, e);
                    // as if this join never happened: the old member keeps its place
                    group.members.remove(newMemberId);
                    member.memberId = oldMemberId;
                    member.protocols = oldProtocols;
                    group.members.put(oldMemberId, member);
                    group.staticMembers.put(req.groupInstanceId(), oldMemberId);
                    if (isLeader) {
                        group.leaderId = oldMemberId;
                    }
                    result.complete(JoinResult.error(ErrorCode.UNKNOWN_SERVER_ERROR, ""));
                    return;
                }
                member.sessionTimeoutMs = req.sessionTimeoutMs();
                member.rebalanceTimeoutMs = req.rebalanceTimeoutMs();
                member.heartbeatDeadlineMs = clock.getAsLong() + member.sessionTimeoutMs;
                if (isLeader && req.version() < 9) {
                    // as Kafka: an old client told it leads would assign again and so rebalance; named
                    // by its old id, it syncs as a follower and gets its assignment back
                    result.complete(new JoinResult(ErrorCode.NONE, group.generation, group.protocolType,
                            group.protocolName, oldMemberId, newMemberId, false, List.of()));
                } else {
                    // a v9+ leader gets the members back but need not assign again (KIP-814)
                    result.complete(currentGeneration(group, member, isLeader));
                }
            }
            case PREPARING_REBALANCE -> {
                updateMember(member, req, result);
                maybeCompleteJoin(group);
            }
            default -> {
                updateMember(member, req, result);
                prepareRebalance(group, "static member " + req.groupInstanceId() + " rejoined");
            }
        }
    }

    private JoinResult currentGeneration(ClassicGroup group, GroupMember member, boolean skipAssignment) {
        boolean isLeader = member.memberId.equals(group.leaderId);
        return new JoinResult(ErrorCode.NONE, group.generation, group.protocolType, group.protocolName, group.leaderId,
                member.memberId, skipAssignment, isLeader ? joinedMembers(group) : List.of());
    }

    private static List<JoinedMember> joinedMembers(ClassicGroup group) {
        List<JoinedMember> out = new ArrayList<>();
        for (GroupMember m : group.members.values()) {
            out.add(new JoinedMember(m.memberId, m.groupInstanceId, m.metadata(group.protocolName)));
        }
        return out;
    }

    // ---- rebalance phases --------------------------------------------------------------------

    private void prepareRebalance(ClassicGroup group, String reason) {
        long now = clock.getAsLong();
        if (group.is(GroupState.COMPLETING_REBALANCE)) {
            // the assignment being agreed on is void: everyone joins again
            for (GroupMember m : group.members.values()) {
                m.assignment = new byte[0];
                if (m.awaitingSync != null) {
                    m.awaitingSync.complete(SyncResult.error(ErrorCode.REBALANCE_IN_PROGRESS));
                    m.awaitingSync = null;
                }
            }
        }
        cancelPhaseTimer(group);
        boolean fromEmpty = group.is(GroupState.EMPTY);
        group.transition(GroupState.PREPARING_REBALANCE, now);
        int rebalanceTimeout = group.maxRebalanceTimeoutMs();
        group.rebalanceDeadlineMs = now + rebalanceTimeout;
        log.info("preparing to rebalance group {} generation {} ({})", group.groupId, group.generation, reason);
        int initialDelay = config.getInt("group.initial.rebalance.delay.ms");
        if (fromEmpty && initialDelay > 0) {
            // the first members of a group usually start together: wait a little for the others
            group.initialDelay = true;
            group.newMemberDuringDelay = false;
            schedulePhase(group, Math.min(initialDelay, rebalanceTimeout));
        } else {
            group.initialDelay = false;
            schedulePhase(group, rebalanceTimeout);
            maybeCompleteJoin(group);
        }
    }

    private void maybeCompleteJoin(ClassicGroup group) {
        if (group.is(GroupState.PREPARING_REBALANCE) && !group.initialDelay && group.allMembersJoined()) {
            completeJoin(group);
        }
    }

    /** The join phase's timer fired: the initial delay ends (or extends), or the rebalance timeout passed. */
    private void onJoinTimer(ClassicGroup group) {
        long now = clock.getAsLong();
        if (group.initialDelay && group.newMemberDuringDelay && now < group.rebalanceDeadlineMs) {
            group.newMemberDuringDelay = false;
            schedulePhase(group, Math.min(config.getInt("group.initial.rebalance.delay.ms"),
                    group.rebalanceDeadlineMs - now));
            return;
        }
        group.initialDelay = false;
        completeJoin(group);
    }

    private void completeJoin(ClassicGroup group) {
        long now = clock.getAsLong();
        cancelPhaseTimer(group);
        for (GroupMember m : List.copyOf(group.members.values())) {
            // as Kafka: a static member keeps its place while it restarts; only its session timeout removes it
            if (m.awaitingJoin == null && m.groupInstanceId == null) {
                log.info("member {} of group {} did not rejoin in time; removed", m.memberId, group.groupId);
                forget(group, m);
            }
        }
        if (!group.members.isEmpty() && group.members.values().stream().allMatch(m -> m.awaitingJoin == null)) {
            // only absent static members are left: wait for them (or for their sessions to end)
            schedulePhase(group, group.maxRebalanceTimeoutMs());
            return;
        }
        group.generation++;
        if (group.members.isEmpty()) {
            group.protocolName = null;
            group.leaderId = null;
            group.transition(GroupState.EMPTY, now);
            writeGroup(group);
            log.info("group {} is empty at generation {}", group.groupId, group.generation);
            return;
        }
        group.protocolName = group.selectProtocol();
        GroupMember currentLeader = group.leaderId == null ? null : group.members.get(group.leaderId);
        if (currentLeader == null || currentLeader.awaitingJoin == null) {
            group.leaderId = group.members.values().stream().filter(m -> m.awaitingJoin != null).findFirst()
                    .orElseThrow().memberId;
        }
        group.transition(GroupState.COMPLETING_REBALANCE, now);
        log.info("group {} generation {} has {} members, protocol {}, leader {}", group.groupId, group.generation,
                group.members.size(), group.protocolName, group.leaderId);
        List<JoinedMember> all = joinedMembers(group);
        for (GroupMember m : group.members.values()) {
            m.heartbeatDeadlineMs = now + m.sessionTimeoutMs;
            CompletableFuture<JoinResult> waiting = m.awaitingJoin;
            if (waiting == null) {
                continue; // an absent static member: it learns the generation when it comes back
            }
            m.awaitingJoin = null;
            boolean isLeader = m.memberId.equals(group.leaderId);
            waiting.complete(new JoinResult(ErrorCode.NONE, group.generation, group.protocolType, group.protocolName,
                    group.leaderId, m.memberId, false, isLeader ? all : List.of()));
        }
        // if the leader never sends its assignment, the group starts over
        schedulePhase(group, group.maxRebalanceTimeoutMs());
    }

    /** The sync phase's timer fired: the leader's assignment did not come. */
    private void onSyncTimer(ClassicGroup group) {
        for (GroupMember m : List.copyOf(group.members.values())) {
            if (m.awaitingSync == null) {
                log.info("member {} of group {} did not sync in time; removed", m.memberId, group.groupId);
                forget(group, m);
            }
        }
        prepareRebalance(group, "the assignment did not arrive in time");
    }

    private void schedulePhase(ClassicGroup group, long delayMs) {
        GroupState phase = group.state;
        int generation = group.generation;
        group.phaseTimer = timer.newTimeout(t -> io.execute(() -> {
            synchronized (group) {
                if (group.phaseTimer != t || group.state != phase || group.generation != generation) {
                    return; // superseded
                }
                group.phaseTimer = null;
                if (phase == GroupState.PREPARING_REBALANCE) {
                    onJoinTimer(group);
                } else if (phase == GroupState.COMPLETING_REBALANCE) {
                    onSyncTimer(group);
                }
            }
        }), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
    }

    private static void cancelPhaseTimer(ClassicGroup group) {
        if (group.phaseTimer != null) {
            group.phaseTimer.cancel();
            group.phaseTimer = null;
        }
    }

    // ---- members leaving -----------------------------------------------------------------------

    private void scheduleHeartbeatExpiry(ClassicGroup group, GroupMember member, long now) {
        member.heartbeatDeadlineMs = now + member.sessionTimeoutMs;
        scheduleHeartbeatCheck(group, member, member.sessionTimeoutMs);
    }

    /** One timer per member at a time: a check that finds the deadline moved reschedules itself. */
    private void scheduleHeartbeatCheck(ClassicGroup group, GroupMember member, long delayMs) {
        timer.newTimeout(t -> io.execute(() -> {
            synchronized (group) {
                if (group.members.get(member.memberId) != member) {
                    return;
                }
                long now = clock.getAsLong();
                if (member.awaitingJoin != null || member.awaitingSync != null) {
                    member.heartbeatDeadlineMs = now + member.sessionTimeoutMs; // waiting on the coordinator
                }
                if (now < member.heartbeatDeadlineMs) {
                    scheduleHeartbeatCheck(group, member, member.heartbeatDeadlineMs - now);
                    return;
                }
                log.info("member {} of group {} missed its session timeout of {} ms; removed", member.memberId,
                        group.groupId, member.sessionTimeoutMs);
                removeMember(group, member);
            }
        }), Math.max(1, delayMs), TimeUnit.MILLISECONDS);
    }

    private void expirePending(ClassicGroup group, String memberId) {
        synchronized (group) {
            if (group.pendingMembers.remove(memberId)) {
                maybeCompleteJoin(group);
            }
        }
    }

    /** Drops a member from the group's books, answering anything it still waits for. */
    private static void forget(ClassicGroup group, GroupMember m) {
        group.members.remove(m.memberId);
        if (m.groupInstanceId != null && m.memberId.equals(group.staticMembers.get(m.groupInstanceId))) {
            group.staticMembers.remove(m.groupInstanceId);
        }
        if (m.awaitingJoin != null) {
            m.awaitingJoin.complete(JoinResult.error(ErrorCode.UNKNOWN_MEMBER_ID, m.memberId));
            m.awaitingJoin = null;
        }
        if (m.awaitingSync != null) {
            m.awaitingSync.complete(SyncResult.error(ErrorCode.UNKNOWN_MEMBER_ID));
            m.awaitingSync = null;
        }
        if (m.memberId.equals(group.leaderId)) {
            group.leaderId = group.members.isEmpty() ? null : group.members.keySet().iterator().next();
        }
    }

    private void removeMember(ClassicGroup group, GroupMember m) {
        forget(group, m);
        switch (group.state) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(group, "member " + m.memberId + " left");
            case PREPARING_REBALANCE -> maybeCompleteJoin(group);
            default -> {}
        }
    }

    /** LeaveGroup: a group-level error, and one error per member named. */
    public LeaveResult leave(String groupId, List<LeavingMember> leaving) {
        List<ErrorCode> out = new ArrayList<>();
        if (groupId.isEmpty()) {
            return new LeaveResult(ErrorCode.INVALID_GROUP_ID, List.of());
        }
        if (logFor(groupId).isEmpty()) {
            return new LeaveResult(ErrorCode.NOT_COORDINATOR, List.of());
        }
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            leaving.forEach(m -> out.add(ErrorCode.UNKNOWN_MEMBER_ID)); // as Kafka: per member, not for the request
            return new LeaveResult(ErrorCode.NONE, out);
        }
        synchronized (group) {
            if (group.is(GroupState.DEAD)) {
                return new LeaveResult(ErrorCode.COORDINATOR_NOT_AVAILABLE, List.of());
            }
            for (LeavingMember l : leaving) {
                String memberId = l.memberId();
                if (memberId.isEmpty() && l.groupInstanceId() != null) {
                    memberId = group.staticMemberId(l.groupInstanceId()); // leaving by instance id alone
                } else if (group.isStaticMemberFenced(memberId, l.groupInstanceId())) {
                    out.add(ErrorCode.FENCED_INSTANCE_ID);
                    continue;
                }
                if (memberId != null && group.pendingMembers.remove(memberId)) {
                    maybeCompleteJoin(group);
                    out.add(ErrorCode.NONE);
                    continue;
                }
                GroupMember member = memberId == null ? null : group.members.get(memberId);
                if (member == null) {
                    out.add(ErrorCode.UNKNOWN_MEMBER_ID);
                    continue;
                }
                log.info("member {} left group {}", memberId, groupId);
                removeMember(group, member);
                out.add(ErrorCode.NONE);
            }
        }
        return new LeaveResult(ErrorCode.NONE, out);
    }

    // ---- SyncGroup and Heartbeat --------------------------------------------------------------

    public CompletableFuture<SyncResult> sync(String groupId, int generation, String memberId, String groupInstanceId,
            String protocolType, String protocolName, Map<String, byte[]> assignments) {
        if (groupId.isEmpty()) {
            return CompletableFuture.completedFuture(SyncResult.error(ErrorCode.INVALID_GROUP_ID));
        }
        if (logFor(groupId).isEmpty()) {
            return CompletableFuture.completedFuture(SyncResult.error(ErrorCode.NOT_COORDINATOR));
        }
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            return CompletableFuture.completedFuture(SyncResult.error(ErrorCode.UNKNOWN_MEMBER_ID));
        }
        CompletableFuture<SyncResult> result = new CompletableFuture<>();
        synchronized (group) {
            ErrorCode error = validateMember(group, memberId, groupInstanceId, generation);
            if (error == ErrorCode.NONE && (inconsistent(protocolType, group.protocolType)
                    || inconsistent(protocolName, group.protocolName))) {
                error = ErrorCode.INCONSISTENT_GROUP_PROTOCOL;
            }
            if (error != ErrorCode.NONE) {
                return CompletableFuture.completedFuture(SyncResult.error(error));
            }
            GroupMember member = group.members.get(memberId);
            member.heartbeatDeadlineMs = clock.getAsLong() + member.sessionTimeoutMs;
            switch (group.state) {
                case PREPARING_REBALANCE -> result.complete(SyncResult.error(ErrorCode.REBALANCE_IN_PROGRESS));
                case STABLE -> result.complete(new SyncResult(ErrorCode.NONE, group.protocolType, group.protocolName,
                        member.assignment));
                case COMPLETING_REBALANCE -> {
                    if (member.awaitingSync != null) {
                        member.awaitingSync.complete(SyncResult.error(ErrorCode.REBALANCE_IN_PROGRESS)); // superseded
                    }
                    member.awaitingSync = result;
                    if (memberId.equals(group.leaderId)) {
                        completeSync(group, assignments);
                    }
                }
                default -> result.complete(SyncResult.error(ErrorCode.UNKNOWN_MEMBER_ID));
            }
        }
        return result;
    }

    /** As Kafka: only two known values can disagree. */
    private static boolean inconsistent(String requested, String known) {
        return requested != null && known != null && !requested.equals(known);
    }

    /** The leader's assignment arrived: store it with the membership, then hand it out. */
    private void completeSync(ClassicGroup group, Map<String, byte[]> assignments) {
        for (GroupMember m : group.members.values()) {
            m.assignment = assignments.getOrDefault(m.memberId, new byte[0]);
        }
        if (!writeGroup(group)) {
            for (GroupMember m : group.members.values()) {
                m.assignment = new byte[0];
            }
            prepareRebalance(group, "the assignment could not be stored");
            return;
        }
        cancelPhaseTimer(group);
        long now = clock.getAsLong();
        group.transition(GroupState.STABLE, now);
        for (GroupMember m : group.members.values()) {
            // a member that waited long for the assignment gets a whole session to its next heartbeat
            m.heartbeatDeadlineMs = now + m.sessionTimeoutMs;
            if (m.awaitingSync != null) {
                m.awaitingSync.complete(new SyncResult(ErrorCode.NONE, group.protocolType, group.protocolName,
                        m.assignment));
                m.awaitingSync = null;
            }
        }
        log.info("group {} generation {} is stable", group.groupId, group.generation);
    }

    /** Kafka's checks for a request from a member of the current generation. */
    private static ErrorCode validateMember(ClassicGroup group, String memberId, String groupInstanceId, int generation) {
        if (group.is(GroupState.DEAD)) {
            return ErrorCode.COORDINATOR_NOT_AVAILABLE;
        }
        if (group.isStaticMemberFenced(memberId, groupInstanceId)) {
            return ErrorCode.FENCED_INSTANCE_ID;
        }
        if (!group.members.containsKey(memberId)) {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        if (generation != group.generation) {
            return ErrorCode.ILLEGAL_GENERATION;
        }
        return ErrorCode.NONE;
    }

    public ErrorCode heartbeat(String groupId, String memberId, String groupInstanceId, int generation) {
        if (groupId.isEmpty()) {
            return ErrorCode.INVALID_GROUP_ID;
        }
        if (logFor(groupId).isEmpty()) {
            return ErrorCode.NOT_COORDINATOR;
        }
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        synchronized (group) {
            ErrorCode error = validateMember(group, memberId, groupInstanceId, generation);
            if (error != ErrorCode.NONE) {
                return error;
            }
            GroupMember member = group.members.get(memberId);
            member.heartbeatDeadlineMs = clock.getAsLong() + member.sessionTimeoutMs;
            return switch (group.state) {
                case PREPARING_REBALANCE -> ErrorCode.REBALANCE_IN_PROGRESS;
                case STABLE, COMPLETING_REBALANCE -> ErrorCode.NONE;
                default -> ErrorCode.UNKNOWN_MEMBER_ID;
            };
        }
    }

    // ---- offsets -----------------------------------------------------------------------------

    /**
     * OffsetCommit: the group-level error (NONE if the commit may proceed), or per-partition
     * errors in the order given.
     */
    public List<ErrorCode> commitOffsets(String groupId, String memberId, String groupInstanceId, int generation,
            long retentionMs, List<OffsetToCommit> offsets, short version) {
        Optional<GroupLog> groupLog = logFor(groupId);
        if (groupLog.isEmpty()) {
            return offsets.stream().map(o -> ErrorCode.NOT_COORDINATOR).toList();
        }
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            if (generation >= 0) {
                ErrorCode e = version >= 9 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION;
                return offsets.stream().map(o -> e).toList();
            }
            // a consumer managing its own partitions: the group exists for its offsets alone
            group = groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, clock.getAsLong()));
        }
        synchronized (group) {
            ErrorCode groupError = validateCommit(group, memberId, groupInstanceId, generation);
            if (groupError != ErrorCode.NONE) {
                ErrorCode e = groupError;
                return offsets.stream().map(o -> e).toList();
            }
            long now = clock.getAsLong();
            GroupMember member = group.members.get(memberId);
            if (member != null) {
                member.heartbeatDeadlineMs = now + member.sessionTimeoutMs;
            }
            int maxMetadata = config.getInt("offset.metadata.max.bytes");
            List<ErrorCode> errors = new ArrayList<>();
            List<GroupLog.Entry> entries = new ArrayList<>();
            Map<TopicPartition, CommittedOffset> accepted = new LinkedHashMap<>();
            for (OffsetToCommit o : offsets) {
                String metadata = o.metadata() == null ? "" : o.metadata();
                Optional<TopicInfo> topic = partitions.topic(o.topic());
                if (topic.isEmpty() || o.partition() < 0 || o.partition() >= topic.get().partitions().size()) {
                    errors.add(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
                } else if (metadata.length() > maxMetadata) {
                    errors.add(ErrorCode.OFFSET_METADATA_TOO_LARGE);
                } else {
                    CommittedOffset committed = new CommittedOffset(o.offset(), o.leaderEpoch(), metadata, now,
                            retentionMs >= 0 ? now + retentionMs : -1);
                    accepted.put(new TopicPartition(o.topic(), o.partition()), committed);
                    entries.add(new GroupLog.Entry(GroupRecords.offsetKey(groupId, o.topic(), o.partition()),
                            GroupRecords.offsetValue(committed)));
                    errors.add(ErrorCode.NONE);
                }
            }
            try {
                groupLog.get().write(entries);
            } catch (IOException | RuntimeException e) {
                log.error("cannot store offsets of group {}", groupId, e);
                return errors.stream().map(x -> x == ErrorCode.NONE ? ErrorCode.UNKNOWN_SERVER_ERROR : x).toList();
            }
            group.offsets.putAll(accepted);
            return errors;
        }
    }

    private static ErrorCode validateCommit(ClassicGroup group, String memberId, String groupInstanceId, int generation) {
        if (group.is(GroupState.DEAD)) {
            return ErrorCode.COORDINATOR_NOT_AVAILABLE;
        }
        if (generation < 0 && group.is(GroupState.EMPTY)) {
            return ErrorCode.NONE; // not using the coordinator for membership
        }
        if (generation >= 0 || !memberId.isEmpty() || groupInstanceId != null) {
            ErrorCode e = validateMember(group, memberId, groupInstanceId, generation);
            if (e != ErrorCode.NONE) {
                return e;
            }
        } else {
            // the group has members, and this commit comes from none of them
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        if (group.is(GroupState.COMPLETING_REBALANCE)) {
            // the member knows the new generation but not its assignment yet
            return ErrorCode.REBALANCE_IN_PROGRESS;
        }
        return ErrorCode.NONE;
    }

    /**
     * OffsetFetch for one group: the committed offsets of the given partitions (null: every
     * partition with one); empty when this broker does not coordinate the group.
     */
    public Optional<Map<TopicPartition, CommittedOffset>> fetchOffsets(String groupId, List<TopicPartition> requested) {
        if (logFor(groupId).isEmpty()) {
            return Optional.empty();
        }
        ClassicGroup group = groups.get(groupId);
        Map<TopicPartition, CommittedOffset> out = new LinkedHashMap<>();
        if (group == null) {
            return Optional.of(out);
        }
        synchronized (group) {
            if (requested == null) {
                out.putAll(group.offsets);
            } else {
                for (TopicPartition tp : requested) {
                    CommittedOffset o = group.offsets.get(tp);
                    if (o != null) {
                        out.put(tp, o);
                    }
                }
            }
        }
        return Optional.of(out);
    }

    /** OffsetDelete: a group-level error, or NONE and a per-partition error for each. */
    public Map.Entry<ErrorCode, Map<TopicPartition, ErrorCode>> deleteOffsets(String groupId,
            List<TopicPartition> requested) {
        Optional<GroupLog> groupLog = logFor(groupId);
        if (groupLog.isEmpty()) {
            return Map.entry(ErrorCode.NOT_COORDINATOR, Map.of());
        }
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            return Map.entry(ErrorCode.GROUP_ID_NOT_FOUND, Map.of());
        }
        synchronized (group) {
            if (group.is(GroupState.DEAD)) {
                return Map.entry(ErrorCode.GROUP_ID_NOT_FOUND, Map.of());
            }
            Set<String> subscribed;
            if (group.is(GroupState.EMPTY)) {
                subscribed = Set.of();
            } else if ("consumer".equals(group.protocolType)) {
                subscribed = subscribedTopics(group);
            } else {
                return Map.entry(ErrorCode.NON_EMPTY_GROUP, Map.of());
            }
            Map<TopicPartition, ErrorCode> out = new LinkedHashMap<>();
            List<GroupLog.Entry> tombstones = new ArrayList<>();
            for (TopicPartition tp : requested) {
                if (subscribed == null || subscribed.contains(tp.topic())) {
                    out.put(tp, ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC);
                } else {
                    out.put(tp, ErrorCode.NONE);
                    if (group.offsets.containsKey(tp)) {
                        tombstones.add(new GroupLog.Entry(GroupRecords.offsetKey(groupId, tp.topic(), tp.partition()), null));
                    }
                }
            }
            try {
                groupLog.get().write(tombstones);
            } catch (IOException | RuntimeException e) {
                log.error("cannot delete offsets of group {}", groupId, e);
                return Map.entry(ErrorCode.UNKNOWN_SERVER_ERROR, Map.of());
            }
            out.forEach((tp, e) -> {
                if (e == ErrorCode.NONE) {
                    group.offsets.remove(tp);
                }
            });
            return Map.entry(ErrorCode.NONE, out);
        }
    }

    /** The topics the members subscribe to, read from their consumer-protocol metadata; null if unreadable. */
    private static Set<String> subscribedTopics(ClassicGroup group) {
        Set<String> topics = new HashSet<>();
        for (GroupMember m : group.members.values()) {
            byte[] metadata = m.metadata(group.protocolName != null ? group.protocolName
                    : m.protocols.keySet().stream().findFirst().orElse(null));
            try {
                MessageReader reader = new MessageReader(Unpooled.wrappedBuffer(metadata));
                short version = reader.readShort();
                ConsumerProtocolSubscription s = new ConsumerProtocolSubscription(reader,
                        (short) Math.min(version, ConsumerProtocolSubscription.HIGHEST_SUPPORTED_VERSION));
                topics.addAll(s.topics());
            } catch (RuntimeException e) {
                return null;
            }
        }
        return topics;
    }

    // ---- administration ----------------------------------------------------------------------

    /** DescribeGroups for one group: empty when not coordinated here; a Dead summary when unknown. */
    public Optional<GroupSummary> describe(String groupId) {
        if (logFor(groupId).isEmpty()) {
            return Optional.empty();
        }
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            return Optional.of(new GroupSummary(groupId, GroupState.DEAD, "", "", List.of()));
        }
        synchronized (group) {
            boolean stable = group.is(GroupState.STABLE);
            List<MemberSummary> members = new ArrayList<>();
            for (GroupMember m : group.members.values()) {
                // as Kafka: metadata and assignment only once the group is stable
                members.add(new MemberSummary(m.memberId, m.groupInstanceId, m.clientId, m.clientHost,
                        stable ? m.metadata(group.protocolName) : new byte[0], stable ? m.assignment : new byte[0]));
            }
            return Optional.of(new GroupSummary(groupId, group.state, group.protocolType == null ? "" : group.protocolType,
                    stable ? group.protocolName : "", members));
        }
    }

    /** Every group this broker coordinates. */
    public List<GroupSummary> list() {
        List<GroupSummary> out = new ArrayList<>();
        for (ClassicGroup group : groups.values()) {
            synchronized (group) {
                if (!group.is(GroupState.DEAD)) {
                    out.add(new GroupSummary(group.groupId, group.state,
                            group.protocolType == null ? "" : group.protocolType, group.protocolName, List.of()));
                }
            }
        }
        return out;
    }

    public ErrorCode deleteGroup(String groupId) {
        Optional<GroupLog> groupLog = logFor(groupId);
        if (groupLog.isEmpty()) {
            return ErrorCode.NOT_COORDINATOR;
        }
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            return ErrorCode.GROUP_ID_NOT_FOUND;
        }
        synchronized (group) {
            if (group.is(GroupState.DEAD)) {
                return ErrorCode.GROUP_ID_NOT_FOUND;
            }
            if (!group.is(GroupState.EMPTY)) {
                return ErrorCode.NON_EMPTY_GROUP;
            }
            try {
                groupLog.get().write(tombstones(group, group.offsets.keySet(), true));
            } catch (IOException | RuntimeException e) {
                log.error("cannot delete group {}", groupId, e);
                return ErrorCode.UNKNOWN_SERVER_ERROR;
            }
            group.transition(GroupState.DEAD, clock.getAsLong());
            groups.remove(groupId, group);
            log.info("deleted group {}", groupId);
            return ErrorCode.NONE;
        }
    }

    private static List<GroupLog.Entry> tombstones(ClassicGroup group, Set<TopicPartition> offsets, boolean groupToo) {
        List<GroupLog.Entry> out = new ArrayList<>();
        for (TopicPartition tp : offsets) {
            out.add(new GroupLog.Entry(GroupRecords.offsetKey(group.groupId, tp.topic(), tp.partition()), null));
        }
        if (groupToo) {
            out.add(new GroupLog.Entry(GroupRecords.groupKey(group.groupId), null));
        }
        return out;
    }

    /**
     * Removes offsets past their retention, as Kafka does: an empty group's offsets
     * {@code offsets.retention.minutes} after it became empty (or after the commit, for a group
     * that never had members); a stable consumer group's offsets of topics no member subscribes
     * to, counted from the commit; a commit's own expiry time (v2-v4) always. An empty group left
     * with no offsets is deleted. Returns how many offsets expired.
     */
    public int expireOffsets() {
        long now = clock.getAsLong();
        long retentionMs = TimeUnit.MINUTES.toMillis(config.getLong("offsets.retention.minutes"));
        int expired = 0;
        for (ClassicGroup group : groups.values()) {
            Optional<GroupLog> groupLog = logFor(group.groupId);
            if (groupLog.isEmpty()) {
                continue;
            }
            synchronized (group) {
                if (group.is(GroupState.DEAD)) {
                    continue;
                }
                Set<String> keep;
                boolean fromStateChange;
                if (group.is(GroupState.EMPTY)) {
                    keep = Set.of();
                    fromStateChange = group.protocolType != null;
                } else if ("consumer".equals(group.protocolType) && group.is(GroupState.STABLE)) {
                    keep = subscribedTopics(group);
                    fromStateChange = false;
                } else {
                    continue; // members are moving: nothing expires mid-rebalance
                }
                if (keep == null) {
                    continue; // subscriptions unreadable: keep everything
                }
                Set<TopicPartition> gone = new HashSet<>();
                group.offsets.forEach((tp, o) -> {
                    boolean due = o.expireTimestamp() >= 0 ? now >= o.expireTimestamp()
                            : now - (fromStateChange ? group.stateTimestampMs : o.commitTimestamp()) >= retentionMs;
                    if (due && !keep.contains(tp.topic())) {
                        gone.add(tp);
                    }
                });
                boolean emptyWithoutOffsets = group.is(GroupState.EMPTY) && group.offsets.isEmpty();
                if ((gone.isEmpty() && !emptyWithoutOffsets) || !removeOffsets(group, groupLog.get(), gone, now)) {
                    continue;
                }
                expired += gone.size();
            }
        }
        return expired;
    }

    /**
     * A deleted topic's offsets go from every group, as in Kafka (a topic re-created under the name
     * starts with no committed positions); an empty group left with no offsets goes too.
     */
    void topicDeleted(String topic) {
        for (ClassicGroup group : groups.values()) {
            Optional<GroupLog> groupLog = logFor(group.groupId);
            if (groupLog.isEmpty()) {
                continue;
            }
            synchronized (group) {
                Set<TopicPartition> gone = new HashSet<>();
                group.offsets.keySet().stream().filter(tp -> tp.topic().equals(topic)).forEach(gone::add);
                if (gone.isEmpty() || group.is(GroupState.DEAD)) {
                    continue;
                }
                removeOffsets(group, groupLog.get(), gone, clock.getAsLong());
            }
        }
    }

    /** Writes tombstones for {@code gone} and forgets them; an empty group left without offsets is deleted. */
    private boolean removeOffsets(ClassicGroup group, GroupLog groupLog, Set<TopicPartition> gone, long now) {
        boolean deleteGroup = group.is(GroupState.EMPTY) && gone.size() == group.offsets.size();
        try {
            groupLog.write(tombstones(group, gone, deleteGroup));
        } catch (IOException | RuntimeException e) {
            log.error("cannot remove offsets of group {}", group.groupId, e);
            return false;
        }
        gone.forEach(group.offsets::remove);
        if (deleteGroup) {
            group.transition(GroupState.DEAD, now);
            groups.remove(group.groupId, group);
        }
        return true;
    }

    // ---- persistence -----------------------------------------------------------------------

    private GroupLog.Entry groupEntry(ClassicGroup group) {
        List<GroupRecords.StoredMember> members = new ArrayList<>();
        for (GroupMember m : group.members.values()) {
            members.add(new GroupRecords.StoredMember(m.memberId, m.groupInstanceId, m.clientId, m.clientHost,
                    m.rebalanceTimeoutMs, m.sessionTimeoutMs, m.metadata(group.protocolName), m.assignment));
        }
        GroupRecords.StoredGroup stored = new GroupRecords.StoredGroup(
                group.protocolType == null ? "" : group.protocolType, group.generation, group.protocolName,
                group.leaderId, group.stateTimestampMs, members);
        return new GroupLog.Entry(GroupRecords.groupKey(group.groupId), GroupRecords.groupValue(stored));
    }

    /** Stores the group's membership; false (logged) if it could not be written. */
    private boolean writeGroup(ClassicGroup group) {
        Optional<GroupLog> groupLog = logFor(group.groupId);
        if (groupLog.isEmpty()) {
            return false;
        }
        try {
            groupLog.get().write(List.of(groupEntry(group)));
            return true;
        } catch (IOException | RuntimeException e) {
            log.error("cannot store group {}", group.groupId, e);
            return false;
        }
    }

    /** For tests: the bytes on disk of the partition holding {@code groupId}. */
    public long storedBytes(String groupId) {
        return logFor(groupId).map(GroupLog::sizeOnDisk).orElse(0L);
    }

    @Override
    public void close() {
        timer.stop();
    }
}
