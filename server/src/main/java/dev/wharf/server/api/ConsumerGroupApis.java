package dev.wharf.server.api;

import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.group.ConsumerGroups;
import dev.wharf.server.group.ConsumerTopics;
import dev.wharf.server.group.GroupCoordinator;
import dev.wharf.server.group.GroupStore;
import dev.wharf.server.security.acl.Authorization;
import io.netty.util.Timer;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Start-up of consumer groups (KIP-848): their coordinator on the broker's group store and its two
 * APIs. Run once, on the starting thread, before the listeners accept.
 */
public final class ConsumerGroupApis {
    /** Topics a regular expression never matches: the coordinators' own. */
    private static final Set<String> INTERNAL = Set.of(GroupStore.OFFSETS_TOPIC, "__transaction_state");

    private ConsumerGroupApis() {}

    /** @param classic the classic coordinator, which hands classic members of consumer groups over */
    public static ConsumerGroups register(ApiHandlers handlers, GroupStore store, GroupCoordinator classic, Executor io,
            Timer timer, ZkMetadataStore metadata, Authorization authz) {
        ConsumerGroups groups = new ConsumerGroups(store, io, timer, System::currentTimeMillis, new ConsumerTopics() {
            @Override
            public int partitions(String topic) {
                return metadata.topic(topic).map(t -> t.partitions().size()).orElse(-1);
            }

            @Override
            public Collection<String> names() {
                return metadata.topics().keySet().stream().filter(t -> !INTERNAL.contains(t)).toList();
            }
        });
        groups.serveClassicMembersOf(classic);
        handlers.register(new ConsumerGroupHeartbeatHandler(authz, groups, metadata))
                .register(new ConsumerGroupDescribeHandler(authz, groups, metadata));
        return groups;
    }
}
