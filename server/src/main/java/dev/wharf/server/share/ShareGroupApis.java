package dev.wharf.server.share;

import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.BrokerConfig;
import dev.wharf.server.api.ApiHandlers;
import dev.wharf.server.config.BrokerKeys;
import dev.wharf.server.group.GroupStore;
import dev.wharf.server.group.ShareCoordinator;
import dev.wharf.server.group.ShareOffsetsAdmin;
import dev.wharf.server.replica.ReplicaManager;
import dev.wharf.server.security.acl.Authorization;
import io.netty.util.Timer;
import java.util.concurrent.Executor;

/**
 * Start-up of share groups (KIP-932): the group coordinator's share side, the share-partitions
 * this broker leads (forgotten when leadership moves), share sessions, and the APIs. Run once, on
 * the starting thread.
 */
public final class ShareGroupApis {
    private ShareGroupApis() {}

    public static void register(ApiHandlers handlers, BrokerConfig config, ZkMetadataStore metadata,
            ReplicaManager replicas, GroupStore groups, Executor io, Timer timer, Authorization authz) {
        ShareCoordinator coordinator = new ShareCoordinator(groups, metadata::topic, metadata::groupConfigs, io, timer,
                System::currentTimeMillis);
        RemoteShareState remote = new RemoteShareState(groups, metadata, config.brokerId(), config.interBrokerListener());
        ShareSettings settings = new ShareSettings(config, metadata::groupConfigs);
        SharePartitions partitions = new SharePartitions(new ShareStatePersister(coordinator, remote), settings,
                replicas.waiters(), timer, io, System::currentTimeMillis);
        replicas.onLeadershipChange((partition, leading) -> partitions.leadershipChanged(partition.topicPartition()));
        ShareLeader leader = new ShareLeader(metadata, replicas, partitions, settings, System::currentTimeMillis);
        ShareSessions sessions = new ShareSessions(config.get(BrokerKeys.GROUP_SHARE_MAX_SHARE_SESSIONS));
        handlers.register(new ShareGroupHeartbeatHandler(authz, coordinator))
                .register(new ShareGroupDescribeHandler(authz, coordinator, metadata))
                .register(new ShareFetchHandler(authz, sessions, leader))
                .register(new ShareAcknowledgeHandler(authz, sessions, leader))
                .register(new ShareGroupStateHandlers.Read(authz, coordinator))
                .register(new ShareGroupStateHandlers.Write(authz, coordinator));
        ShareOffsetsAdmin offsets = new ShareOffsetsAdmin(groups, System::currentTimeMillis);
        handlers.register(new ShareGroupOffsetsHandlers.Describe(authz, offsets, metadata, replicas))
                .register(new ShareGroupOffsetsHandlers.Alter(authz, offsets, metadata))
                .register(new ShareGroupOffsetsHandlers.Delete(authz, offsets, metadata));
    }
}
