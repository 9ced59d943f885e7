package dev.wharf.server.group;

import dev.wharf.controller.TopicExistsException;
import dev.wharf.controller.TopicInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.BrokerConfig;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.TopicAdmin;
import dev.wharf.server.TopicNames;
import dev.wharf.server.config.BrokerKeys;
import dev.wharf.server.coordinator.CoordinatorLog;
import dev.wharf.server.coordinator.PartitionWriter;
import dev.wharf.wire.message.StreamsGroupHeartbeatRequest;
import dev.wharf.wire.message.StreamsGroupHeartbeatResponse;
import io.netty.util.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator of streams groups (KIP-1071) as the handlers see it. A StreamsGroupHeartbeat is
 * checked (INVALID_REQUEST, NOT_COORDINATOR, a group of another kind), its topology checked against
 * the cluster's topics with no lock held, the internal topics it lacks created through
 * {@link TopicAdmin} (as Kafka's broker creates them: changelogs with as many partitions as their
 * subtopology has tasks, repartition topics as derived), and then decided by
 * {@link StreamsHeartbeat} on the group's partition writer, answered once its records are durable.
 * Members that stop heartbeating for the session timeout, or do not release revoked tasks within
 * their rebalance timeout, are removed. Describing is {@link StreamsDescriber}'s.
 *
 * <p>Threads: io threads call in; timer tasks only hand work to the io executor. Each group's state
 * is guarded by its monitor; appends happen on the partition writer with no monitor held. If an
 * append fails, the change stays in memory (the partition is moving away: the group is unloaded).
 */
public final class StreamsCoordinator {
    private static final Logger log = LoggerFactory.getLogger(StreamsCoordinator.class);

    private final GroupStore store;
    private final ZkMetadataStore metadata;
    private final TopicAdmin admin;
    private final Executor io;
    private final Timer timer;
    private final LongSupplier clock;
    private final BrokerConfig config;
    private final StreamsHeartbeat heartbeats;
    private final StreamsHeartbeat.Settings settings;

    public StreamsCoordinator(GroupStore store, ZkMetadataStore metadata, TopicAdmin admin, Executor io, Timer timer,
            LongSupplier clock) {
        this.store = store;
        this.metadata = metadata;
        this.admin = admin;
        this.io = io;
        this.timer = timer;
        this.clock = clock;
        this.config = store.config();
        int session = Math.min(Math.max(config.get(BrokerKeys.GROUP_STREAMS_SESSION_TIMEOUT_MS),
                config.get(BrokerKeys.GROUP_STREAMS_MIN_SESSION_TIMEOUT_MS)),
                config.get(BrokerKeys.GROUP_STREAMS_MAX_SESSION_TIMEOUT_MS));
        int interval = Math.min(Math.max(config.get(BrokerKeys.GROUP_STREAMS_HEARTBEAT_INTERVAL_MS),
                config.get(BrokerKeys.GROUP_STREAMS_MIN_HEARTBEAT_INTERVAL_MS)),
                config.get(BrokerKeys.GROUP_STREAMS_MAX_HEARTBEAT_INTERVAL_MS));
        this.settings = new StreamsHeartbeat.Settings(session, interval, config.get(BrokerKeys.GROUP_STREAMS_MAX_SIZE),
                Math.min(config.get(BrokerKeys.GROUP_STREAMS_NUM_STANDBY_REPLICAS),
                        config.get(BrokerKeys.GROUP_STREAMS_MAX_STANDBY_REPLICAS)),
                config.get(BrokerKeys.GROUP_STREAMS_INITIAL_REBALANCE_DELAY_MS),
                config.get(BrokerKeys.GROUP_STREAMS_ACCEPTABLE_RECOVERY_LAG),
                config.get(BrokerKeys.GROUP_STREAMS_TASK_OFFSET_INTERVAL_MS));
        this.heartbeats = new StreamsHeartbeat(settings);
        // restored members keep their place if they heartbeat within a session timeout from now; groups
        // loaded before this coordinator started (at start-up) get their sessions here too
        store.onLoaded(this::startSessions);
        startSessions(List.copyOf(store.all()));
    }

    private void startSessions(java.util.Collection<Group> groups) {
        long now = clock.getAsLong();
        for (Group g : groups) {
            if (g instanceof StreamsGroup group) {
                synchronized (group) {
                    group.members.values().forEach(m -> startSession(group, m, now));
                }
            }
        }
    }

    GroupStore store() {
        return store;
    }

    /**
     * StreamsGroupHeartbeat: the response, once what it changed is durable. {@code mayCreate} says
     * whether the member may create an internal topic (CREATE on the cluster or the topic): as in
     * Kafka, if it may not create them all, none is created and the MISSING_INTERNAL_TOPICS status
     * says which it was refused.
     */
    public CompletableFuture<StreamsGroupHeartbeatResponse> heartbeat(StreamsGroupHeartbeatRequest req, String clientId,
            String clientHost, Predicate<String> mayCreate) {
        String invalid = StreamsRequestChecks.invalid(req);
        if (invalid != null) {
            ErrorCode code = invalid.startsWith(StreamsRequestChecks.TOPOLOGY) ? ErrorCode.STREAMS_INVALID_TOPOLOGY
                    : ErrorCode.INVALID_REQUEST;
            return done(StreamsHeartbeat.error(code, invalid));
        }
        Optional<PartitionWriter> writer = store.writerFor(req.groupId());
        if (writer.isEmpty()) {
            return done(StreamsHeartbeat.error(ErrorCode.NOT_COORDINATOR, null));
        }
        StreamsGroup group = req.memberEpoch() == 0
                ? store.getOrCreate(req.groupId(), StreamsGroup.class, id -> new StreamsGroup(id, clock.getAsLong()))
                : store.group(req.groupId(), StreamsGroup.class);
        if (group == null) {
            return store.group(req.groupId()) != null
                    ? done(StreamsHeartbeat.error(ErrorCode.GROUP_ID_NOT_FOUND, "Group " + req.groupId()
                            + " is not a streams group."))
                    : done(StreamsHeartbeat.error(ErrorCode.UNKNOWN_MEMBER_ID, "Group " + req.groupId() + " is unknown."));
        }
        StreamsTopology current;
        synchronized (group) {
            current = group.topology;
        }
        StreamsTopology offered = req.topology() == null ? null : StreamsTopology.from(req.topology());
        if (offered != null && current != null && offered.epoch() >= current.epoch() && !offered.sameAs(current)) {
            // Kafka 4.4.0 keeps a group's first topology (an older epoch is answered STALE_TOPOLOGY)
            return done(StreamsHeartbeat.error(ErrorCode.INVALID_REQUEST, StreamsHeartbeat.TOPOLOGY_UPDATE));
        }
        StreamsTopology target = current != null ? current : offered;
        List<String> refused = new ArrayList<>();
        StreamsConfiguredTopology configured = req.memberEpoch() < 0 || target == null ? null
                : configure(target, mayCreate, refused);
        // a topology set meanwhile by another heartbeat is checked again on the next one
        return write(writer.get(), group, () -> heartbeats.decide(group, req, clientId, clientHost, offered,
                group.topology == current ? configured : null, clock.getAsLong()))
                .thenApply(r -> refused.isEmpty() ? r : withRefusedTopics(r, refused));
    }

    /** Says in the MISSING_INTERNAL_TOPICS status which internal topics the member was refused, as Kafka words it. */
    static StreamsGroupHeartbeatResponse withRefusedTopics(StreamsGroupHeartbeatResponse r, List<String> refused) {
        if (r.errorCode() != ErrorCode.NONE.code) {
            return r;
        }
        String detail = "Unauthorized to CREATE on topics " + String.join(",", refused) + ".";
        List<StreamsGroupHeartbeatResponse.Status> statuses = r.status() == null ? new ArrayList<>()
                : new ArrayList<>(r.status());
        for (StreamsGroupHeartbeatResponse.Status s : statuses) {
            if (s.statusCode() == StreamsStatus.MISSING_INTERNAL_TOPICS.code) {
                s.setStatusDetail(s.statusDetail() + "; " + detail);
                return r.setStatus(statuses);
            }
        }
        statuses.add(new StreamsGroupHeartbeatResponse.Status().setStatusCode(StreamsStatus.MISSING_INTERNAL_TOPICS.code)
                .setStatusDetail(detail));
        return r.setStatus(statuses);
    }

    /**
     * The topology against the cluster's topics, creating the internal topics it lacks if the member
     * may create them all; otherwise creating none and adding the refused ones to {@code refused}.
     */
    private StreamsConfiguredTopology configure(StreamsTopology topology, Predicate<String> mayCreate,
            List<String> refused) {
        StreamsConfiguredTopology c = StreamsConfiguredTopology.configure(topology, this::partitionCount,
                metadata.topics().keySet());
        if (c.problem() != StreamsStatus.MISSING_INTERNAL_TOPICS) {
            return c;
        }
        c.toCreate().stream().map(StreamsTopology.TopicInfo::name).filter(mayCreate.negate()).sorted()
                .forEach(refused::add);
        if (!refused.isEmpty()) {
            log.info("streams internal topics {} not created: the member may not create them", refused);
            return c;
        }
        for (StreamsTopology.TopicInfo t : c.toCreate()) {
            int replication = t.replicationFactor() > 0 ? t.replicationFactor()
                    : config.get(BrokerKeys.DEFAULT_REPLICATION_FACTOR);
            try {
                if (!TopicNames.isValid(t.name())) {
                    log.warn("streams internal topic name {} is invalid; not created", t.name());
                    continue;
                }
                admin.autoCreateTopic(t.name(), t.partitions(), replication, t.configs());
                log.info("created streams internal topic {} with {} partitions", t.name(), t.partitions());
            } catch (TopicExistsException e) {
                // another heartbeat created it
            } catch (Exception e) {
                log.warn("cannot create streams internal topic {}: {}", t.name(), e.toString());
            }
        }
        return StreamsConfiguredTopology.configure(topology, this::partitionCount, metadata.topics().keySet());
    }

    private OptionalInt partitionCount(String topic) {
        Optional<TopicInfo> t = metadata.topic(topic);
        return t.isPresent() ? OptionalInt.of(t.get().partitions().size()) : OptionalInt.empty();
    }

    private CompletableFuture<StreamsGroupHeartbeatResponse> write(PartitionWriter writer, StreamsGroup group,
            Supplier<StreamsHeartbeat.Outcome> decide) {
        return writer.write(new PartitionWriter.LogWrite<>() {
            private StreamsHeartbeat.Outcome outcome;

            @Override
            public List<CoordinatorLog.Entry> records() {
                synchronized (group) {
                    try {
                        outcome = decide.get();
                    } catch (RuntimeException e) {
                        log.error("streams group {}: heartbeat failed", group.groupId, e);
                        outcome = new StreamsHeartbeat.Outcome(
                                StreamsHeartbeat.error(ErrorCode.UNKNOWN_SERVER_ERROR, null), null);
                    }
                    return StreamsRecords.changes(group);
                }
            }

            @Override
            public StreamsGroupHeartbeatResponse applied() {
                if (outcome.joined() != null) {
                    synchronized (group) {
                        startSession(group, outcome.joined(), clock.getAsLong());
                    }
                }
                return outcome.response();
            }

            @Override
            public StreamsGroupHeartbeatResponse failed(Exception cause) {
                PartitionWriter.logFailure(log, "cannot write streams group " + group.groupId, cause);
                return StreamsHeartbeat.error(PartitionWriter.errorFor(cause), null);
            }
        });
    }

    // ---- sessions ------------------------------------------------------------------------------

    /** Starts the member's one session timer (once: a member restored and seen at start-up gets one). */
    private void startSession(StreamsGroup group, StreamsMember member, long nowMs) {
        member.heartbeatDeadlineMs = Math.max(member.heartbeatDeadlineMs, nowMs + settings.sessionTimeoutMs());
        if (!member.sessionTimed) {
            member.sessionTimed = true;
            scheduleCheck(group, member, settings.sessionTimeoutMs());
        }
    }

    /** One timer per member at a time: a check that finds the deadlines moved reschedules itself. */
    private void scheduleCheck(StreamsGroup group, StreamsMember member, long delayMs) {
        timer.newTimeout(t -> io.execute(() -> checkSession(group, member)), Math.max(1, delayMs), TimeUnit.MILLISECONDS);
    }

    private void checkSession(StreamsGroup group, StreamsMember member) {
        synchronized (group) {
            if (group.members.get(member.memberId) != member) {
                return;
            }
            long now = clock.getAsLong();
            long deadline = deadline(member);
            if (now < deadline) {
                scheduleCheck(group, member, deadline - now);
                return;
            }
        }
        Optional<PartitionWriter> writer = store.writerFor(group.groupId);
        if (writer.isEmpty()) {
            return;
        }
        writer.get().write(new PartitionWriter.LogWrite<Boolean>() {
            @Override
            public List<CoordinatorLog.Entry> records() {
                synchronized (group) {
                    long now = clock.getAsLong();
                    if (group.members.get(member.memberId) != member || now < deadline(member)) {
                        return List.of(); // it heartbeated meanwhile (its next check is still scheduled)
                    }
                    boolean revocation = member.revocationDeadlineMs > 0 && now >= member.revocationDeadlineMs;
                    log.info("member {} of streams group {} {}; removed", member.memberId, group.groupId,
                            revocation ? "did not revoke its tasks within its rebalance timeout of "
                                    + member.rebalanceTimeoutMs + " ms"
                                    : "missed its session timeout of " + settings.sessionTimeoutMs() + " ms");
                    group.removeMember(member.memberId);
                    group.bumpGroupEpoch();
                    StreamsHeartbeat.afterMembershipChange(group, now);
                    return StreamsRecords.changes(group);
                }
            }

            @Override
            public Boolean applied() {
                return true;
            }

            @Override
            public Boolean failed(Exception cause) {
                PartitionWriter.logFailure(log, "cannot remove a member of streams group " + group.groupId, cause);
                return false;
            }
        });
    }

    private static long deadline(StreamsMember m) {
        return m.revocationDeadlineMs > 0 ? Math.min(m.heartbeatDeadlineMs, m.revocationDeadlineMs) : m.heartbeatDeadlineMs;
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
