package dev.wharf.server.group;

import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.TopicAdmin;
import dev.wharf.server.api.ApiHandlers;
import dev.wharf.server.api.StreamsGroupDescribeHandler;
import dev.wharf.server.api.StreamsGroupHeartbeatHandler;
import dev.wharf.server.security.acl.Authorization;
import io.netty.util.Timer;
import java.util.concurrent.Executor;

/**
 * Start-up of streams groups (KIP-1071): the coordinator, on the groups' store, and its two APIs.
 * Run once, on the starting thread, before the offsets partitions load (the coordinator restarts
 * the sessions of the members it restores).
 */
public final class StreamsGroupApis {
    private StreamsGroupApis() {}

    public static StreamsCoordinator register(ApiHandlers handlers, GroupStore store, ZkMetadataStore metadata,
            TopicAdmin admin, Executor io, Timer timer, Authorization authz) {
        StreamsCoordinator coordinator = new StreamsCoordinator(store, metadata, admin, io, timer,
                System::currentTimeMillis);
        handlers.register(new StreamsGroupHeartbeatHandler(authz, coordinator))
                .register(new StreamsGroupDescribeHandler(authz, new StreamsDescriber(coordinator)));
        return coordinator;
    }
}
