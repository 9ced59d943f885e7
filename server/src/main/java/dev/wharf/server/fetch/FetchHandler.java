package dev.wharf.server.fetch;

import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.FetchSessions;
import dev.wharf.server.api.ApiHandler;
import dev.wharf.server.api.LeaderHints;
import dev.wharf.server.purgatory.DelayedOperationPurgatory;
import dev.wharf.server.replica.PartitionWaiters;
import dev.wharf.server.replica.ReplicaManager;
import dev.wharf.server.api.RequestContext;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.FetchRequest;
import dev.wharf.wire.message.FetchResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Fetch: for each partition, whole batches from the one holding the fetch offset up to the high
 * watermark, as file regions (never read into the heap), within the request's byte limits
 * ({@link FetchReader}). With fewer than {@code minBytes} readable the request waits in the
 * replica manager's fetch purgatory ({@link DelayedFetch}) until a watched partition's high
 * watermark moves or {@code maxWaitMs} passes. Followers fetch here too (a replica id in the
 * request): they read up to the log end, wait for new records rather than the high watermark, and
 * each fetch tells the leader how far the follower got ({@link FetchReader}). Incremental sessions (KIP-227) are kept by
 * {@link FetchSessions}. Runs on the connection's event loop: reading only locates batches.
 *
 * <p>v4: isolation level, last stable offset, aborted transactions. v5: log start offset. v7:
 * sessions. v9: current leader epoch. v11: rack, preferred read replica. v12: flexible, diverging
 * epoch. v13: topic ids. v15: replica state. v16-18: leader discovery, directory ids.
 *
 * <p>Authorization: a consumer needs READ on each topic, a follower CLUSTER_ACTION on the cluster;
 * a partition not allowed gets TOPIC_AUTHORIZATION_FAILED.
 */
public final class FetchHandler implements ApiHandler {
    private final Authorization authz;
    private final ZkMetadataStore metadata;
    private final ReplicaManager replicas;
    private final PartitionWaiters waiters;
    private final FetchSessions sessions;

    private final int selfId;

    private final ReadReplicaSelector selector;

    /**
     * @param rackAware {@code replica.selector.class} is Kafka's RackAwareReplicaSelector: consumers
     *     naming a rack are sent to an in-sync replica there
     */
    public FetchHandler(Authorization authz, ZkMetadataStore metadata, ReplicaManager replicas, FetchSessions sessions,
            int selfId, boolean rackAware) {
        this.authz = authz;
        this.selector = new ReadReplicaSelector(rackAware, metadata);
        this.selfId = selfId;
        this.metadata = metadata;
        this.replicas = replicas;
        this.waiters = replicas.waiters();
        this.sessions = sessions;
    }

    @Override
    public ApiKey api() {
        return ApiKey.FETCH;
    }

    @Override
    public Execution execution() {
        return Execution.EVENT_LOOP;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        FetchRequest req = (FetchRequest) context.body();
        FetchSessions.Context session = sessions.resolve(req);
        if (session.error() != 0) {
            return CompletableFuture.completedFuture(
                    new FetchResponse().setErrorCode(session.error()).setSessionId(session.sessionId()));
        }
        FetchReader reader = new FetchReader(metadata, replicas, sessions, req, session, context.version(), selector, selfId,
                mayRead(context, req));
        String listener = context.connection().listenerName();
        if (req.maxWaitMs() <= 0) {
            return CompletableFuture.completedFuture(withLeaderHints(reader.read().told(), listener));
        }
        CompletableFuture<ApiMessage> result = new CompletableFuture<>();
        // consumers wait for the high watermark to move, followers for records to copy
        DelayedOperationPurgatory<TopicPartition> purgatory = reader.fromFollower() ? waiters.followerFetches() : waiters.fetches();
        purgatory.tryCompleteElseWatch(new DelayedFetch(reader, req.maxWaitMs(), req.minBytes(), result),
                reader.watchedPartitions());
        return result.thenApply(resp -> withLeaderHints((FetchResponse) resp, listener));
    }

    /** Which topics the fetch may read: a follower all or none (CLUSTER_ACTION), a consumer those it may READ. */
    private Predicate<String> mayRead(RequestContext context, FetchRequest req) {
        if (FetchReader.replicaIdOf(req) >= 0) {
            boolean replicating = authz.allowedOnCluster(context, AclOperation.CLUSTER_ACTION);
            return topic -> replicating;
        }
        return topic -> authz.allowed(context, AclOperation.READ, ResourceType.TOPIC, topic);
    }

    private FetchResponse withLeaderHints(FetchResponse resp, String listener) {
        LeaderHints.addTo(resp, metadata, listener, selfId);
        return resp;
    }
}
